"""Tidy tables behind every number: the row-level results of each analysis, for R, Stata and Excel.

:func:`tables` builds one DataFrame per unit of analysis (reports, provenance, sentences, tokens,
directives and their themes, speakers, list items, rhetoric markers, temporal expressions, dated
promises, shared formulas and their occurrences, keyness), each row tied to its report
(``doc_id``), sentence (``sent_id``) and character offsets (``start``/``end`` into the cleaned body,
``corpus.text(doc_id)``) where the unit has them. :func:`export` writes them to
``<corpus>/processed/tables/`` as Parquet, CSV (UTF-8), CSV with a byte-order mark (``*.excel.csv``:
Excel in a Chinese locale opens plain UTF-8 CSV as GBK and shows mojibake; with the BOM it reads
UTF-8) and Stata ``.dta`` (version 118, Unicode), with ``DATA_DICTIONARY.md`` and ``manifest.json``.

Every column is documented in ``data/DATA_DICTIONARY.yaml`` (type, meaning, the function that makes
it); :func:`check_dictionary` says where the tables and the dictionary disagree (tested).
"""

from __future__ import annotations

import calendar
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.loading.config import DATA_DIR, processed_dir
from analysis.loading.corpus import Corpus
from analysis.measures import keyness as keyness_measure
from analysis.measures import temporal
from analysis.measures.directives import directive_markers
from analysis.measures.outline import outline
from analysis.measures.speakers import attribute_speakers
from analysis.questions import compare, overview, rhetoric, themes, timeline

DICTIONARY_FILE = DATA_DIR / "DATA_DICTIONARY.yaml"
#: Stata limits: variable names, ``str#`` width (longer strings become strL), variable label length.
STATA_NAME_MAX, STATA_STR_MAX, STATA_LABEL_MAX = 32, 2045, 80
#: Report columns exported in ``reports`` (metadata and what the loader computes; provenance has its own table).
REPORT_COLUMNS = ["doc_id", "file", "label", "city", "city_en", "county", "province", "province_source",
                  "issuing_unit", "admin_level", "meeting_date", "date_basis", "date_evidence", "publication_date",
                  "meeting_name", "campaigns", "main_speaker", "main_speaker_title", "chair", "chair_title",
                  "other_speakers", "author", "original_script", "title", "n_chars", "n_paragraphs",
                  "n_sentences", "n_tokens", "encoding", "script_detected", "sha256"]


# --------------------------------------------------------------------------------------------
# helpers


def _str(s: pd.Series) -> pd.Series:
    """A string column with missing values as empty strings."""
    return s.astype(object).where(s.notna(), "").astype(str)


def locate(text: str, surface: str, nth: int = 0, allowed: set[int] | None = None) -> int:
    """Start of the ``nth`` occurrence (0-based) of ``surface`` in ``text`` whose start is in
    ``allowed`` (e.g. token starts; any position when ``None``); ``-1`` when there is none.

    >>> locate("要坚持，要落实", "要", 1)
    4
    """
    if not surface:
        return -1
    found, pos = -1, text.find(surface)
    while pos >= 0:
        if allowed is None or pos in allowed:
            found += 1
            if found == nth:
                return pos
        pos = text.find(surface, pos + 1)
    return -1


def _sentence_frame(corpus: Corpus) -> pd.DataFrame:
    """Sentences indexed by ``(doc_id, sent_id)`` with their offsets and text."""
    return corpus.sentences.set_index(["doc_id", "sent_id"])[["start", "end", "text"]]


