"""What the reports tell officials to do: directives, their themes, and how reports divide attention.

Every research choice lives in ``data/lexicon/codebook.yaml``: which sentences are not directives
(datelines, attendance lists, speech frames), the imperative openers that make an unmarked sentence of
a speech a directive, how sentences split into task clauses, the ranking of administrative levels,
and the themes (id, labels, definition, keywords, verbatim examples). This module only reads it and
names no theme and no report.

Directive strength is not computed here: clauses are scored by
:func:`analysis.measures.directives.sentence_directives`, the same implementation the rhetoric notebook uses.

The unit of analysis is a *directive*: a clause of a directive sentence. A sentence is split at
semicolons (``；``) and, where a comma segment is a ``、``-list of tasks that each open with a task
verb, at those ``、`` as well. Every share is a number of directives with a theme over the number of
directives of the report.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis.loading.config import ANNOTATIONS_DIR, LEXICON_DIR
from analysis.loading.corpus import Corpus
from analysis.loading.errors import AnalysisError
from analysis.loading.lexicon import read_yaml
from analysis.loading.memo import memoised
from analysis.loading.tokenize import cut, get_segmenter, stopwords
from analysis.measures.directives import DIRECTIVES_FILE, has_modal_yao, sentence_directives, yao_words
from analysis.measures.levels import count_level_pairs, level_pairs  # noqa: F401 (notebook 03 pairs reports from here)
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers, known_speakers
from analysis.measures.stats import wilson_interval

CODEBOOK_FILE = "codebook.yaml"
ANNOTATIONS_FILE = "directives_coded.csv"
THEME_FIELDS = ("id", "label_en", "label_zh", "definition", "keywords", "examples")
DIRECTIVE_COLUMNS = ["directive_id", "doc_id", "para_id", "sent_id", "clause_id", "start", "end", "position",
                     "speaker", "role", "attribution", "strength", "markers", "sentence_strength", "basis",
                     "text", "task"]


# --------------------------------------------------------------------------------------------
# codebook


class CodebookError(AnalysisError):
    """The codebook file is malformed (names the file and the problem)."""


def load_codebook(path: Path | None = None) -> dict:
    """The parsed codebook (``data/lexicon/codebook.yaml`` by default), checked for required fields.

    Returns a dict with ``directives`` (extraction rules), ``admin_levels`` and ``themes`` (a list, in
    the codebook's order). Raises :class:`CodebookError` for a missing field or a duplicate theme id.
    """
    path = Path(path) if path else LEXICON_DIR / CODEBOOK_FILE
    book = read_yaml(path)
    for section in ("directives", "themes", "admin_levels"):
        if section not in (book or {}):
            raise CodebookError(path, f"missing section {section!r}")
    seen = set()
    for i, theme in enumerate(book["themes"]):
        missing = [f for f in THEME_FIELDS if not theme.get(f)]
        if missing:
            raise CodebookError(path, f"theme #{i + 1} ({theme.get('id')}) lacks {', '.join(missing)}")
        if theme["id"] in seen:
            raise CodebookError(path, f"duplicate theme id {theme['id']!r}")
        seen.add(theme["id"])
    return book


def theme_ids(codebook: dict | None = None) -> list[str]:
    """Theme ids in codebook order."""
    return [t["id"] for t in (codebook or load_codebook())["themes"]]


def theme_labels(codebook: dict | None = None, lang: str = "en") -> dict[str, str]:
    """``theme id -> label`` (``lang='en'``, ``'zh'`` or ``'both'``: ``Sanitation 环境卫生``)."""
    out = {}
    for t in (codebook or load_codebook())["themes"]:
        out[t["id"]] = {"en": t["label_en"], "zh": t["label_zh"]}.get(lang, f"{t['label_en']} {t['label_zh']}")
    return out


def codebook_table(codebook: dict | None = None) -> pd.DataFrame:
    """One row per theme: ``id, label_en, label_zh, definition, keywords`` (joined), ``n_examples``."""
    rows = [{"id": t["id"], "label_en": t["label_en"], "label_zh": t["label_zh"], "definition": t["definition"],
             "keywords": "、".join(t["keywords"]), "n_examples": len(t["examples"])}
            for t in (codebook or load_codebook())["themes"]]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# directive extraction


@dataclass(frozen=True)
class _Rules:
    exclude: tuple[tuple[str, re.Pattern], ...]
    openers: tuple[str, ...]
    numbering: re.Pattern
    clause_split: re.Pattern
    task_verbs: tuple[str, ...]
    list_min_chars: int
    head_strip: tuple[re.Pattern, ...]
    yao: tuple[str, ...] = ()


def _rules(codebook: dict) -> _Rules:
    d = codebook["directives"]
    return _Rules(
        exclude=tuple((e["kind"], re.compile(e["pattern"])) for e in d["exclude"]),
        openers=tuple(sorted((o["opener"] for o in d["openers"]), key=len, reverse=True)),
        numbering=re.compile(d["numbering"]),
        clause_split=re.compile(d["clause_separators"]),
        task_verbs=tuple(sorted(d["task_list"]["verbs"], key=len, reverse=True)),
        list_min_chars=int(d["task_list"]["min_chars"]),
        head_strip=tuple(re.compile(p) for p in d["task_head"]["strip"]),
        yao=yao_words(),
    )


def exclusion(text: str, codebook: dict | None = None) -> str:
    """The kind of non-directive a sentence is (``dateline``, ``attendance``…), or ``''``."""
    return _exclusion(text, _rules(codebook or load_codebook()))


def _exclusion(text: str, rules: _Rules) -> str:
    return next((kind for kind, rx in rules.exclude if rx.search(text)), "")


def opens_with_task(text: str, codebook: dict | None = None) -> bool:
    """Whether a sentence, after its list numbering, opens with an imperative opener (坚持, 强化…)."""
    return _opens(text, _rules(codebook or load_codebook()))


def _opens(text: str, rules: _Rules) -> bool:
    return rules.numbering.sub("", text, count=1).startswith(rules.openers)


def split_clauses(text: str, codebook: dict | None = None) -> list[tuple[int, str]]:
    """Task clauses of a sentence as ``(offset, text)``.

    Splits at the codebook's clause separators (``；``); then, inside each clause, a comma segment
    that is a ``、``-list of at least two items each opening with a task verb (and at least
    ``min_chars`` long) is split into its items. Offsets are into ``text``; punctuation is kept off.
    """
    return _split(text, _rules(codebook or load_codebook()))


def _split(text: str, rules: _Rules) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in rules.clause_split.split(text):
        if part.strip():
            out += _split_task_list(part, pos, rules)
        pos += len(part) + 1
    return out or [(0, text)]


def _split_task_list(clause: str, offset: int, rules: _Rules) -> list[tuple[int, str]]:
    """Split one clause at the ``、`` of a task list (see :func:`split_clauses`)."""
    segments = re.split(r"(?<=[，,])", clause)
    pieces, pos = [], offset
    for k, seg in enumerate(segments):
        items = seg.rstrip("，,").split("、")
        is_list = len(items) >= 2 and all(
            len(it) >= rules.list_min_chars and rules.numbering.sub("", it).lstrip("要").startswith(rules.task_verbs)
            for it in items)
        if is_list:
            p = pos
            for it in items:
                pieces.append([p, it])
                p += len(it) + 1
            if k + 1 < len(segments):
                pieces.append([pos + len(seg), ""])  # the rest of the clause starts a new piece
        elif pieces:
            pieces[-1][1] += seg
        else:
            pieces.append([pos, seg])
        pos += len(seg)
    trim = "，,。；;！？ "
    return [(p + len(t) - len(t.lstrip(trim)), t.strip(trim)) for p, t in pieces if t.strip(trim)]


def task_head(text: str, markers: str = "", codebook: dict | None = None) -> str:
    """The task a directive names: the first comma segment that carries one of its directive
    ``markers`` (``、``-joined, as from :func:`sentence_directives`), else the first segment;
    without the speech frame, list numbering or the subject before the modal
    (``全县各级各部门要全力推进…`` -> ``全力推进…``)."""
    return _head(text, markers, _rules(codebook or load_codebook()))


def _head(text: str, markers: str, rules: _Rules) -> str:
    body = rules.numbering.sub("", rules.head_strip[0].sub("", text, count=1), count=1)
    segments = [s for s in re.split(r"[，,：:。]", body) if s.strip()] or [body]
    wanted = [m for m in markers.split("、") if m]
    found = next((s for s in segments if any(
        has_modal_yao(s, words=rules.yao) if m == "要" else m in s for m in wanted)), segments[0])
    for rx in rules.head_strip[1:]:
        found = rx.sub("", found, count=1)
    return rules.numbering.sub("", found, count=1).strip() or text


@memoised(CODEBOOK_FILE, DIRECTIVES_FILE, SPEAKERS_FILE)
def directives(corpus: Corpus, codebook: dict | None = None) -> pd.DataFrame:
    """Every directive of every report: one row per task clause of a directive sentence.

    Columns: ``directive_id`` (``doc_id:sent_id:clause_id``), ``doc_id, para_id, sent_id, clause_id,
    start, end`` (offsets into the cleaned text), ``position`` (start / length of the text, 0–1),
    ``speaker, role, attribution`` (from :func:`attribute_speakers`), ``strength`` and
    ``markers`` of the clause and ``sentence_strength`` (from :func:`sentence_directives`),
    ``basis`` (``marker`` or ``opener``: why the sentence counts), ``text`` and ``task``.

    A sentence is a directive when no exclusion of the codebook matches it (datelines, attendance
    lists, speech frames, reading out documents, thanks) and either it carries a directive marker
    (strength >= 1) or it belongs to an attributed speech and opens with an imperative opener.
    """
    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    rules = _rules(codebook)
    sents = corpus.sentences
    scored = sentence_directives(corpus)
    speech = attribute_speakers(corpus)
    table = (sents.merge(scored[["doc_id", "sent_id", "strength"]], on=["doc_id", "sent_id"])
             .merge(speech[["doc_id", "sent_id", "speaker", "role", "attribution"]], on=["doc_id", "sent_id"]))
    lengths = {d: len(t) for d, t in zip(corpus.documents["doc_id"], corpus.documents["text"])}
    rows = []
    for r in table.itertuples(index=False):
        if _exclusion(r.text, rules):
            continue
        in_speech = isinstance(r.speaker, str) and bool(r.speaker)
        if r.strength >= 1:
            basis = "marker"
        elif in_speech and _opens(r.text, rules):
            basis = "opener"
        else:
            continue
        for k, (offset, clause) in enumerate(_split(r.text, rules)):
            start = int(r.start) + offset
            rows.append({"directive_id": f"{r.doc_id}:{r.sent_id}:{k}", "doc_id": r.doc_id, "para_id": r.para_id,
                         "sent_id": r.sent_id, "clause_id": k, "start": start, "end": start + len(clause),
                         "position": start / lengths[r.doc_id], "speaker": r.speaker if in_speech else None,
                         "role": r.role if in_speech else None, "attribution": r.attribution,
                         "sentence_strength": int(r.strength), "basis": basis, "text": clause})
    out = pd.DataFrame(rows, columns=[c for c in DIRECTIVE_COLUMNS if c not in ("strength", "markers", "task")])
    if out.empty:
        return pd.DataFrame(columns=DIRECTIVE_COLUMNS)
    # clause strength from the shared rhetoric implementation (clauses as a sentences table)
    units = out[["doc_id", "text"]].assign(sent_id=np.arange(len(out)))
    clause_scores = sentence_directives(units).sort_values("sent_id")
    out["strength"] = clause_scores["strength"].to_numpy()
    out["markers"] = clause_scores["markers"].to_numpy()
    out["task"] = [_head(t, m, rules) for t, m in zip(out["text"], out["markers"])]
    return out[DIRECTIVE_COLUMNS].reset_index(drop=True)


def directive_summary(directives_df: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Per report: ``sentences``, ``directive_sentences``, ``directives`` (clauses), ``per_1000_chars``
    (directives per 1,000 Han characters), ``attributed`` (share with a known speaker),
    ``by_opener`` (sentences admitted by an imperative opener, not a marker) and ``mean_strength``.
    Indexed by report label, in corpus order."""
    docs = corpus.documents.set_index("doc_id").loc[list(corpus.doc_ids)]
    d = directives_df
    first = d["clause_id"] == 0
    by = d.groupby("doc_id", sort=False)   # one group-by over the corpus-wide table, not a filter per report
    n = by.size().reindex(docs.index, fill_value=0).astype("int64")
    attributed = d["speaker"].notna().groupby(d["doc_id"], sort=False).mean().reindex(docs.index)
    strength = d["strength"].astype(float).groupby(d["doc_id"], sort=False).mean().reindex(docs.index)
    out = pd.DataFrame({
        "report": docs["label"].to_numpy(),
        "sentences": docs["n_sentences"].astype("int64").to_numpy(),
        "directive_sentences": first.groupby(d["doc_id"]).sum().reindex(docs.index, fill_value=0).astype("int64").to_numpy(),
        "directives": n.to_numpy(),
        "per_1000_chars": [round(1000 * k / c, 1) for k, c in zip(n, docs["n_chars"])],
        "attributed": [round(float(x), 2) if k else np.nan for x, k in zip(attributed, n)],
        "by_opener": (first & (d["basis"] == "opener")).groupby(d["doc_id"]).sum()
                     .reindex(docs.index, fill_value=0).astype("int64").to_numpy(),
        "mean_strength": [round(float(x), 2) if k else np.nan for x, k in zip(strength, n)],
    })
    return out.set_index("report")


def excluded_sentences(corpus: Corpus, codebook: dict | None = None) -> pd.DataFrame:
    """Sentences the codebook's exclusions keep out: ``doc_id, sent_id, kind, strength, text``
    (``strength`` > 0 marks the traps: narration that carries a directive marker)."""
    rules = _rules(codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE)))
    scored = sentence_directives(corpus)[["doc_id", "sent_id", "strength"]]
    table = corpus.sentences.merge(scored, on=["doc_id", "sent_id"])
    table["kind"] = [_exclusion(t, rules) for t in table["text"]]
    out = table[table["kind"] != ""][["doc_id", "sent_id", "kind", "strength", "text"]]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# classification


