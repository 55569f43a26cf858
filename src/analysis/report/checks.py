"""Checks on raw data: the SHA-256 manifest, and a report's check before it enters the corpus."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from analysis.loading import clean
from analysis.loading.config import DATA_DIR, corpus_dir
from analysis.loading.corpus import _fill_from_text, list_raw_files, read_metadata, read_sources
from analysis.loading.decode import decode, read_raw
from analysis.loading.errors import CorpusError
from analysis.loading.infer import infer_metadata

MANIFEST = DATA_DIR / "MANIFEST.sha256"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(path: Path = MANIFEST) -> dict[str, str]:
    """``relative path -> sha256`` from a ``sha256sum``-style manifest."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.strip()] = digest
    return out


def write_manifest(data_dir: Path | None = None) -> Path:
    """Record the SHA-256 of every report file in ``<corpus>/raw/`` (default: the corpus in force,
    ``$ANALYSIS_CORPUS_DIR`` or ``data/``); run after adding a report, never after editing one."""
    data_dir = data_dir or corpus_dir()
    lines = [f"{sha256(p)}  raw/{p.name}" for p in list_raw_files(data_dir)]
    path = data_dir / "MANIFEST.sha256"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


#: At most this many items of each list are printed (a broken file can have thousands).
LIST_LIMIT = 40
#: An HTML or XML tag: ``<p>``, ``</script>``, ``<img src="…"/>``.
TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]{0,500}?/?>")


def _listed(items: list[str], limit: int = LIST_LIMIT) -> list[str]:
    """The first ``limit`` items, then a line saying how many more there are."""
    return items if len(items) <= limit else items[:limit] + [f"  … and {len(items) - limit} more"]


def markup_line(body: str) -> str:
    """What check-report says about HTML tags left in a cleaned body (they stay as literal text)."""
    tags = TAG_RE.findall(body)
    if not tags:
        return "markup: none"
    names = ", ".join(sorted({t.lower() for t in tags}))
    return (f"markup: {len(tags)} HTML tag(s) in the body ({names}), kept as literal text, never interpreted; "
            "if they are page markup, save the page as plain text before adding it")


#: A kept line ending in one of these ends a sentence (or a quotation): not suspect for its length alone.
SENTENCE_CLOSE = "。！？!?；;…”’」』"


def suspect_lines(paragraphs: list[str], furniture: dict) -> list[tuple[str, str]]:
    """Short body lines that look like furniture the rules missed, with the reason for each.

    A line is suspect when it is at most ``suspect_max_chars`` long and does not end a sentence,
    or at most ``suspect_stamp_max_chars`` long and matches a ``suspect`` pattern of furniture.yaml
    (a date, a clock time, a ``label:``). List items (``list_markers``) are headings, not suspects.
    """
    short = clean.threshold(furniture, "suspect_max_chars")
    stamp = clean.threshold(furniture, "suspect_stamp_max_chars")
    markers = clean.list_marker_re(furniture)
    out = []
    for par in paragraphs:
        if markers.match(par):
            continue
        if len(par) <= short and par[-1] not in SENTENCE_CLOSE:
            out.append((par, "short line that ends no sentence"))
        elif len(par) <= stamp and (rule := clean._match_any(furniture.get("suspect", []), par)):
            out.append((par, rule["note"].split(" (")[0]))
    return out


def check_report(path: Path, corpus: Path | None = None) -> str:
    """What the corpus will make of a new report: encoding, script, pinyin, furniture, metadata.

    Raises :class:`CorpusError` for a file the corpus would refuse (empty, binary, undecodable).
    Returns a readable summary of what cleaning will do.
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError(path, "no such file")
    text, encoding = decode(read_raw(path), path)
    result = clean.clean_text(text, path.name, encoding=encoding)
    if not result.paragraphs:
        raise CorpusError(path, "no body text left after cleaning (only furniture, captions or a title)")
    a = result.audit
    lines = [f"report: {path}", f"encoding: {encoding}" + ("" if encoding.startswith("utf-8") else " (will be decoded; consider saving as UTF-8)"),
             f"script: {a.script_detected} ({a.chars_converted} characters will be converted to simplified)",
             f"pinyin annotations: {a.annotations_removed} removed, {len(a.annotation_mismatches)} not a reading of their character",
             f"lost characters: {len(a.repairs)} repaired, {len(a.flagged)} flagged"]
    lines += _listed([f"  flagged: {f['context']} ({f['problem']})" for f in a.flagged])
    lines.append(f"title: {a.title or '(none found)'}")
    lines.append(f"dropped lines: {len(a.dropped)}")
    lines += _listed([f"  [{d['kind']}] {d['text'][:70]}" for d in a.dropped])
    lines += _listed([f"  [inline] {d['text']}" for d in a.inline_removed])
    suspects = suspect_lines(result.paragraphs, clean.load_rules().furniture)
    lines.append(f"short lines kept in the body that may be furniture: {len(suspects)}"
                 + (" (add a rule to data/lexicon/furniture.yaml if they are)" if suspects else ""))
    lines += _listed([f"  [kept] {par} ({why})" for par, why in suspects])
    lines.append(f"paragraphs rejoined across breaks: {len(a.rejoins)}")
    lines.append(markup_line(result.text))
    lines.append(f"body: {len(result.paragraphs)} paragraphs, {a.chars_out} characters (from {a.chars_in})")
    if a.byline:
        lines.append(f"byline: {a.byline}")
    root = corpus or corpus_dir()
    source = read_sources(root).get(path.name) if (root / "SOURCES.csv").is_file() else None
    inferred = infer_metadata(result.title, result.text, a.to_dict(), source)
    lines.append("inferred from the text (value; basis; evidence):")
    lines += [f"  {name}: {f['value'] or '(unknown)'}; {f['basis']}; {str(f['evidence'])[:70]}"
              for name, f in inferred.items() if name != "officials"]
    try:
        meta = read_metadata(root)
    except CorpusError as e:
        lines.append(f"metadata: cannot read ({e})")
        return "\n".join(lines)
    if meta is None:
        lines.append(f"metadata: no metadata.csv in {root}: every field is inferred from the text (above)")
        return "\n".join(lines)
    rows = meta[meta["file"] == path.name]
    if rows.empty:
        lines.append(f"metadata: no row for {path.name} in {root / 'metadata.csv'}: add one "
                     f"(columns: {', '.join(meta.columns)})")
        return "\n".join(lines)
    row = rows.iloc[0]
    empty = [c for c in meta.columns if not row[c]]
    lines.append(f"metadata: row {row['doc_id']}; empty fields: {', '.join(empty) or 'none'}")
    _, compared = _fill_from_text(row.to_dict(), inferred, set(meta.columns))
    differs = [c for c in compared if c["status"] == "differs"]
    lines.append(f"metadata and text disagree on {len(differs)} field(s)" + (" (metadata.csv wins):" if differs else ""))
    lines += _listed([f"  {c['field']}: metadata {c['metadata']!r}, text {c['inferred']!r} ({c['basis']})"
                      for c in differs])
    return "\n".join(lines)