def _locate_rows(corpus: Corpus, rows: pd.DataFrame, surface_col: str, token_bounded: pd.Series) -> pd.DataFrame:
    """``start``/``end`` (document offsets) of each row's ``surface_col`` in its sentence: the k-th row
    with the same sentence and surface gets the k-th occurrence (at a token start where
    ``token_bounded``); ``-1`` where it cannot be found."""
    se = corpus.sentences
    sents = dict(zip(zip(se["doc_id"], se["sent_id"]), zip(se["start"], se["text"])))   # one lookup per row
    tok = corpus.tokens
    tok_starts = tok.groupby(["doc_id", "sent_id"], sort=False)["start"].agg(list).to_dict()
    relative: dict = {}   # token starts relative to their sentence, made once per sentence that needs them
    keys = ["doc_id", "sent_id", "measure", surface_col] if "measure" in rows else ["doc_id", "sent_id", surface_col]
    nth = rows.groupby(keys, sort=False).cumcount()
    starts, ends = [], []
    for (doc, sid, surf), k, bounded in zip(rows[["doc_id", "sent_id", surface_col]].itertuples(index=False),
                                             nth, token_bounded):
        s0, text = sents[(doc, sid)]
        allowed = None
        if bounded:
            allowed = relative.get((doc, sid))
            if allowed is None:
                allowed = relative[(doc, sid)] = {p - s0 for p in tok_starts.get((doc, sid), [])}
        pos = locate(text, surf, int(k), allowed)
        starts.append(s0 + pos if pos >= 0 else -1)
        ends.append(s0 + pos + len(surf) if pos >= 0 else -1)
    return rows.assign(start=np.array(starts, dtype=np.int64), end=np.array(ends, dtype=np.int64))


# --------------------------------------------------------------------------------------------
# EDTF values of temporal expressions


def _day_span(start: str, end: str) -> str | None:
    """A whole year (``2025``) or month (``2025-12``) when ``start..end`` covers exactly it."""
    y1, m1, d1 = (int(x) for x in start.split("-"))
    y2, m2, d2 = (int(x) for x in end.split("-"))
    if y1 == y2 and (m1, d1, m2, d2) == (1, 1, 12, 31):
        return f"{y1:04d}"
    if (y1, m1) == (y2, m2) and d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
        return f"{y1:04d}-{m1:02d}"
    return None


def edtf(start: str | None, end: str | None, uncertain: bool = False) -> str:
    """The Extended Date/Time Format (ISO 8601-2) value of a resolved span.

    A day ``2025-12-31``; a whole month or year ``2025-12``, ``2025``; an interval
    ``2023/2025`` or ``2022-10-24/2023-12-31``; open ends ``2021/..`` and ``../2021``; ``?`` marks a
    date that rests on an inferred meeting year (``2023-05-04?``); empty when unresolved.

    >>> edtf("2021-01-01", "2021-12-31"), edtf("2023-01-01", "2025-12-31"), edtf("2021-04-24", None)
    ('2021', '2023/2025', '2021-04-24/..')
    """
    start = start if isinstance(start, str) and start else None
    end = end if isinstance(end, str) and end else None
    q = "?" if uncertain else ""
    if not start and not end:
        return ""
    if start and end:
        whole = _day_span(start, end)
        if start == end:
            return start + q
        if whole:
            return whole + q
        a = _day_span(start, f"{start[:4]}-12-31") if start.endswith("-01-01") else None
        b = _day_span(f"{end[:4]}-01-01", end) if end.endswith("-12-31") else None
        return f"{a or start}{q}/{b or end}{q}"
    return f"{start}{q}/.." if start else f"../{end}{q}"


YEAR_RE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})年")


def rests_on_inferred_year(source: str, base_basis: str, surface: str) -> bool:
    """Whether a value is read relative to a meeting whose year is inferred from context: the
    expression states no year and is not a dated event of events.csv."""
    return base_basis == "inferred" and not source.startswith("event:") and not YEAR_RE.search(surface)


def certainty(resolved: bool, source: str, base_basis: str, surface: str, start: str = "") -> str:
    """``unresolved`` (no date); ``open`` (a start and no end, 今后一个时期); ``inferred_year`` (see
    :func:`rests_on_inferred_year`); else ``resolved``."""
    if not resolved:
        return "open" if start else "unresolved"
    return "inferred_year" if rests_on_inferred_year(source, base_basis, surface) else "resolved"


# --------------------------------------------------------------------------------------------
# the tables