def _theme_hits(text: str, theme: dict) -> list[str]:
    """Keywords and patterns of one theme found in ``text`` (its ``exclude`` words masked first)."""
    for word in theme.get("exclude", []):
        text = text.replace(word, "\u3000" * len(word))
    hits = [k for k in theme["keywords"] if k in text]
    hits += [m.group(0) for p in theme.get("patterns", []) for m in [re.search(p, text)] if m]
    return hits


def classify(directives_df: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Multi-label themes for each directive: the input plus ``themes`` (tuple of theme ids, codebook
    order; empty when no theme matches), ``n_themes`` and ``evidence`` (``theme: keyword、keyword; …``).

    A directive has a theme when one of the theme's keywords (substring) or patterns (regular
    expression) occurs in its text.
    """
    codebook = codebook or load_codebook()
    labels, evidence = [], []
    for text in directives_df["text"]:
        found = [(t["id"], _theme_hits(text, t)) for t in codebook["themes"]]
        found = [(tid, hits) for tid, hits in found if hits]
        labels.append(tuple(tid for tid, _ in found))
        evidence.append("; ".join(f"{tid}: {'、'.join(dict.fromkeys(h))}" for tid, h in found))
    out = directives_df.copy()
    out["themes"] = pd.Series(labels, index=out.index, dtype=object)
    out["n_themes"] = [len(x) for x in labels]
    out["evidence"] = evidence
    return out


def theme_matrix(classified: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Boolean directive × theme matrix (index ``directive_id``, one column per theme id)."""
    ids = theme_ids(codebook)
    data = {tid: [tid in labels for labels in classified["themes"]] for tid in ids}
    return pd.DataFrame(data, index=pd.Index(classified["directive_id"], name="directive_id"), columns=ids)


def shares_table(classified: pd.DataFrame, doc_ids: list[str], codebook: dict | None = None) -> pd.DataFrame:
    """Share of directives per theme per report from classified directives (see :func:`theme_shares`)."""
    codebook = codebook or load_codebook()
    matrix = theme_matrix(classified, codebook)
    matrix["doc_id"] = classified["doc_id"].to_numpy()
    ids = theme_ids(codebook)
    counts = matrix.groupby("doc_id", sort=False)[ids].sum()   # once, not a filter per report
    sizes = matrix.groupby("doc_id", sort=False).size()
    out = _long_counts(counts, sizes, doc_ids, ids, "n_directives_with_theme", "n_directives")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = out["n_directives_with_theme"] / out["n_directives"].replace(0, np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["n_directives_with_theme"], out["n_directives"])
    return out


def theme_shares(corpus: Corpus, codebook: dict | None = None) -> pd.DataFrame:
    """Per report and theme: ``doc_id, theme, n_directives_with_theme, n_directives, share``, plus the
    95% Wilson interval of the share (``ci_low, ci_high``). Reports in corpus order, themes in codebook
    order; a theme a report never names has a row with count 0.
    """
    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    return shares_table(classify(directives(corpus, codebook), codebook), list(corpus.doc_ids), codebook)


# --------------------------------------------------------------------------------------------
# the task unit: a theme counted once per outline item


def directive_items(directives_df: pd.DataFrame, corpus: Corpus, codebook: dict | None = None) -> pd.DataFrame:
    """The directives with their outline item and their task.

    Adds ``item_id``: the deepest item of :func:`analysis.measures.outline.outline` whose sentences hold the
    directive's sentence (``''`` outside the outline); and ``task_id``: that item, or, when the item is of a
    style the codebook's ``task_unit.merge_styles`` lists (the short 要X。 sub-headings that break one
    numbered item into sentences: Xinyang's 四要营造浓厚氛围。要加强宣传。…), the nearest ancestor of
    another style. A directive outside the outline is its own task (its ``directive_id``).
    """
    from analysis.measures.outline import outline

    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    merge = set(codebook["task_unit"]["merge_styles"])
    items = outline(corpus).reset_index(drop=True)
    # every (report, sentence) an item covers, once over the corpus: the deepest item wins, and among
    # items of one level the last in outline order (what a stable sort by level then the last row gives)
    span = (items["last_sent"] - items["first_sent"] + 1).clip(lower=0).to_numpy()
    rows = np.repeat(np.arange(len(items)), span)
    cover = pd.DataFrame({"doc_id": items["doc_id"].to_numpy()[rows],
                          "sent_id": items["first_sent"].to_numpy()[rows] + _ranges(span),
                          "level": items["level"].to_numpy()[rows], "order": rows,
                          "item_id": items["item_id"].to_numpy()[rows]})
    deepest = (cover.sort_values(["level", "order"], kind="stable")
               .drop_duplicates(["doc_id", "sent_id"], keep="last").set_index(["doc_id", "sent_id"])["item_id"])
    keys = pd.MultiIndex.from_arrays([directives_df["doc_id"], directives_df["sent_id"]])
    item_of = deepest.reindex(keys).fillna("").to_numpy(dtype=object) if len(directives_df) else np.array([], dtype=object)
    # each item's task: itself, or up through the merged sub-heading styles to an ancestor of another style
    style, parent = dict(zip(items["item_id"], items["style"])), dict(zip(items["item_id"], items["parent_id"]))
    task_of_item = {}
    for item in items["item_id"]:
        task = item
        while task and style[task] in merge and parent[task]:
            task = parent[task]
        task_of_item[item] = task
    task_of = [task_of_item.get(i, "") or d for i, d in zip(item_of, directives_df["directive_id"])]
    return directives_df.assign(item_id=list(item_of), task_id=task_of)


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """``0, 1, …, n-1`` for each ``n`` of ``lengths``, concatenated (vectorised)."""
    lengths = np.asarray(lengths, dtype="int64")
    if not len(lengths) or lengths.sum() == 0:
        return np.zeros(0, dtype="int64")
    ends = np.cumsum(lengths)
    return np.arange(ends[-1]) - np.repeat(ends - lengths, lengths)


