"""Load a corpus folder: validate metadata against files, decode, clean, split, tokenize, cache.

A corpus folder holds ``raw/`` (one report per file, never modified) and ``metadata.csv`` (one
row per report). ``load_corpus()`` returns a :class:`Corpus` with three tables:

* ``documents``: one row per report: ``doc_id``, the metadata columns, ``title``, ``text``
  (cleaned, simplified), ``n_chars`` (Han characters of the body), counts and provenance;
* ``sentences``: ``doc_id, para_id, sent_id, start, end, text``;
* ``tokens``: ``doc_id, sent_id, token_id, token, start, end, is_word, is_stop, is_bureaucratic``.

Each report is processed on its own (in parallel for large corpora) and cached under
``<corpus>/processed/cache/`` keyed by the raw bytes, the lexicon files and this code, so an
unchanged report loads from cache and a changed raw or lexicon file rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import clean, segment, tokenize
from .config import LEXICON_DIR, cache_dir, corpus_dir
from .errors import CorpusError

#: Columns every metadata file must have.
REQUIRED_COLUMNS = ("doc_id", "file", "label", "city", "meeting_date")
#: Columns whose non-empty values must be ISO dates (YYYY-MM-DD).
DATE_COLUMNS = ("meeting_date", "publication_date")
#: Encodings tried, in order, after UTF-8 (GBK is a subset of GB18030).
FALLBACK_ENCODINGS = ("gb18030", "big5")
DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
#: Above this many reports, processing runs in a process pool.
PARALLEL_THRESHOLD = 40


# --------------------------------------------------------------------------------------------
# metadata and files


def read_metadata(root: Path) -> pd.DataFrame:
    """Read and validate ``metadata.csv``: required columns, unique ids and files, ISO dates."""
    path = root / "metadata.csv"
    if not path.is_file():
        raise CorpusError(path, "metadata file not found (one row per report is required)")
    try:
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CorpusError(path, f"metadata is not UTF-8 ({e.reason} at byte {e.start})") from None
    except pd.errors.EmptyDataError:
        raise CorpusError(path, "metadata file is empty (a header row and one row per report are required)") from None
    except pd.errors.ParserError as e:
        raise CorpusError(path, f"metadata is not valid CSV: {e}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise CorpusError(path, f"missing column(s): {', '.join(missing)} (required: {', '.join(REQUIRED_COLUMNS)})")
    if meta.empty:
        raise CorpusError(path, "metadata has no rows: add one row per report in raw/")
    meta = meta.apply(lambda col: col.str.strip())
    for col in ("doc_id", "file", "label", "city"):
        empty = meta.index[meta[col] == ""].tolist()
        if empty:
            raise CorpusError(path, f"empty {col} in row(s) {', '.join(str(i + 2) for i in empty)}")
    for col in ("doc_id", "file"):
        dup = meta[col][meta[col].duplicated()].unique().tolist()
        if dup:
            raise CorpusError(path, f"duplicate {col}: {', '.join(dup)}")
    bad_ids = [d for d in meta["doc_id"] if not DOC_ID_RE.match(d)]
    if bad_ids:
        raise CorpusError(path, f"doc_id must be lower-case letters, digits, _ or -: {', '.join(bad_ids)}")
    for col in DATE_COLUMNS:
        if col not in meta.columns:
            continue
        for i, value in meta[col].items():
            if value:
                try:
                    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        raise ValueError(value)
                    date.fromisoformat(value)
                except ValueError:
                    raise CorpusError(path, f"row {i + 2} ({meta.at[i, 'doc_id']}): {col} {value!r} is not a date YYYY-MM-DD") from None
    return meta


def list_raw_files(root: Path) -> list[Path]:
    """Report files in ``raw/`` (hidden files such as ``.gitkeep`` are not reports)."""
    raw = root / "raw"
    if not raw.is_dir():
        raise CorpusError(raw, "raw/ folder not found")
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith("."))


def match_files(meta: pd.DataFrame, files: list[Path], root: Path) -> None:
    """Every row has a file and every file has a row; otherwise name what is missing."""
    names = {p.name for p in files}
    listed = set(meta["file"])
    no_file = sorted(listed - names)
    if no_file:
        raise CorpusError(root / "raw" / no_file[0], f"listed in metadata.csv but no such file in raw/ ({len(no_file)} missing: {', '.join(no_file)})")
    no_row = sorted(names - listed)
    if no_row:
        raise CorpusError(root / "raw" / no_row[0], f"file in raw/ has no row in metadata.csv ({len(no_row)} without a row: {', '.join(no_row)})")


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode a report's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) first, then GB18030 (which covers GBK and GB2312) and Big5;
    when both legacy encodings decode the bytes, charset-normalizer picks the more coherent one.
    Empty, binary and undecodable files raise :class:`CorpusError`.
    """
    if not data.strip():
        raise CorpusError(path, "empty file (no text to analyse)")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), enc, path), enc
            except UnicodeDecodeError as e:
                raise CorpusError(path, f"starts with a {enc} byte-order mark but is not valid {enc} ({e.reason} at byte {e.start})") from None
    if b"\x00" in data:
        raise CorpusError(path, "binary file (contains NUL bytes), not a text report (if it is UTF-16 text, add a byte-order mark or save it as UTF-8)")
    try:
        return _checked(data.decode("utf-8"), "utf-8", path), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = f"{e.reason} at byte {e.start}"
    decoded = {}
    for enc in FALLBACK_ENCODINGS:
        try:
            decoded[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if not decoded:
        raise CorpusError(path, f"cannot decode: not UTF-8 ({utf8_error}), GB18030/GBK or Big5; save it as UTF-8")
    if len(decoded) > 1:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(decoded)).best()
        enc = best.encoding.replace("_", "") if best else "gb18030"
        enc = "big5" if "big5" in enc else "gb18030"
    else:
        enc = next(iter(decoded))
    return _checked(decoded[enc], enc, path), enc