def reports_table(corpus: Corpus) -> pd.DataFrame:
    """One row per report: metadata (metadata.csv, or read from the text) and loader counts."""
    docs = corpus.documents
    out = pd.DataFrame({c: docs[c] if c in docs else "" for c in REPORT_COLUMNS})
    ints = ["n_chars", "n_paragraphs", "n_sentences", "n_tokens"]
    out[ints] = out[ints].astype("int64")
    for c in out.columns.difference(ints):
        out[c] = _str(out[c])
    return out


def directives_table(corpus: Corpus) -> pd.DataFrame:
    """One row per directive clause (:func:`analysis.questions.themes.directives`, classified), with
    the sentence's ``relayed_by`` (:func:`analysis.measures.speakers.attribute_speakers`)."""
    d = themes.classify(themes.directives(corpus))
    spk = attribute_speakers(corpus)[["doc_id", "sent_id", "relayed_by"]]
    d = d.merge(spk, on=["doc_id", "sent_id"], how="left")
    d["themes"] = d["themes"].map(lambda t: ";".join(t))
    cols = ["directive_id", "doc_id", "para_id", "sent_id", "clause_id", "start", "end", "position", "text", "task",
            "speaker", "role", "attribution", "relayed_by", "strength", "sentence_strength", "markers", "basis",
            "themes", "n_themes", "evidence"]
    d = d[cols].copy()
    for c in ("speaker", "role", "attribution", "relayed_by", "markers", "basis", "themes", "evidence", "task", "text"):
        d[c] = _str(d[c]).replace("nan", "")
    return d.reset_index(drop=True)


def directive_themes_table(directives: pd.DataFrame) -> pd.DataFrame:
    """One row per directive and theme it is tagged with (long form of ``directives.themes``)."""
    rows = [{"directive_id": r.directive_id, "doc_id": r.doc_id, "sent_id": r.sent_id, "theme": t}
            for r in directives.itertuples() for t in r.themes.split(";") if t]
    return pd.DataFrame(rows, columns=["directive_id", "doc_id", "sent_id", "theme"]).astype({"sent_id": "int64"})


def speakers_table(corpus: Corpus) -> pd.DataFrame:
    """One row per sentence: who speaks it (:func:`analysis.measures.speakers.attribute_speakers`)."""
    s = attribute_speakers(corpus).copy()
    for c in ("speaker", "role", "title", "cue", "attribution", "relayed_by"):
        s[c] = _str(s[c]).replace("nan", "")
    s["relayed"] = s["relayed"].astype(bool)
    return s[["doc_id", "para_id", "sent_id", "speaker", "role", "title", "cue", "attribution", "relayed", "relayed_by"]]


def list_items_table(corpus: Corpus) -> pd.DataFrame:
    """One row per numbered or bulleted list item (:func:`analysis.questions.rhetoric.list_items`),
    with its sentence's offsets."""
    items = rhetoric.list_items(corpus)
    sents = corpus.sentences[["doc_id", "sent_id", "start", "end"]]
    out = items.merge(sents, on=["doc_id", "sent_id"], how="left")
    return out[["doc_id", "para_id", "sent_id", "start", "end", "style", "level", "num", "text"]]