def task_shares(classified: pd.DataFrame, doc_ids: list[str], codebook: dict | None = None) -> pd.DataFrame:
    """Share of *tasks* per theme per report: a task (``task_id`` of :func:`directive_items`) has a theme when
    any of its directives has it, so a theme counts once per outline item however many sentences repeat it.
    Columns ``doc_id, theme, n_tasks_with_theme, n_tasks, share, ci_low, ci_high`` (95% Wilson).
    One group-by over the corpus-wide table (not a filter per report)."""
    codebook = codebook or load_codebook()
    ids = theme_ids(codebook)
    matrix = theme_matrix(classified, codebook).reset_index(drop=True)
    matrix["doc_id"], matrix["task_id"] = classified["doc_id"].to_numpy(), classified["task_id"].to_numpy()
    per_task = matrix.groupby(["doc_id", "task_id"], sort=False)[ids].any()
    counts = per_task.groupby(level="doc_id", sort=False).sum()
    sizes = per_task.groupby(level="doc_id", sort=False).size()
    out = _long_counts(counts, sizes, doc_ids, ids, "n_tasks_with_theme", "n_tasks")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = out["n_tasks_with_theme"] / out["n_tasks"].replace(0, np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["n_tasks_with_theme"], out["n_tasks"])
    return out


def _long_counts(counts: pd.DataFrame, sizes: pd.Series, doc_ids: list[str], ids: list[str], k: str,
                 n: str) -> pd.DataFrame:
    """Report × theme counts (``counts``: doc_id × theme; ``sizes``: denominators by doc_id) as a long
    table ``doc_id, theme, k, n``, every report of ``doc_ids`` (in order) × every theme; 0 where absent."""
    docs = list(doc_ids)
    kk = counts.reindex(index=docs, columns=ids).fillna(0).to_numpy(dtype="int64")
    nn = sizes.reindex(docs).fillna(0).to_numpy(dtype="int64")
    return pd.DataFrame({"doc_id": np.repeat(np.asarray(docs, dtype=object), len(ids)),
                         "theme": np.tile(np.asarray(ids, dtype=object), len(docs)),
                         k: kk.reshape(-1), n: np.repeat(nn, len(ids))})


def tasks_wide(tasks: pd.DataFrame, labels: dict[str, str], codebook: dict | None = None) -> pd.DataFrame:
    """Report × theme table of ``share (k/n)`` of tasks (:func:`task_shares`), as :func:`shares_wide` for directives."""
    return shares_wide(tasks.rename(columns={"n_tasks_with_theme": "n_directives_with_theme", "n_tasks": "n_directives"}),
                       labels, codebook)


def shares_by_unit(shares: pd.DataFrame, tasks: pd.DataFrame, theme: str, doc_ids: list[str]) -> pd.DataFrame:
    """One theme's share in the given reports at both units: ``doc_id, unit`` (``directive`` / ``task``),
    ``k, n, share, ci_low, ci_high``."""
    d = shares[(shares["theme"] == theme) & shares["doc_id"].isin(doc_ids)].rename(
        columns={"n_directives_with_theme": "k", "n_directives": "n"}).assign(unit="directive")
    t = tasks[(tasks["theme"] == theme) & tasks["doc_id"].isin(doc_ids)].rename(
        columns={"n_tasks_with_theme": "k", "n_tasks": "n"}).assign(unit="task")
    out = pd.concat([d, t], ignore_index=True)[["doc_id", "unit", "k", "n", "share", "ci_low", "ci_high"]]
    out["_d"] = out["doc_id"].map({x: i for i, x in enumerate(doc_ids)})
    return out.sort_values(["unit", "_d"], kind="stable").drop(columns="_d").reset_index(drop=True)


def shares_wide(shares: pd.DataFrame, labels: dict[str, str], codebook: dict | None = None) -> pd.DataFrame:
    """Report × theme table of ``share (k/n)`` strings, rows labelled by report, columns by theme label."""
    cell = shares.assign(cell=[f"{s:.0%} ({k}/{n})" if n else "–" for s, k, n in
                               zip(shares["share"], shares["n_directives_with_theme"], shares["n_directives"])])
    wide = cell.pivot(index="doc_id", columns="theme", values="cell")
    wide = wide.loc[list(dict.fromkeys(shares["doc_id"])), theme_ids(codebook)]
    names = theme_labels(codebook)
    return wide.rename(index=labels, columns=names).rename_axis(index="report", columns="theme")