def _checked(text: str, encoding: str, path: Path | str) -> str:
    """Refuse text that is mostly control characters (a binary file that happens to decode)."""
    ctrl = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or 0x7F <= ord(c) < 0xA0)
    if ctrl / max(1, len(text)) > 0.01:
        raise CorpusError(path, f"binary or corrupt file: decodes as {encoding} only to control characters")
    return text


# --------------------------------------------------------------------------------------------
# one document


def _fingerprint_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def lexicon_fingerprint(lexicon_dir: Path = LEXICON_DIR) -> str:
    """Hash of every lexicon file and of the cleaning/tokenizing code: the cache key's second half."""
    code = [Path(m.__file__) for m in (clean, segment, tokenize)] + [Path(__file__)]
    return _fingerprint_files([p for p in lexicon_dir.iterdir() if p.is_file()] + code)


def process_document(doc_id: str, path: Path, data: bytes, lexicon_dir: Path = LEXICON_DIR) -> dict:
    """Decode, clean, split and tokenize one report. Returns plain data (picklable)."""
    text, encoding = decode(data, path)
    result = clean.clean_text(text, path.name, clean.load_rules(lexicon_dir), encoding=encoding)
    if not result.paragraphs:
        raise CorpusError(path, "no body text left after cleaning (only furniture, captions or a title)")
    sentences = segment.split_sentences(result.text)
    tokens = tokenize.tokenize_sentences(sentences, lexicon_dir)
    return {
        "doc_id": doc_id,
        "title": result.title,
        "text": result.text,
        "audit": result.audit.to_dict(),
        "sentences": sentences,
        "tokens": tokens,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _load_one(args: tuple) -> dict:
    doc_id, path, lexicon_dir, key, cache = args
    cache_file = cache / f"{doc_id}-{key}.pkl" if cache else None
    if cache_file and cache_file.is_file():
        with open(cache_file, "rb") as f:
            return pickle.load(f)
    data = Path(path).read_bytes()
    out = process_document(doc_id, Path(path), data, lexicon_dir)
    if cache_file:
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    return out


# --------------------------------------------------------------------------------------------
# the corpus


@dataclass
class Corpus:
    """A loaded corpus: documents, sentences and tokens as DataFrames, plus cleaning audits."""

    root: Path
    documents: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    audits: dict = field(repr=False)

    @property
    def doc_ids(self) -> list[str]:
        """Report ids in metadata order."""
        return self.documents["doc_id"].tolist()

    @property
    def labels(self) -> dict[str, str]:
        """``doc_id -> label`` for figures (``萍乡 Pingxiang``)."""
        return dict(zip(self.documents["doc_id"], self.documents["label"]))

    def text(self, doc_id: str) -> str:
        """The cleaned body text of one report."""
        return self.documents.set_index("doc_id").at[doc_id, "text"]

    def __repr__(self) -> str:
        return (f"Corpus('{self.root.name}/': {len(self.documents)} reports, {len(self.sentences)} sentences, "
                f"{int(self.tokens['is_word'].sum())} word tokens)")


def _cache_key(path: Path, lexicon_key: str) -> str:
    h = hashlib.sha256(path.read_bytes())
    h.update(lexicon_key.encode())
    return h.hexdigest()[:20]


def _writable_cache(root: Path) -> Path | None:
    cache = cache_dir(root)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        return cache if os.access(cache, os.W_OK) else None
    except OSError:
        return None


def load_corpus(path: str | Path | None = None, *, lexicon_dir: Path = LEXICON_DIR, use_cache: bool = True,
                n_jobs: int | None = None, progress: bool | None = None) -> Corpus:
    """Load the corpus folder at ``path`` (default: ``$ANALYSIS_CORPUS_DIR`` or the bundled ``data/``).

    Raises :class:`CorpusError` naming the file and the problem for any bad input; nothing is
    skipped. ``n_jobs`` defaults to the number of cores for large corpora; ``progress`` shows a
    tqdm bar (default: on for more than 200 reports).
    """
    root = Path(path).resolve() if path else corpus_dir()
    meta = read_metadata(root)
    files = list_raw_files(root)
    match_files(meta, files, root)
    lexicon_key = lexicon_fingerprint(lexicon_dir)
    cache = _writable_cache(root) if use_cache else None
    raw = root / "raw"
    jobs = [(row.doc_id, raw / row.file, lexicon_dir, _cache_key(raw / row.file, lexicon_key), cache)
            for row in meta.itertuples()]
    n_jobs = n_jobs or ((os.cpu_count() or 1) if len(jobs) > PARALLEL_THRESHOLD else 1)
    progress = len(jobs) > 200 if progress is None else progress
    results = _run(jobs, n_jobs, progress)
    return _assemble(root, meta, results)


def _run(jobs: list[tuple], n_jobs: int, progress: bool) -> list[dict]:
    from tqdm import tqdm

    if n_jobs <= 1:
        it = map(_load_one, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=n_jobs)
        it = pool.map(_load_one, jobs, chunksize=max(1, len(jobs) // (n_jobs * 8)))
    try:
        return list(tqdm(it, total=len(jobs), desc="reports", disable=not progress, unit="doc"))
    finally:
        if n_jobs > 1:
            pool.shutdown()


def _assemble(root: Path, meta: pd.DataFrame, results: list[dict]) -> Corpus:
    docs, sents, toks, audits = [], [], [], {}
    for row, res in zip(meta.to_dict("records"), results):
        doc_id = res["doc_id"]
        audit = res["audit"]
        audits[doc_id] = audit
        n_han = len(re.findall(f"[{clean.HAN}]", res["text"]))
        docs.append({**row, "title": res["title"], "text": res["text"], "n_chars": n_han,
                     "n_paragraphs": res["text"].count("\n") + 1, "n_sentences": len(res["sentences"]),
                     "n_tokens": sum(t["is_word"] for t in res["tokens"]), "encoding": audit["encoding"],
                     "script_detected": audit["script_detected"], "sha256": res["sha256"]})
        sents.append(pd.DataFrame(res["sentences"]).assign(doc_id=doc_id))
        toks.append(pd.DataFrame(res["tokens"]).assign(doc_id=doc_id))
    documents = pd.DataFrame(docs)
    sentences = pd.concat(sents, ignore_index=True)[["doc_id", "para_id", "sent_id", "start", "end", "text"]]
    tokens = pd.concat(toks, ignore_index=True)
    tokens = tokens[["doc_id", "sent_id", "token_id", "token", "start", "end", "is_word", "is_stop", "is_bureaucratic"]]
    return Corpus(root=root, documents=documents, sentences=sentences, tokens=tokens, audits=audits)