def rhetoric_markers_table(corpus: Corpus) -> pd.DataFrame:
    """One row per rhetoric marker occurrence, long form: ``measure`` is ``directive_marker``
    (:func:`analysis.measures.directives.directive_markers`), ``register``
    (:func:`~analysis.questions.rhetoric.register_hits`), ``four_char_phrase``
    (:func:`~analysis.questions.rhetoric.four_char_phrases`), ``parallel``
    (:func:`~analysis.questions.rhetoric.parallel_constructions`) or ``quotation``
    (:func:`~analysis.questions.rhetoric.quotation_hits`); located in the sentence by :func:`locate`."""
    dm = directive_markers(corpus)
    parts = [
        pd.DataFrame({"doc_id": dm["doc_id"], "sent_id": dm["sent_id"], "measure": "directive_marker",
                      "category": dm["kind"], "term": dm["marker"], "surface": dm["surface"], "grade": dm["grade"],
                      "n_members": 0, "_bounded": True}),
    ]
    reg = rhetoric.register_hits(corpus)
    parts.append(pd.DataFrame({"doc_id": reg["doc_id"], "sent_id": reg["sent_id"], "measure": "register",
                               "category": reg["category"], "term": reg["term"], "surface": reg["term"], "grade": 0,
                               "n_members": 0, "_bounded": False}))
    four = rhetoric.four_char_phrases(corpus)
    parts.append(pd.DataFrame({"doc_id": four["doc_id"], "sent_id": four["sent_id"], "measure": "four_char_phrase",
                               "category": "", "term": four["phrase"], "surface": four["phrase"], "grade": 0,
                               "n_members": 0, "_bounded": False}))
    par = rhetoric.parallel_constructions(corpus)
    parts.append(pd.DataFrame({"doc_id": par["doc_id"], "sent_id": par["sent_id"], "measure": "parallel",
                               "category": par["template"], "term": par["members"],
                               "surface": par["members"].str.split("、").str[0], "grade": 0,
                               "n_members": par["n_members"], "_bounded": False}))
    quo = rhetoric.quotation_hits(corpus)
    parts.append(pd.DataFrame({"doc_id": quo["doc_id"], "sent_id": quo["sent_id"], "measure": "quotation",
                               "category": "", "term": quo["phrase"], "surface": "“" + quo["phrase"] + "”", "grade": 0,
                               "n_members": 0, "_bounded": False}))
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    rows = rows.assign(_doc=rows["doc_id"].map(order)).sort_values(["_doc", "sent_id"], kind="stable")
    rows = _locate_rows(corpus, rows.reset_index(drop=True), "surface", rows["_bounded"].to_numpy())
    # a parallel run spans from its first member to the end of its last
    is_par = rows["measure"] == "parallel"
    last = rows.loc[is_par, "term"].str.split("、").str[-1]
    for i in rows.index[is_par & (rows["start"] >= 0)]:
        text = corpus.text(rows.at[i, "doc_id"])
        j = text.find(last[i], rows.at[i, "start"])
        rows.at[i, "end"] = j + len(last[i]) if j >= 0 else -1
    rows = rows.astype({"sent_id": "int64", "grade": "int64", "n_members": "int64"})
    return rows[["doc_id", "sent_id", "start", "end", "measure", "category", "term", "surface", "grade", "n_members"]]


def temporal_table(corpus: Corpus) -> pd.DataFrame:
    """One row per temporal expression (:func:`analysis.measures.temporal.all_expressions`, rejected
    jionlp hits kept with ``kind`` ``rejected``), with document offsets, ISO dates, EDTF and certainty."""
    ex = temporal.all_expressions(corpus)
    sents = _sentence_frame(corpus)
    # sent_id -1 is the headline and -2 the dateline (read by the temporal measure too): their offsets
    # are into that text, and `text_of` says which text an expression's offsets refer to
    s0 = np.array([sents.at[(d, s), "start"] if s >= 0 else 0 for d, s in zip(ex["doc_id"], ex["sent_id"])],
                  dtype=np.int64)
    text_of = np.where(ex["sent_id"] >= 0, "body", np.where(ex["sent_id"] == -1, "headline", "dateline"))
    start, end = _str(ex["start"]), _str(ex["end"])
    cert = [certainty(bool(r), str(src), str(b), str(sf), a) if k != "rejected" else "unresolved"
            for r, src, b, sf, a, k in zip(ex["resolved"], ex["source"], ex["base_basis"], ex["surface"], start, ex["kind"])]
    unsure = [rests_on_inferred_year(str(src), str(b), str(sf))
              for src, b, sf in zip(ex["source"], ex["base_basis"], ex["surface"])]
    out = pd.DataFrame({
        "expr_id": [f"{d}:{s}:{a}" for d, s, a in zip(ex["doc_id"], ex["sent_id"], ex["start_char"])],
        "doc_id": ex["doc_id"], "sent_id": ex["sent_id"].astype("int64"), "text_of": text_of,
        "start": s0 + ex["start_char"].to_numpy(np.int64), "end": s0 + ex["end_char"].to_numpy(np.int64),
        "surface": ex["surface"], "kind": ex["kind"], "date_start": start, "date_end": end,
        "edtf": [edtf(a, b, u) if k != "rejected" else "" for a, b, u, k in zip(start, end, unsure, ex["kind"])],
        "refers_to": _str(ex["refers_to"]), "resolved": ex["resolved"].astype(bool), "certainty": cert,
        "source": _str(ex["source"]), "event_id": _str(ex["event_id"]), "base_date": _str(ex["base_date"]),
        "base_basis": _str(ex["base_basis"]), "note": _str(ex["note"]),
    })
    return out.reset_index(drop=True)