def theme_examples(classified: pd.DataFrame, per_cell: int = 1, codebook: dict | None = None,
                   max_chars: int = 90, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Example directives for each report × theme cell: ``doc_id, theme, directive_id, hand_coded, text``.

    With a hand-coded ``reference`` (``directive_id, themes``, as :func:`load_annotations` reads it), a
    directive the hand coding gives the theme comes first (``hand_coded`` ``confirmed``), then uncoded
    ones (``not coded``); a directive the hand coding codes *without* the theme is never shown. Within
    each group the most specific directives come first (fewest themes), then the strongest, then text
    order; texts longer than ``max_chars`` are cut with ``…``.
    """
    codebook = codebook or load_codebook()
    order = {d: i for i, d in enumerate(dict.fromkeys(classified["doc_id"]))}
    gold = {} if reference is None else dict(zip(reference["directive_id"], reference["themes"]))
    rows = []
    for tid in theme_ids(codebook):
        has = classified[[tid in t for t in classified["themes"]]]
        status = [("confirmed" if tid in gold[d] else "contradicted") if d in gold else "not coded"
                  for d in has["directive_id"]]
        has = has.assign(hand_status=status, hand_rank=[{"confirmed": 0, "not coded": 1}.get(h, 2) for h in status])
        has = has[has["hand_status"] != "contradicted"]
        has = has.sort_values(["hand_rank", "n_themes", "strength", "start"], ascending=[True, True, False, True],
                              kind="stable")
        for doc_id, g in has.groupby("doc_id", sort=False):
            for r in g.head(per_cell).itertuples():
                text = r.text if len(r.text) <= max_chars else r.text[: max_chars - 1] + "…"
                rows.append({"doc_id": doc_id, "theme": tid, "directive_id": r.directive_id,
                             "hand_coded": r.hand_status if gold else "", "text": text})
    out = pd.DataFrame(rows, columns=["doc_id", "theme", "directive_id", "hand_coded", "text"])
    out["_d"] = out["doc_id"].map(order)
    out["_t"] = out["theme"].map({t: i for i, t in enumerate(theme_ids(codebook))})
    return out.sort_values(["_d", "_t", "directive_id"]).drop(columns=["_d", "_t"]).reset_index(drop=True)


def examples_in_corpus(corpus: Corpus, codebook: dict | None = None) -> pd.DataFrame:
    """Each codebook example with ``found``: whether it occurs verbatim in its report's cleaned text."""
    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    rows = [{"theme": t["id"], "doc_id": ex["doc_id"], "text": ex["text"],
             "found": ex["text"] in texts.get(ex["doc_id"], "")}
            for t in codebook["themes"] for ex in t["examples"]]
    return pd.DataFrame(rows, columns=["theme", "doc_id", "text", "found"])


# --------------------------------------------------------------------------------------------
# validation against the hand-coded sample


def annotation_sample(directives_df: pd.DataFrame, per_report: int | None = None, seed: int | None = None,
                      codebook: dict | None = None) -> pd.DataFrame:
    """A sample of directives for hand coding: ``per_report`` from each report (all if fewer), drawn
    with a fixed seed, then alternately assigned to ``dev`` and ``heldout`` within each report in
    random order. Columns ``directive_id, doc_id, text, split``, in text order. ``per_report`` and
    ``seed`` default to the codebook's ``annotation_sample``."""
    settings = (codebook or load_codebook())["annotation_sample"]
    per_report = settings["per_report"] if per_report is None else per_report
    seed = settings["seed"] if seed is None else seed
    rng = np.random.default_rng(seed)
    parts = []
    for _, g in directives_df.groupby("doc_id", sort=False):
        pick = g.iloc[rng.permutation(len(g))[:per_report]].copy()
        pick["split"] = ["dev" if i % 2 == 0 else "heldout" for i in range(len(pick))]
        parts.append(pick.sort_values("start"))
    return pd.concat(parts)[["directive_id", "doc_id", "text", "split"]].reset_index(drop=True)


def load_annotations(path: Path | None = None) -> pd.DataFrame:
    """The hand-coded directives: ``directive_id, doc_id, text, themes`` (tuple), ``split``, ``note``."""
    path = Path(path) if path else ANNOTATIONS_DIR / ANNOTATIONS_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["themes"] = [tuple(t for t in s.split(";") if t) for s in df["themes"]]
    return df


def validation_units(classified: pd.DataFrame, annotations: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """The classifier's output on the hand-coded sample: ``classified`` itself when every directive of
    the sample is extracted from this corpus with the same text (the bundled corpus), else the sample's
    own texts classified (``directive_id, doc_id, text, themes, n_themes, evidence``), so the
    validation measures the classifier on the coded sample whatever corpus the notebook runs on."""
    current = dict(zip(classified["directive_id"], classified["text"]))
    if all(current.get(d) == t for d, t in zip(annotations["directive_id"], annotations["text"])):
        return classified
    return classify(annotations[["directive_id", "doc_id", "text"]].reset_index(drop=True), codebook)


def annotation_check(annotations: pd.DataFrame, classified: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Problems in the hand-coded sample: unknown theme ids, units no longer extracted or whose text
    changed. Empty when the sample matches the current extraction."""
    known = set(theme_ids(codebook))
    current = dict(zip(classified["directive_id"], classified["text"]))
    rows = []
    for r in annotations.itertuples():
        for t in r.themes:
            if t not in known:
                rows.append({"directive_id": r.directive_id, "problem": f"unknown theme {t}"})
        if r.directive_id not in current:
            rows.append({"directive_id": r.directive_id, "problem": "not an extracted directive"})
        elif current[r.directive_id] != r.text:
            rows.append({"directive_id": r.directive_id, "problem": "text differs from the extraction"})
    return pd.DataFrame(rows, columns=["directive_id", "problem"])


def evaluate(classified: pd.DataFrame, annotations: pd.DataFrame, split: str = "heldout",
             codebook: dict | None = None) -> pd.DataFrame:
    """Precision, recall and F1 per theme of the classifier against the hand codes of one ``split``.

    Columns: ``theme, support`` (hand-coded positives), ``predicted``, ``tp, fp, fn, precision,
    recall, f1`` and 95% Wilson intervals ``precision_low/high, recall_low/high``; a last row
    ``micro`` pools every theme. Precision is ``nan`` when the classifier
    never predicts the theme, recall ``nan`` when the coder never assigned it.
    """
    ids = theme_ids(codebook)
    sample = annotations[annotations["split"] == split]
    predicted = dict(zip(classified["directive_id"], classified["themes"]))
    rows = []
    for tid in ids + ["micro"]:
        tp = fp = fn = 0
        for r in sample.itertuples():
            pred = set(predicted.get(r.directive_id, ()))
            gold = set(r.themes)
            for t in ids if tid == "micro" else [tid]:
                tp += t in pred and t in gold
                fp += t in pred and t not in gold
                fn += t not in pred and t in gold
        rows.append({"theme": tid, "support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn})
    out = pd.DataFrame(rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["precision"] = out["tp"] / out["predicted"].replace(0, np.nan)
        out["recall"] = out["tp"] / out["support"].replace(0, np.nan)
        out["f1"] = 2 * out["precision"] * out["recall"] / (out["precision"] + out["recall"])
    out["precision_low"], out["precision_high"] = wilson_interval(out["tp"], out["predicted"])
    out["recall_low"], out["recall_high"] = wilson_interval(out["tp"], out["support"])
    return out


# --------------------------------------------------------------------------------------------
# data-driven cross-check: NMF topics


def topic_stopwords(corpus: Corpus, codebook: dict | None = None) -> frozenset[str]:
    """Tokens kept out of the topic model: the project's function and bureaucratic stopwords, the
    codebook's ``topic_model.stopwords`` (campaign names and the like), every directive marker of
    ``directives.yaml`` (with its compounds such as 二要), and the people and places of the metadata
    (speakers' names, city names), which would otherwise make topics of speakers rather than tasks."""
    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    words = set(stopwords(corpus.lexicon.root, bureaucratic=True)) | set(codebook["topic_model"]["stopwords"])
    for m in corpus.lexicon.yaml(DIRECTIVES_FILE)["markers"]:
        words |= {m["marker"], *m.get("compounds", []), *m.get("tokens", [])}
    for people in known_speakers(corpus).values():
        words |= set(people)
    for col in ("city", "label"):
        if col in corpus.documents:
            words |= {w for v in corpus.documents[col].dropna() for w in str(v).split() if w}
    return frozenset(words)


_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")


def directive_tokens(text: str, exclude: frozenset[str] = frozenset(), segmenter=None) -> list[str]:
    """Content tokens of a directive for TF-IDF: jieba (domain dictionary) words of two or more Han
    characters that are not in ``exclude`` (see :func:`topic_stopwords`). ``segmenter``: the one
    :func:`analysis.loading.tokenize.get_segmenter` gives (what :func:`cut` uses), looked up once by a
    caller that cuts many directives."""
    words = segmenter.cut(text) if segmenter is not None else cut(text)
    return [t for t in words if len(t) >= 2 and t not in exclude and _HAN_WORD.fullmatch(t)]


def nmf_topics(classified: pd.DataFrame, corpus: Corpus,
               codebook: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NMF over TF-IDF of the directives, with the settings of the codebook's ``topic_model`` section
    (``n_topics, n_top_words, min_df, random_state``).

    Returns ``(topics, weights)``: ``topics`` has one row per topic (``topic, top_words`` joined by
    ``、``, ``n_directives`` whose largest weight is that topic); ``weights`` is directive × topic
    (index ``directive_id``). The fixed ``random_state`` and ``nndsvd`` initialisation make it repeatable.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    codebook = codebook or load_codebook(corpus.lexicon.path(CODEBOOK_FILE))
    cfg = codebook["topic_model"]
    exclude = topic_stopwords(corpus, codebook)
    segmenter = get_segmenter()
    docs = [directive_tokens(t, exclude, segmenter) for t in classified["text"]]
    vec = TfidfVectorizer(analyzer=lambda toks: toks, min_df=int(cfg["min_df"]), sublinear_tf=bool(cfg["sublinear_tf"]))
    X = vec.fit_transform(docs)
    n_topics = int(cfg["n_topics"])
    model = NMF(n_components=n_topics, init=cfg["init"], random_state=int(cfg["random_state"]), max_iter=int(cfg["max_iter"]))
    W = model.fit_transform(X)
    vocab = np.asarray(vec.get_feature_names_out())
    names = [f"T{i + 1}" for i in range(n_topics)]
    top = [vocab[np.argsort(-row, kind="stable")[: int(cfg["n_top_words"])]] for row in model.components_]
    dominant = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), -1)
    topics = pd.DataFrame({"topic": names, "top_words": ["、".join(w) for w in top],
                           "n_directives": [int((dominant == i).sum()) for i in range(n_topics)]})
    weights = pd.DataFrame(W, index=pd.Index(classified["directive_id"], name="directive_id"), columns=names)
    return topics, weights


def topic_theme_correlation(weights: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlation of each topic's weights with each theme's 0/1 label (topic × theme)."""
    m = matrix.loc[weights.index].astype(float)
    out = pd.DataFrame(index=weights.columns, columns=m.columns, dtype=float)
    for topic in weights.columns:
        for tid in m.columns:
            a, b = weights[topic].to_numpy(), m[tid].to_numpy()
            out.loc[topic, tid] = np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else np.nan
    return out


def topics_beside_themes(topics: pd.DataFrame, corr: pd.DataFrame, classified: pd.DataFrame,
                         weights: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Each topic with its top words, the codebook theme it correlates with best (and r), and the share
    of the directives dominated by it that the codebook leaves without any theme."""
    dominant = weights.idxmax(axis=1).where(weights.sum(axis=1) > 0)
    untagged = pd.Series([len(t) == 0 for t in classified["themes"]], index=weights.index)
    rows = []
    for r in topics.itertuples():
        c = corr.loc[r.topic].dropna()
        best = c.idxmax() if len(c) else None
        mine = dominant == r.topic
        rows.append({"topic": r.topic, "top_words": r.top_words, "n_directives": r.n_directives,
                     "closest_theme": labels.get(best, "–") if best else "–",
                     "r": round(float(c.max()), 2) if len(c) else np.nan,
                     "share_without_theme": round(float(untagged[mine].mean()), 3) if mine.any() else np.nan})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# comparison: the same city at two levels


def evaluation_summary(classified: pd.DataFrame, annotations: pd.DataFrame, codebook: dict | None = None) -> str:
    """One line each for the pooled (micro) precision and recall on the held-out half, with counts
    and Wilson intervals, and on the dev half the codebook was tuned on (optimistic)."""
    held = evaluate(classified, annotations, "heldout", codebook).set_index("theme").loc["micro"]
    dev = evaluate(classified, annotations, "dev", codebook).set_index("theme").loc["micro"]
    return (f"held-out: precision {held['tp']:.0f}/{held['predicted']:.0f} = {held['precision']:.2f} "
            f"[{held['precision_low']:.2f}, {held['precision_high']:.2f}], "
            f"recall {held['tp']:.0f}/{held['support']:.0f} = {held['recall']:.2f} "
            f"[{held['recall_low']:.2f}, {held['recall_high']:.2f}]\n"
            f"dev (tuned on, optimistic): precision {dev['precision']:.2f}, recall {dev['recall']:.2f}")


def untagged(classified: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Directives the codebook gives no theme: ``report, text`` (reports in corpus order)."""
    out = classified[classified["n_themes"] == 0]
    return out.assign(report=out["doc_id"].map(labels))[["report", "text"]]


def compare_levels(shares: pd.DataFrame, higher: str, lower: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """What the lower level repeats, drops and adds relative to the higher one, theme by theme.

    Columns: ``theme, k_higher, n_higher, share_higher, k_lower, n_lower, share_lower, difference``
    (lower − higher), ``p_fisher`` (two-sided Fisher exact test of the 2×2 counts) and ``status``:
    ``repeats`` (named by both), ``drops`` (only the higher level), ``adds`` (only the lower level),
    ``neither``.
    """
    hi = shares[shares["doc_id"] == higher].set_index("theme")
    lo = shares[shares["doc_id"] == lower].set_index("theme")
    rows = []
    for tid in hi.index:
        kh, nh = int(hi.at[tid, "n_directives_with_theme"]), int(hi.at[tid, "n_directives"])
        kl, nl = int(lo.at[tid, "n_directives_with_theme"]), int(lo.at[tid, "n_directives"])
        status = {(True, True): "repeats", (True, False): "drops", (False, True): "adds",
                  (False, False): "neither"}[(kh > 0, kl > 0)]
        p = stats.fisher_exact([[kh, nh - kh], [kl, nl - kl]])[1] if nh and nl else np.nan
        rows.append({"theme": (labels or {}).get(tid, tid), "k_higher": kh, "n_higher": nh,
                     "share_higher": kh / nh if nh else np.nan, "k_lower": kl, "n_lower": nl,
                     "share_lower": kl / nl if nl else np.nan,
                     "difference": (kl / nl if nl else np.nan) - (kh / nh if nh else np.nan),
                     "p_fisher": p, "status": status})
    return pd.DataFrame(rows)


def level_vocabulary(classified: pd.DataFrame, corpus: Corpus, higher: str, lower: str, n: int = 12,
                     codebook: dict | None = None) -> pd.DataFrame:
    """The content words of two reports' directives (tokens as in the topic model): the ``n`` most
    frequent words found in both (``repeats``), only in the higher report (``drops``) and only in the
    lower one (``adds``). Columns ``status, words`` (``word×count``, by count then word)."""
    exclude = topic_stopwords(corpus, codebook)
    counts = {}
    for doc_id in (higher, lower):
        texts = classified.loc[classified["doc_id"] == doc_id, "text"]
        words = [w for t in texts for w in directive_tokens(t, exclude)]
        counts[doc_id] = pd.Series(words, dtype=object).value_counts()
    hi, lo = counts[higher], counts[lower]
    groups = {"repeats": (hi.add(lo, fill_value=0)[hi.index.intersection(lo.index)]),
              "drops": hi[hi.index.difference(lo.index)], "adds": lo[lo.index.difference(hi.index)]}
    rows = []
    for status, series in groups.items():
        ordered = sorted(series.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        rows.append({"status": status, "words": "、".join(f"{w}×{int(c)}" for w, c in ordered)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# figures


def median_positions(classified: pd.DataFrame, labels: dict[str, str], codebook: dict | None = None) -> pd.DataFrame:
    """Theme × report table of ``median position (n)``: where in each report a theme's directives sit."""
    codebook = codebook or load_codebook()
    docs = list(dict.fromkeys(classified["doc_id"]))
    names = theme_labels(codebook)
    rows = {}
    for tid in theme_ids(codebook):
        has = classified[[tid in t for t in classified["themes"]]]
        by_doc = dict(tuple(has.groupby("doc_id", sort=False)["position"]))   # once per theme, not per report
        cells = {}
        for d in docs:
            pos = by_doc.get(d, has["position"].iloc[:0])
            cells[labels[d]] = f"{pos.median():.2f} ({len(pos)})" if len(pos) else "–"
        rows[names[tid]] = cells
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("theme")


def positions_table(classified: pd.DataFrame) -> pd.DataFrame:
    """Long table behind the position figure: ``doc_id, directive_id, position, theme`` (``''`` = none)."""
    rows = [{"doc_id": r.doc_id, "directive_id": r.directive_id, "position": round(r.position, 4), "theme": t}
            for r in classified.itertuples() for t in (r.themes or ("",))]
    return pd.DataFrame(rows, columns=["doc_id", "directive_id", "position", "theme"])


# --------------------------------------------------------------------------------------------
# a second coder: agreement, and precision/recall against each reference

SECOND_ANNOTATIONS_FILE = "directives_coded_second.csv"
ADJUDICATED_FILE = "directives_adjudicated.csv"
CLASSIFIER = "classifier"


def load_references(first: Path | None = None, second: Path | None = None,
                    adjudicated: Path | None = None) -> dict[str, pd.DataFrame]:
    """The three hand-coded references of the sample: ``coder 1``, ``coder 2`` and ``adjudicated`` (each as
    :func:`load_annotations` reads it; the adjudicated file also has ``adjudication_note``)."""
    return {"coder 1": load_annotations(first), "coder 2": load_annotations(second or ANNOTATIONS_DIR / SECOND_ANNOTATIONS_FILE),
            "adjudicated": load_annotations(adjudicated or ANNOTATIONS_DIR / ADJUDICATED_FILE)}


def codings(classified: pd.DataFrame, references: dict[str, pd.DataFrame]) -> dict[str, dict[str, tuple]]:
    """``name -> {directive_id: themes}`` for every reference and for the classifier (on the same units)."""
    out = {name: dict(zip(df["directive_id"], df["themes"])) for name, df in references.items()}
    units = set().union(*(set(c) for c in out.values()))
    out[CLASSIFIER] = {d: tuple(t) for d, t in zip(classified["directive_id"], classified["themes"]) if d in units}
    return out


def coder_agreement(classified: pd.DataFrame, references: dict[str, pd.DataFrame], codebook: dict | None = None,
                    units: list[str] | None = None) -> pd.DataFrame:
    """Cohen's κ and Krippendorff's α per theme and overall (pooled theme decisions) between coder 1 and
    coder 2, and between each coder and the classifier (:func:`analysis.measures.agreement.agreement_table`;
    column ``label`` renamed ``theme``). ``units`` restricts the directives (default: all of coder 1's); only
    directives that both codings of a pair cover are counted for that pair."""
    from analysis.measures.agreement import agreement_table

    coded = codings(classified, references)
    pairs = [("coder 1", "coder 2"), ("coder 1", CLASSIFIER), ("coder 2", CLASSIFIER)]
    units = list(references["coder 1"]["directive_id"]) if units is None else units
    # on another corpus the sample's directives may not be extracted: a pair counts the units both codings cover
    parts = [agreement_table(coded, [(a, b)], theme_ids(codebook), [u for u in units if u in coded[a] and u in coded[b]])
             for a, b in pairs]
    return pd.concat(parts, ignore_index=True).rename(columns={"label": "theme"})


def agreement_wide(agreement: pd.DataFrame, labels: dict[str, str], stat: str = "kappa") -> pd.DataFrame:
    """One row per theme (label) and ``overall``, one column per pair (``coder 1 ~ coder 2``…) of ``stat``."""
    t = agreement.assign(pair=agreement["a"] + " ~ " + agreement["b"])
    wide = t.pivot(index="theme", columns="pair", values=stat)
    order = [x for x in [*labels, "overall"] if x in wide.index]
    wide = wide.loc[order, list(dict.fromkeys(t["pair"]))]
    wide.index = [labels.get(x, x) for x in wide.index]
    return wide


def evaluate_references(classified: pd.DataFrame, references: dict[str, pd.DataFrame], split: str | None = "heldout",
                        codebook: dict | None = None) -> pd.DataFrame:
    """:func:`evaluate` of the classifier against each reference (a column ``reference`` first); ``split``
    ``None`` evaluates on the whole sample."""
    parts = [evaluate(classified, df if split else df.assign(split="all"), split or "all", codebook).assign(reference=name)
             for name, df in references.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["reference", *[c for c in out.columns if c != "reference"]]]


def coding_disagreements(first: pd.DataFrame, second: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Every (directive, theme) the two codings decide differently: ``directive_id, theme, first, second``
    (0/1) and ``text``, in the sample's order."""
    from analysis.measures.agreement import disagreements

    a, b = dict(zip(first["directive_id"], first["themes"])), dict(zip(second["directive_id"], second["themes"]))
    out = disagreements(a, b, theme_ids(codebook)).rename(columns={"unit": "directive_id", "label": "theme"})
    return out.assign(text=out["directive_id"].map(dict(zip(first["directive_id"], first["text"]))))


# --------------------------------------------------------------------------------------------
# official criteria categories (secondary sources; codebook.yaml `criteria`)


def criteria_table(codebook: dict | None = None) -> pd.DataFrame:
    """The criteria categories the themes map to: ``id, source, code, label_zh, label_en`` and the source's
    ``title``, in the codebook's order."""
    crit = (codebook or load_codebook())["criteria"]
    titles = {s["id"]: s["title"] for s in crit["sources"]}
    out = pd.DataFrame(crit["categories"])[["id", "source", "code", "label_zh", "label_en"]]
    return out.assign(title=out["source"].map(titles))


def criteria_check(codebook: dict | None = None, path: Path | None = None) -> None:
    """Raise :class:`CodebookError` when a theme lacks ``criteria`` / ``criteria_note``, names a category
    the ``criteria`` section does not have, or a category names an unknown source or is mapped to by no theme."""
    book = codebook or load_codebook()
    path = path or LEXICON_DIR / CODEBOOK_FILE
    crit = book.get("criteria") or {}
    sources = {s["id"] for s in crit.get("sources", [])}
    cats = {c["id"]: c for c in crit.get("categories", [])}
    for c in cats.values():
        if c.get("source") not in sources:
            raise CodebookError(path, f"criteria category {c['id']} names unknown source {c.get('source')!r}")
    used = set()
    for t in book["themes"]:
        if "criteria" not in t or not t.get("criteria_note"):
            raise CodebookError(path, f"theme {t['id']} lacks criteria or criteria_note")
        for cid in t["criteria"]:
            if cid not in cats:
                raise CodebookError(path, f"theme {t['id']} maps to unknown criteria category {cid!r}")
            used.add(cid)
    if set(cats) - used:
        raise CodebookError(path, f"criteria categories mapped to by no theme: {', '.join(sorted(set(cats) - used))}")


def theme_criteria(codebook: dict | None = None) -> pd.DataFrame:
    """One row per (theme, category) of the mapping: ``theme, category, source, code, label_zh, label_en``;
    themes mapped to no category are absent (see :func:`criteria_unmapped_themes`)."""
    book = codebook or load_codebook()
    cats = criteria_table(book).set_index("id")
    rows = [{"theme": t["id"], "category": cid, **cats.loc[cid, ["source", "code", "label_zh", "label_en"]].to_dict()}
            for t in book["themes"] for cid in t["criteria"]]
    return pd.DataFrame(rows, columns=["theme", "category", "source", "code", "label_zh", "label_en"])


def criteria_unmapped_themes(codebook: dict | None = None) -> pd.DataFrame:
    """Themes that map to no criteria category: ``theme, note``."""
    book = codebook or load_codebook()
    return pd.DataFrame([{"theme": t["id"], "note": t["criteria_note"]} for t in book["themes"] if not t["criteria"]],
                        columns=["theme", "note"])


def criteria_coverage(classified: pd.DataFrame, doc_ids: list[str], codebook: dict | None = None) -> pd.DataFrame:
    """Per criteria category and report: how many of the report's directives have a theme mapped to the
    category. Columns ``category, source, code, label_zh, label_en``, then one column per report (counts of
    directives; a directive counts once per category however many of its themes map there), and
    ``n_reports`` (reports with at least one such directive). A category with ``n_reports == 0`` is one no
    directive of the corpus touches."""
    book = codebook or load_codebook()
    out = criteria_table(book).rename(columns={"id": "category"}).drop(columns="title")
    counts = criteria_counts(classified, book).reindex(index=list(doc_ids), columns=list(out["category"])).fillna(0)
    for doc in doc_ids:
        out[doc] = counts.loc[doc].astype("int64").to_numpy()
    out["n_reports"] = (out[list(doc_ids)] > 0).sum(axis=1) if doc_ids else 0
    return out


def criteria_counts(classified: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Report × criteria category: how many of the report's directives have a theme mapped to the
    category (a directive counts once per category). One group-by over the corpus; reports without
    directives are absent."""
    book = codebook or load_codebook()
    mapping = theme_criteria(book)
    cats = list(criteria_table(book)["id"])
    matrix = theme_matrix(classified, book).reset_index(drop=True)
    touch = pd.DataFrame({c: matrix[sorted(set(mapping.loc[mapping["category"] == c, "theme"]))].any(axis=1)
                          for c in cats}, index=matrix.index)
    touch["doc_id"] = classified["doc_id"].to_numpy()
    return touch.groupby("doc_id", sort=False)[cats].sum().astype("int64")


def unit_sensitivity(shares: pd.DataFrame, tasks: pd.DataFrame, labels: dict[str, str],
                     codebook: dict | None = None) -> pd.DataFrame:
    """How each report's rank on each theme moves when the unit changes from the directive (a clause)
    to the task (an outline item, :func:`task_shares`): one row per theme, the reports' ranks (1 =
    largest share; ties share the best rank) at both units, and ``moves``: the reports whose rank
    changes ("none" when the ranking holds)."""
    codebook = codebook or load_codebook()
    names = theme_labels(codebook)
    d = shares.pivot(index="theme", columns="doc_id", values="share")
    t = tasks.pivot(index="theme", columns="doc_id", values="share")
    docs = list(dict.fromkeys(shares["doc_id"]))
    rows = []
    for theme in theme_ids(codebook):
        rd = d.loc[theme, docs].rank(ascending=False, method="min")
        rt = t.loc[theme, docs].rank(ascending=False, method="min")
        moved = [labels.get(x, x) for x in docs if rd[x] != rt[x] and not (pd.isna(rd[x]) and pd.isna(rt[x]))]
        rows.append({"theme": names[theme],
                     "rank by directives": " ".join("–" if pd.isna(rd[x]) else str(int(rd[x])) for x in docs),
                     "rank by tasks": " ".join("–" if pd.isna(rt[x]) else str(int(rt[x])) for x in docs),
                     "moves": "、".join(moved) if moved else "none"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# readings of the per-report view (computed sentences the notebook shows)


def count_of(shares: pd.DataFrame, doc_id: str, theme: str) -> str:
    """``k of n``: the directives of one report naming a theme, of its directives."""
    r = shares[(shares["doc_id"] == doc_id) & (shares["theme"] == theme)].iloc[0]
    return f"{int(r['n_directives_with_theme'])} of {int(r['n_directives'])}"


def directives_per_report(shares: pd.DataFrame) -> pd.Series:
    """Directives of each report that has any (doc_id -> n), in the table's order."""
    n = shares.groupby("doc_id", sort=False)["n_directives"].first()
    return n[n > 0]


def share_reading(shares: pd.DataFrame, codebook: dict | None = None) -> str:
    """The computed sentence under the per-report heatmap: the two themes with the highest median
    share over the reports with directives, their range, and how far one directive moves a share."""
    names = theme_labels(codebook)
    n_dir = directives_per_report(shares)
    med = shares.groupby("theme")["share"].median().sort_values(ascending=False)
    rng = shares.groupby("theme")["share"].agg(["min", "max"])

    def span(theme):
        return f"{rng.loc[theme, 'min']:.0%}–{rng.loc[theme, 'max']:.0%}"

    top = list(med.index[:2])
    return (f"**Computed.** The two themes with the highest median share across the {len(n_dir)} reports with directives are "
            f"**{names[top[0]]}** ({span(top[0])} of a report's directives) and **{names[top[1]]}** ({span(top[1])}). "
            f"Reports have {n_dir.min()}–{n_dir.max()} directives, so one directive moves a share by "
            f"{100 / n_dir.max():.0f}–{100 / n_dir.min():.0f} points.")


def unit_reading(shares: pd.DataFrame, tasks: pd.DataFrame, classified: pd.DataFrame, labels: dict[str, str],
                 doc_ids: list[str], codebook: dict | None = None) -> str:
    """The computed sentence on the two units, report by report: directives (inside an outline item)
    and tasks of each report, and the largest change of a share between the units."""
    names = theme_labels(codebook)
    n_dir = directives_per_report(shares)
    n_tasks = tasks.groupby("doc_id", sort=False)["n_tasks"].first()
    in_outline = (classified["item_id"] != "").groupby(classified["doc_id"], sort=False).sum().astype(int)
    gap = _unit_gap(shares, tasks)
    big = gap.loc[gap["gap"].abs().idxmax()] if len(gap) else None
    return ("**Computed.** Directives and tasks per report (directives inside an outline item in brackets): "
            + "; ".join(f"{labels[d]} {int(n_dir.get(d, 0))} directives ({in_outline.get(d, 0)}), {int(n_tasks[d])} tasks"
                        for d in doc_ids) + "."
            + (f" The largest change of a share between the two units is {names[big['theme']]} in "
               f"{labels[big['doc_id']]}: {big['share_directive']:.1%} of its directives, {big['share_task']:.1%} of its "
               "tasks." if big is not None else ""))


def _unit_gap(shares: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """Per report and theme: the share of directives and of tasks and their ``gap`` (task − directive)."""
    gap = shares[["doc_id", "theme", "share"]].merge(tasks[["doc_id", "theme", "share"]], on=["doc_id", "theme"],
                                                     suffixes=("_directive", "_task")).dropna()
    return gap.assign(gap=gap["share_task"] - gap["share_directive"])


def opening_themes(classified: pd.DataFrame) -> pd.Series:
    """The themes of each report's first directive (doc_id -> tuple), reports in order of appearance."""
    ordered = classified.sort_values(["doc_id", "start"])
    return ordered.groupby("doc_id", sort=False).head(1).set_index("doc_id")["themes"]


def late_counts(classified: pd.DataFrame, theme: str, late_from: float) -> pd.DataFrame:
    """Per report with directives naming ``theme``: ``k`` of them at ``position >= late_from``, of ``n``
    (index doc_id, reports in sorted order as a group-by gives them)."""
    has = classified[[theme in t for t in classified["themes"]]]
    late = (has["position"] >= late_from).groupby(has["doc_id"]).agg(["sum", "size"])
    return late.rename(columns={"sum": "k", "size": "n"}).astype("int64")


def opening_reading(classified: pd.DataFrame, labels: dict[str, str], open_theme: str, late_theme: str,
                    late_from: float, codebook: dict | None = None, open_label: str | None = None,
                    late_label: str | None = None) -> str:
    """The computed sentence on the order of a speech, report by report: in how many reports the first
    directive names ``open_theme``, and each report's ``late_theme`` directives at or after ``late_from``
    (``open_label`` / ``late_label`` name the themes in the sentence; default: their codebook labels)."""
    names = theme_labels(codebook)
    first = opening_themes(classified)
    late = late_counts(classified, late_theme, late_from)
    n_open = sum(open_theme in t for t in first)
    return (f"**Computed.** In {n_open} of the {len(first)} reports with directives the first directive names "
            f"{open_label or names[open_theme].lower()}. {late_label or names[late_theme]} directives in the last "
            f"{1 - late_from:.0%} of the text: " + "; ".join(f"{labels[d]} {r.k} of {r.n}" for d, r in late.iterrows()) + ".")


# --------------------------------------------------------------------------------------------
# group views (issue 15): each report one observation, groups of reports compared


def report_theme_values(table: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """A long report × theme table (``doc_id, theme, value``) as doc_id × theme (reports without a
    value, e.g. without directives, are ``nan``)."""
    return table.pivot(index="doc_id", columns="theme", values=value)


def group_theme_means(table: pd.DataFrame, groups: pd.Series, codebook: dict | None = None,
                      value: str = "share") -> pd.DataFrame:
    """Per theme and group: the mean over the group's reports of each report's ``value`` (the report is
    the unit; reports without a value are left out), with a bootstrap interval over reports
    (:func:`analysis.measures.stats.group_means`). Columns ``theme, group, n_reports, mean, ci_low,
    ci_high``; themes in codebook order, groups in order of first appearance."""
    from analysis.measures.stats import group_means

    wide = report_theme_values(table, value)
    parts = []
    for tid in theme_ids(codebook):
        if tid in wide:
            m = group_means(wide[tid], groups.reindex(wide.index))
            parts.append(m.assign(theme=tid))
    cols = ["theme", "group", "n_reports", "mean", "ci_low", "ci_high"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    # groups in the order ``groups`` gives them (corpus order, or a ranking such as :func:`level_groups`)
    rank = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    return out.iloc[np.lexsort((out["group"].map(rank).to_numpy(), out["theme"].map(
        {t: i for i, t in enumerate(theme_ids(codebook))}).to_numpy()))].reset_index(drop=True)


def group_theme_wide(means: pd.DataFrame, codebook: dict | None = None, digits: int = 0,
                     percent: bool = True) -> pd.DataFrame:
    """Group × theme table of ``mean [low–high]`` strings (columns: theme labels; a last column
    ``reports``: the group's reports with a value)."""
    names = theme_labels(codebook)

    def fmt(x):
        return "–" if pd.isna(x) else (f"{x:.{digits}%}" if percent else f"{x:.{digits}f}")

    cell = means.assign(cell=[fmt(m) + ("" if pd.isna(lo) else f" [{fmt(lo)}–{fmt(hi)}]")
                              for m, lo, hi in zip(means["mean"], means["ci_low"], means["ci_high"])])
    order = list(dict.fromkeys(means["group"]))
    wide = cell.pivot(index="group", columns="theme", values="cell")
    wide = wide.loc[order, [t for t in theme_ids(codebook) if t in wide.columns]].rename(columns=names)
    wide["reports"] = means.groupby("group")["n_reports"].max().loc[order].astype(int)
    return wide.rename_axis(index="group", columns="theme")


def largest_themes(table: pd.DataFrame, n: int, value: str = "share") -> list[str]:
    """The ``n`` themes with the highest mean per-report ``value`` over all reports."""
    return list(table.groupby("theme")[value].mean().sort_values(ascending=False, kind="stable").index[:n])


def group_theme_differences(table: pd.DataFrame, groups: pd.Series, themes_: list[str],
                            codebook: dict | None = None, value: str = "share") -> pd.DataFrame:
    """Differences between groups of the mean per-report ``value`` for each theme of ``themes_``
    (:func:`analysis.measures.stats.group_differences`: bootstrap interval over reports, Welch p), with
    ``p_holm`` adjusted over the whole family (every theme × pair shown). Columns ``theme`` (label),
    ``group_a, group_b, n_a, n_b, difference, ci_low, ci_high, p_value, p_holm``, by ``p_holm``."""
    from analysis.measures.stats import group_differences, holm

    names = theme_labels(codebook)
    wide = report_theme_values(table, value)
    with warnings.catch_warnings():   # groups of near-identical reports: scipy warns of precision loss in Welch's t
        warnings.simplefilter("ignore", RuntimeWarning)
        parts = [group_differences(wide[t], groups.reindex(wide.index)).assign(theme=names[t]) for t in themes_]
    cols = ["theme", "group_a", "group_b", "n_a", "n_b", "difference", "ci_low", "ci_high", "p_value", "p_holm"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out["p_holm"] = holm(out["p_value"]) if len(out) else []
    return out[cols].sort_values(["p_holm", "p_value"], kind="stable").reset_index(drop=True)


def _pct_points(x: float) -> str:
    return f"{100 * x:+.1f}"


def group_share_reading(table: pd.DataFrame, means: pd.DataFrame, diffs: pd.DataFrame, group_by: str,
                        codebook: dict | None = None, unit: str = "directives", n_col: str = "n_directives",
                        alpha: float = 0.05) -> str:
    """The computed sentence of the group view: the two themes with the highest mean share over the
    reports, the range of their group means, the reports' sizes, and the group differences that hold
    after Holm's correction (about groups, never about single reports)."""
    names = theme_labels(codebook)
    sizes = table.groupby("doc_id", sort=False)[n_col].first()
    with_any = sizes[sizes > 0]
    top = largest_themes(table, 2)
    g = means.set_index(["theme", "group"])

    def span(theme):
        m = g.loc[theme, "mean"]
        return f"group means {m.min():.0%}–{m.max():.0%}"

    text = (f"**Computed.** Unit: the report (each report's share of its {unit} naming a theme, then the mean over "
            f"a group's reports, with 95% bootstrap intervals over reports). Over the {len(with_any):,} reports with "
            f"{unit} ({len(sizes) - len(with_any):,} have none) in {means['group'].nunique()} groups by `{group_by}`, the "
            f"two themes with the highest mean share are **{names[top[0]]}** ({span(top[0])}) and "
            f"**{names[top[1]]}** ({span(top[1])}). " if len(top) >= 2 else "**Computed.** No theme shares to compare. ")
    if len(with_any):
        text += (f"Reports have {int(with_any.min())}–{int(with_any.max())} {unit} (median {with_any.median():.0f}). ")
    if len(diffs):
        held = diffs[diffs["p_holm"] < alpha]
        text += (f"Of {len(diffs)} group differences tested ({diffs['theme'].nunique()} largest themes × pairs of "
                 f"groups, Welch tests, Holm's correction over all of them), {len(held)} hold at {alpha}")
        if len(held):
            r = held.iloc[0]
            text += (f"; the clearest: {r['theme']}, {r['group_a']} − {r['group_b']} = "
                     f"{_pct_points(r['difference'])} points [{_pct_points(r['ci_low'])}, {_pct_points(r['ci_high'])}]")
        text += "."
    else:
        text += "No two groups have two or more reports each, so no difference is tested."
    return text


def group_unit_sensitivity(shares: pd.DataFrame, tasks: pd.DataFrame, groups: pd.Series,
                           codebook: dict | None = None) -> pd.DataFrame:
    """:func:`unit_sensitivity` of the GROUPS: each group's rank on each theme by its mean per-report
    share of directives and of tasks (groups in order of first appearance)."""
    def as_groups(table):
        m = table.assign(group=table["doc_id"].map(groups)).groupby(["group", "theme"], sort=False)["share"].mean()
        return m.reset_index().rename(columns={"group": "doc_id"})

    return unit_sensitivity(as_groups(shares), as_groups(tasks), {}, codebook)


def group_unit_reading(shares: pd.DataFrame, tasks: pd.DataFrame, classified: pd.DataFrame, groups: pd.Series,
                       group_by: str, codebook: dict | None = None) -> str:
    """The computed sentence on the two units by group: the median directives and tasks per report in
    each group, and the largest change of a group's mean share between the units."""
    names = theme_labels(codebook)
    n_dir = shares.groupby("doc_id", sort=False)["n_directives"].first()
    n_tasks = tasks.groupby("doc_id", sort=False)["n_tasks"].first()
    per = pd.DataFrame({"d": n_dir, "t": n_tasks.reindex(n_dir.index), "group": groups.reindex(n_dir.index)})
    med = per.groupby("group", sort=False)[["d", "t"]].median()
    gap = _unit_gap(shares, tasks).assign(group=lambda x: x["doc_id"].map(groups))
    by_group = gap.groupby(["group", "theme"], sort=False)[["share_directive", "share_task"]].mean()
    by_group["gap"] = by_group["share_task"] - by_group["share_directive"]
    text = (f"**Computed.** Median directives and tasks per report, by `{group_by}`: "
            + "; ".join(f"{g} {r.d:.0f} and {r.t:.0f}" for g, r in med.iterrows()) + ".")
    if len(by_group):
        (g, theme), r = by_group["gap"].abs().idxmax(), by_group.loc[by_group["gap"].abs().idxmax()]
        text += (f" The largest change of a group's mean share between the two units is {names[theme]} in {g}: "
                 f"{r['share_directive']:.1%} of a report's directives on average, {r['share_task']:.1%} of its tasks.")
    return text


def group_theme_examples(classified: pd.DataFrame, groups: pd.Series, per_cell: int = 1,
                         codebook: dict | None = None, max_chars: int = 90,
                         reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`theme_examples` for each group × theme cell (``group, theme, directive_id, hand_coded,
    text``): the directives of a group's reports pooled, chosen by the same rules."""
    pooled = classified.assign(doc_id=classified["doc_id"].map(groups))
    out = theme_examples(pooled, per_cell, codebook, max_chars, reference)
    return out.rename(columns={"doc_id": "group"})


def directive_positions(classified: pd.DataFrame) -> pd.DataFrame:
    """One row per directive and theme it names: ``doc_id, theme, position`` (vectorised long form)."""
    long = classified[["doc_id", "themes", "position"]].explode("themes").dropna(subset=["themes"])
    return long.rename(columns={"themes": "theme"}).reset_index(drop=True)


def group_median_positions(classified: pd.DataFrame, groups: pd.Series, codebook: dict | None = None) -> pd.DataFrame:
    """Where each theme sits in the speeches of each group: each report's median position of its
    directives naming the theme (0 = start, 1 = end), then the mean over the group's reports that name
    it, with a bootstrap interval over reports. Columns as :func:`group_theme_means`."""
    per_report = directive_positions(classified).groupby(["doc_id", "theme"], sort=False)["position"].median()
    return group_theme_means(per_report.rename("median_position").reset_index(), groups, codebook, "median_position")


def group_opening_reading(classified: pd.DataFrame, groups: pd.Series, group_by: str, open_theme: str,
                          late_theme: str, late_from: float, codebook: dict | None = None) -> str:
    """The computed sentence on the order of the speeches by group: the share of each group's reports
    whose first directive names ``open_theme``, and the mean per-report share of ``late_theme``
    directives at or after ``late_from`` (means over reports with 95% bootstrap intervals)."""
    from analysis.measures.stats import group_means

    names = theme_labels(codebook)
    first = opening_themes(classified)
    opens = pd.Series([float(open_theme in t) for t in first], index=first.index)
    late = late_counts(classified, late_theme, late_from)
    late_share = late["k"] / late["n"]

    def listing(m, n_word):
        return "; ".join(f"{r.group} {r.mean:.0%}" + ("" if pd.isna(r.ci_low) else f" [{r.ci_low:.0%}–{r.ci_high:.0%}]")
                         + f" (n = {r.n_reports} {n_word})" for r in m.itertuples())

    o, lt = group_means(opens, groups.reindex(opens.index)), group_means(late_share, groups.reindex(late_share.index))
    return (f"**Computed.** Unit: the report. Share of the reports whose first directive names "
            f"{names[open_theme].lower()}, by `{group_by}`: {listing(o, 'reports')}. Mean share of a report's "
            f"{names[late_theme].lower()} directives in the last {1 - late_from:.0%} of its text: "
            f"{listing(lt, 'reports with such directives')}.")


def criteria_by_group(classified: pd.DataFrame, groups: pd.Series, codebook: dict | None = None) -> pd.DataFrame:
    """Per criteria category and group: the share of the group's reports (all of them, with or without
    directives) whose directives touch the category, as ``share (k/n)``; columns ``code, label_zh``,
    one per group, and ``share_all`` (of every report)."""
    book = codebook or load_codebook()
    cats = criteria_table(book)
    touched = criteria_counts(classified, book).reindex(index=groups.index, columns=list(cats["id"])).fillna(0) > 0
    k = touched.groupby(groups, sort=False).sum()
    n = groups.value_counts(sort=False).reindex(k.index)
    out = cats[["id", "code", "label_zh"]].set_index("id")
    for g in k.index:
        out[g] = [f"{k.at[g, c] / n[g]:.0%} ({int(k.at[g, c])}/{int(n[g])})" for c in out.index]
    out["share_all"] = touched.mean().reindex(out.index).round(3)
    return out.reset_index(drop=True)


def group_criteria_reading(classified: pd.DataFrame, groups: pd.Series, group_by: str,
                           codebook: dict | None = None) -> str:
    """The computed sentence on criteria coverage by group: categories no report touches, and the
    category touched by the fewest reports (share of reports, by group)."""
    book = codebook or load_codebook()
    cats = criteria_table(book).set_index("id")
    touched = criteria_counts(classified, book).reindex(index=groups.index, columns=list(cats.index)).fillna(0) > 0
    share = touched.mean()
    none = [cats.at[c, "label_zh"] for c in share.index if share[c] == 0]
    low = share[share > 0].sort_values(kind="stable")
    text = (f"**Computed.** Unit: the report (a category counts for a report when any of its directives touches it). "
            f"Categories no report touches: {'、'.join(none) or 'none'} (of {len(cats)} mapped).")
    if len(low):
        c = low.index[0]
        by = touched[c].groupby(groups, sort=False).mean()
        text += (f" The least touched is {cats.at[c, 'label_zh']} ({cats.at[c, 'code']}), in {share[c]:.0%} of the "
                 f"reports; by `{group_by}` {by.min():.0%}–{by.max():.0%}.")
    return text


def untagged_by_group(classified: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group: ``reports``, ``directives``, ``untagged`` (directives with no theme) and ``share``
    (pooled over the group's directives), groups in order of first appearance."""
    g = classified["doc_id"].map(groups)
    out = pd.DataFrame({"reports": classified["doc_id"].groupby(g, sort=False).nunique(),
                        "directives": g.groupby(g, sort=False).size(),
                        "untagged": (classified["n_themes"] == 0).groupby(g, sort=False).sum()})
    out["share"] = (out["untagged"] / out["directives"]).round(3)
    return out.rename_axis("group")


def speaker_levels_by_report(corpus: Corpus) -> pd.Series:
    """Per report: the share of its directive sentences (a directive marker, directives.yaml) spoken by
    an official whose office is of ANOTHER level than the report's ``admin_level`` (narration and
    unknown levels count as the report's own). One pass over the corpus-wide sentence table."""
    spk = attribute_speakers(corpus)[["doc_id", "sent_id", "speaker", "speaker_level"]]
    sd = sentence_directives(corpus)[["doc_id", "sent_id", "strength"]]
    s = spk.merge(sd, on=["doc_id", "sent_id"])
    s = s[s["strength"] > 0]
    level = s["doc_id"].map(corpus.documents.set_index("doc_id")["admin_level"])
    other = s["speaker"].notna() & s["speaker_level"].notna() & (s["speaker_level"] != level)
    return other.groupby(s["doc_id"], sort=False).mean().reindex(corpus.doc_ids)


def level_groups(corpus: Corpus, codebook: dict | None = None) -> pd.Series:
    """doc_id -> ``admin_level`` of the reports whose level the codebook ranks (others are left out),
    with the levels' rank in the label (``1 prefecture-level city``) so they sort from the highest."""
    from analysis.measures.levels import level_ranks

    rank = level_ranks(corpus.lexicon, codebook)
    lv = corpus.documents.set_index("doc_id")["admin_level"]
    lv = lv[lv.isin(rank)]
    return lv.map(lambda x: f"{rank[x]} {x}").sort_values(kind="stable").rename("admin_level")


def limits_reading(corpus: Corpus, groups: pd.Series, group_by: str, n_tests: int, kappa: float,
                   precision: float, recall: float) -> str:
    """'What the differences can and cannot support', computed for groups of reports: the unit, the
    groups, how the other grouping columns vary inside them (the confounds), the multiple-comparison
    correction, and the measurement's checks."""
    docs = corpus.documents.set_index("doc_id")
    cols = {"province": docs.get("province"), "year": docs.get("meeting_date", pd.Series(dtype=str)).astype(str).str[:4],
            "admin_level": docs.get("admin_level")}
    g = groups.reindex(docs.index)
    sizes = g.value_counts()
    mixes = []
    for name, col in cols.items():
        if col is None or name == group_by:
            continue
        k = col.fillna("").replace("", np.nan).groupby(g).nunique()
        if len(k):
            plural = {"province": "provinces", "year": "years", "admin_level": "administrative levels"}[name]
            mixes.append(f"{int(k.min())}–{int(k.max())} known {plural}")
    return f"""## What the differences can and cannot support

- **Can:** describe how {len(docs):,} reports in {len(sizes)} groups by `{group_by}` (of {int(sizes.min())}–{int(sizes.max())}
  reports each) divide their instructions, with the report as the unit: a share per report, then means over a
  group's reports with 95% bootstrap intervals over reports, and group differences with intervals.
- **Cannot:** attribute a difference to `{group_by}` alone. Each report is one meeting as one outlet wrote it up; within
  a group the reports mix {"; ".join(mixes) or "other characteristics"}, so place, year, level and campaign stage stay
  confounded. {n_tests} group differences are tested in this notebook's tables; Holm's correction controls the chance
  of any false positive among them, and a difference whose interval includes 0 is not a difference.
- **Measurement:** themes come from keywords checked against two codings of a hand-coded sample of the bundled
  reports (κ {kappa:.2f} between the coders), with held-out pooled precision {precision:.2f} and recall {recall:.2f}
  against the adjudicated codes; on another corpus the classifier's errors may differ from the sample's."""


def group_directive_summary(summary: pd.DataFrame, doc_ids: list[str], groups: pd.Series) -> pd.DataFrame:
    """:func:`directive_summary` by group: ``reports``, then for ``directives``, ``per_1000_chars`` and
    ``attributed`` the mean over the group's reports with its 95% bootstrap interval over reports
    (``mean [low–high]``). ``summary`` is in the order of ``doc_ids``."""
    from analysis.measures.stats import group_means

    per = summary.reset_index(drop=True).set_index(pd.Index(list(doc_ids), name="doc_id"))
    g = groups.reindex(per.index)
    out = pd.DataFrame({"reports": g.value_counts(sort=False)})
    for col, digits in (("directives", 1), ("per_1000_chars", 2), ("attributed", 2)):
        m = group_means(per[col].astype(float), g).set_index("group")
        cells = {r.group: f"{r.mean:.{digits}f}" + ("" if pd.isna(r.ci_low) else f" [{r.ci_low:.{digits}f}–{r.ci_high:.{digits}f}]")
                 for r in m.reset_index().itertuples()}
        out[col] = [cells.get(grp, "–") for grp in out.index]
    return out.rename_axis("group")


def level_pairs_reading(n_pairs: int, n_shown: int) -> str:
    """Why the group view does not compare the same city at two levels pair by pair (computed)."""
    if not n_pairs:
        return "**Computed.** No city has reports at two administrative levels, so there is no pair to compare."
    return (f"**Computed.** The metadata give {n_pairs:,} pairs of reports from one city at two levels (the pairs grow "
            f"with the square of a city's reports); the first {n_shown:,} are listed. Pair by pair tables are shown "
            "only report by report; here the levels are compared as groups of reports (the report is the unit): "
            "the mean theme shares of the reports at each level, with intervals, and the differences between levels.")


def speaker_level_reading(shares_other: pd.Series, level_groups_: pd.Series) -> str:
    """The computed sentence on whose directives are compared, by administrative level: the mean over
    each level's reports of the share of directive sentences spoken by an official of another level."""
    from analysis.measures.stats import group_means

    m = group_means(shares_other.dropna(), level_groups_.reindex(shares_other.dropna().index))
    if m.empty:
        return "**Computed.** No report has a ranked administrative level."
    return ("**Computed.** Unit: the report. Mean share of a report's directive sentences spoken by an official "
            "of another level than the report's, by level: "
            + "; ".join(f"{r.group} {r.mean:.0%}" + ("" if pd.isna(r.ci_low) else f" [{r.ci_low:.0%}–{r.ci_high:.0%}]")
                        + f" (n = {r.n_reports})" for r in m.itertuples())
            + ". Where this share is large, a comparison of levels compares the speakers' levels, not the meetings'.")