def promises_table(corpus: Corpus, expressions: pd.DataFrame) -> pd.DataFrame:
    """One row per dated promise (:func:`analysis.questions.timeline.dated_promises`), tied to its
    temporal expression (``expr_id``, offsets) and with the EDTF value of its deadline."""
    p = timeline.dated_promises(corpus)
    ex = expressions[expressions["kind"] != "rejected"]
    # each sentence's expressions found once (not the whole table filtered for every promise)
    in_sentence = {k: g for k, g in ex.groupby(["doc_id", "sent_id"], sort=False)}
    rows = []
    used: set[str] = set()
    for r in p.itertuples():
        # a promise with two horizons (全面振兴新突破三年行动、首战告捷) ties to its first expression
        same = in_sentence.get((r.doc_id, r.sent_id), ex.iloc[:0])
        cand = same[same["surface"].isin(str(r.surface).split("、")) & ~same["expr_id"].map(used.__contains__).astype(bool)]
        e = cand.iloc[0] if len(cand) else None
        if e is not None:
            used.add(e["expr_id"])
        rows.append({"promise_id": f"{r.doc_id}:p{len(rows)}", "doc_id": r.doc_id, "sent_id": int(r.sent_id),
                     "expr_id": e["expr_id"] if e is not None else "",
                     "start": int(e["start"]) if e is not None else -1, "end": int(e["end"]) if e is not None else -1,
                     "surface": r.surface, "kind": r.kind, "what": r.what, "by_when": r.by_when,
                     "edtf": e["edtf"] if e is not None else "", "resolved": bool(r.resolved),
                     "speaker": r.speaker, "role": r.role or "", "attribution": r.attribution or ""})
    cols = ["promise_id", "doc_id", "sent_id", "expr_id", "start", "end", "surface", "kind", "what", "by_when", "edtf",
            "resolved", "speaker", "role", "attribution"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"sent_id": "int64", "start": "int64", "end": "int64", "resolved": bool})


def formulas_table(corpus: Corpus) -> pd.DataFrame:
    """One row per shared formula (:func:`analysis.questions.compare.shared_formulas`)."""
    f = compare.shared_formulas(corpus).reset_index(drop=True)
    return f[["rank", "formula", "n_reports", "doc_ids", "reports", "n_chars", "rarity", "campaign_name", "generic",
              "score"]]


def formula_occurrences_table(corpus: Corpus, formulas: pd.DataFrame) -> pd.DataFrame:
    """One row per occurrence of a shared formula in a sentence of a report that shares it."""
    rows = []
    sents = corpus.sentences
    # each report's sentences split off once: the cost grows with the formulas' reports, not with reports × rows
    by_doc = {d: list(zip(g["sent_id"], g["start"], g["text"])) for d, g in sents.groupby("doc_id", sort=False)}
    for f in formulas.itertuples():
        for doc in f.doc_ids.split(";"):
            for sent_id, start, text in by_doc.get(doc, []):
                pos = text.find(f.formula)
                while pos >= 0:
                    rows.append({"formula": f.formula, "rank": int(f.rank), "doc_id": doc, "sent_id": int(sent_id),
                                 "start": int(start) + pos, "end": int(start) + pos + len(f.formula)})
                    pos = text.find(f.formula, pos + 1)
    cols = ["formula", "rank", "doc_id", "sent_id", "start", "end"]
    return pd.DataFrame(rows, columns=cols).astype({"rank": "int64", "sent_id": "int64", "start": "int64", "end": "int64"})


def tables(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Every tidy table of the corpus, by name (the order of the data dictionary)."""
    directives = directives_table(corpus)
    expressions = temporal_table(corpus)
    formulas = formulas_table(corpus)
    out = {
        "reports": reports_table(corpus),
        "provenance": overview.provenance(corpus),
        "sentences": corpus.sentences[["doc_id", "para_id", "sent_id", "start", "end", "text"]],
        "tokens": corpus.tokens,
        "speakers": speakers_table(corpus),
        "directives": directives,
        "directive_themes": directive_themes_table(directives),
        "list_items": list_items_table(corpus),
        "outline_items": outline(corpus),
        "rhetoric_markers": rhetoric_markers_table(corpus),
        "temporal_expressions": expressions,
        "dated_promises": promises_table(corpus, expressions),
        "shared_formulas": formulas,
        "formula_occurrences": formula_occurrences_table(corpus, formulas),
        "keyness": keyness_measure.keyness(corpus).reset_index(drop=True),
    }
    return {name: _plain(df) for name, df in out.items()}


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """A table with a fresh RangeIndex and plain dtypes: strings without missing values, bool, int64, float64."""
    df = df.reset_index(drop=True).copy()
    for c in df.columns:
        kind = type_name(df[c])
        if kind == "string":
            df[c] = _str(df[c])
        elif kind == "bool":
            df[c] = df[c].astype(bool)
    return df


# --------------------------------------------------------------------------------------------
# the data dictionary


def type_name(s: pd.Series) -> str:
    """The dictionary's type of a column: ``string``, ``int64``, ``float64`` or ``bool``."""
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int64"
    if pd.api.types.is_float_dtype(s):
        return "float64"
    return "string"


def load_dictionary(path: Path = DICTIONARY_FILE) -> dict:
    """``data/DATA_DICTIONARY.yaml``: per table its unit, key, function and columns (type, meaning)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check_dictionary(tabs: dict[str, pd.DataFrame], dictionary: dict | None = None) -> list[str]:
    """Where the tables and the dictionary disagree: undocumented tables or columns, documented
    columns no table has, types that differ, columns in another order. Empty when in step."""
    d = dictionary or load_dictionary()
    problems = [f"table {t}: exported but not in the data dictionary" for t in tabs if t not in d["tables"]]
    problems += [f"table {t}: documented but not exported" for t in d["tables"] if t not in tabs]
    for name, df in tabs.items():
        doc = d["tables"].get(name)
        if not doc:
            continue
        cols = doc["columns"]
        problems += [f"{name}.{c}: exported but not documented" for c in df.columns if c not in cols]
        problems += [f"{name}.{c}: documented but not exported" for c in cols if c not in df.columns]
        problems += [f"{name}.{c}: type {type_name(df[c])}, documented as {cols[c]['type']}"
                     for c in df.columns if c in cols and cols[c]["type"] != type_name(df[c])]
        if [c for c in cols if c in df.columns] != [c for c in df.columns if c in cols]:
            problems.append(f"{name}: columns in another order than documented")
        problems += [f"{name}.{c}: no meaning" for c, v in cols.items() if not v.get("meaning")]
    return problems


def dictionary_markdown(dictionary: dict | None = None) -> str:
    """The data dictionary as Markdown (written beside the tables and shown on the site)."""
    d = dictionary or load_dictionary()
    out = [f"# {d['title']}", "", d["intro"].strip(), ""]
    for name, t in d["tables"].items():
        out += [f"## `{name}`", "", f"**One row per** {t['unit']}. **Key:** `{', '.join(t['key'])}`. "
                f"**Made by** `{t['function']}`.", ""]
        if t.get("note"):
            out += [t["note"].strip(), ""]
        out += ["| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c}` | {v['type']} | {v['meaning'].strip()} |" for c, v in t["columns"].items()]
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# writing


def stata_frame(df: pd.DataFrame, columns: dict) -> tuple[pd.DataFrame, dict, list[str], list[str]]:
    """A copy of a table that Stata accepts: bools as 0/1 (int8), names cut to 32 characters (none is
    longer today; the cut is noted), reserved words with ``_`` appended (``end`` -> ``end_``), variable labels from the dictionary (80 characters); returns
    ``(frame, labels, strL columns, notes)``. Strings longer than 2,045 bytes go to strL, never truncated."""
    out, notes, labels = df.copy(), [], {}
    for c in df.columns:
        if type_name(df[c]) == "bool":
            out[c] = df[c].astype("int8")
    strl = [c for c in df.columns if type_name(df[c]) == "string"
            and max((len(x.encode("utf-8")) for x in df[c]), default=0) > STATA_STR_MAX]
    from pandas.io.stata import StataParser

    reserved = StataParser().RESERVED_WORDS
    rename = {c: c[:STATA_NAME_MAX] for c in df.columns if len(c) > STATA_NAME_MAX}
    notes += [f"column {a} named {b} in .dta (Stata names are at most 32 characters)" for a, b in rename.items()]
    rename.update({c: f"{c}_" for c in df.columns if c in reserved})
    notes += [f"column {c} named {c}_ in .dta ({c} is a reserved word in Stata/Mata)" for c in df.columns if c in reserved]
    notes += [f"column {c} stored as strL (values longer than {STATA_STR_MAX} bytes)" for c in strl]
    out = out.rename(columns=rename)
    for c in df.columns:
        meaning = (columns.get(c) or {}).get("meaning", "")
        labels[rename.get(c, c)] = meaning[:STATA_LABEL_MAX]
    return out, labels, [rename.get(c, c) for c in strl], notes


def write_table(df: pd.DataFrame, folder: Path, name: str, columns: dict) -> tuple[list[Path], list[str]]:
    """Write one table as ``name.parquet``, ``name.csv``, ``name.excel.csv`` (UTF-8 with BOM) and
    ``name.dta``; returns the files and notes (e.g. why a .dta was not written)."""
    files = [folder / f"{name}.parquet", folder / f"{name}.csv", folder / f"{name}.excel.csv"]
    df.to_parquet(files[0], index=False, engine="pyarrow")
    df.to_csv(files[1], index=False, encoding="utf-8", lineterminator="\n")
    df.to_csv(files[2], index=False, encoding="utf-8-sig", lineterminator="\r\n")
    st, labels, strl, notes = stata_frame(df, columns)
    if len(st.columns) and len(st):
        path = folder / f"{name}.dta"
        st.to_stata(path, write_index=False, version=118, variable_labels=labels, convert_strl=strl or None,
                    data_label=name[:80])
        files.append(path)
    else:
        notes.append("no .dta written: the table has no rows (Stata cannot type empty string columns)")
    return files, notes


def export(corpus: Corpus, folder: Path | None = None) -> list[Path]:
    """Write every tidy table, ``DATA_DICTIONARY.md`` and ``manifest.json`` (tables, rows, files, notes)
    to ``folder`` (default ``<corpus>/processed/tables/``). Returns the files written."""
    folder = folder or processed_dir(corpus.root) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    dictionary = load_dictionary()
    tabs = tables(corpus)
    problems = check_dictionary(tabs, dictionary)
    written, manifest = [], {}
    for name, df in tabs.items():
        files, notes = write_table(df, folder, name, dictionary["tables"].get(name, {}).get("columns", {}))
        written += files
        manifest[name] = {"rows": len(df), "columns": list(df.columns), "files": [p.name for p in files], "notes": notes}
    (folder / "DATA_DICTIONARY.md").write_text(dictionary_markdown(dictionary), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"corpus": str(corpus.root), "tables": manifest,
                                                      "dictionary_problems": problems},
                                                     ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return written + [folder / "DATA_DICTIONARY.md", folder / "manifest.json"]


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:] == ["--dictionary"]:
        (DATA_DIR / "DATA_DICTIONARY.md").write_text(dictionary_markdown(), encoding="utf-8")
        print(DATA_DIR / "DATA_DICTIONARY.md")
