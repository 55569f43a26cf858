"""Corpus overview: provenance, cleaning audit and size tables, and the size figure (notebook 01)."""

from __future__ import annotations

import re

import pandas as pd

from analysis.loading.corpus import Corpus

PROVENANCE_COLUMNS = ["doc_id", "label", "province", "issuing_unit", "admin_level", "meeting_date", "date_basis",
                      "meeting_name", "campaigns", "main_speaker", "main_speaker_title", "chair", "source_outlet",
                      "author", "original_script"]


def provenance_table(corpus: Corpus) -> pd.DataFrame:
    """One row per report: who met, when, how the date is known, and where the text comes from."""
    cols = [c for c in PROVENANCE_COLUMNS if c in corpus.documents.columns]
    return corpus.documents[cols].set_index("doc_id")


def date_evidence(corpus: Corpus) -> pd.DataFrame:
    """Meeting date, how it is known (stated, dateline, inferred) and the quoted evidence."""
    cols = [c for c in ("doc_id", "meeting_date", "date_basis", "date_evidence", "publication_date") if c in corpus.documents]
    return corpus.documents[cols].set_index("doc_id")


def audit_summary(corpus: Corpus) -> pd.DataFrame:
    """What cleaning did to each report, in counts: characters in and out, annotations, conversions, drops."""
    rows = []
    for doc_id, a in corpus.audits.items():
        rows.append({
            "doc_id": doc_id,
            "encoding": a["encoding"],
            "script": a["script_detected"],
            "chars_in": a["chars_in"],
            "chars_out": a["chars_out"],
            "pinyin_removed": a["annotations_removed"],
            "pinyin_mismatches": len(a["annotation_mismatches"]),
            "chars_converted": a["chars_converted"],
            "script_fixes": sum(f["count"] for f in a["script_fixes"]),
            "repairs": len(a["repairs"]),
            "flagged": len(a["flagged"]),
            "lines_dropped": len(a["dropped"]),
            "inline_removed": len(a["inline_removed"]),
            "rejoins": len(a["rejoins"]),
            "punctuation_normalised": a["punctuation_normalised"],
        })
    return pd.DataFrame(rows).set_index("doc_id")


def dropped_lines(corpus: Corpus) -> pd.DataFrame:
    """Every piece of text cleaning removed from the body, with its kind and the rule that removed it.

    Titles are not dropped but set aside; they are listed here too (kind ``title``).
    """
    rows = []
    for doc_id, a in corpus.audits.items():
        if a["title"]:
            rows.append({"doc_id": doc_id, "kind": "title (kept apart)", "text": a["title"], "rule": "first line, not a sentence"})
        rows += [{"doc_id": doc_id, **d} for d in a["dropped"]]
        rows += [{"doc_id": doc_id, "kind": "inline", **d} for d in a["inline_removed"]]
    return pd.DataFrame(rows, columns=["doc_id", "kind", "text", "rule"])


def repairs_table(corpus: Corpus) -> pd.DataFrame:
    """Characters restored after pinyin injection destroyed them, with the evidence; and flags."""
    rows = []
    for doc_id, a in corpus.audits.items():
        rows += [{"doc_id": doc_id, "action": "repaired", "debris": r["debris"], "context": r["context"],
                  "replacement": r["replacement"], "evidence": r["evidence"]} for r in a["repairs"]]
        rows += [{"doc_id": doc_id, "action": "flagged", "debris": f["debris"], "context": f["context"],
                  "replacement": "", "evidence": f["problem"]} for f in a["flagged"]]
        rows += [{"doc_id": doc_id, "action": "script fix", "debris": f["from"], "context": f"{f['count']}×",
                  "replacement": f["to"], "evidence": f["evidence"]} for f in a["script_fixes"]]
    return pd.DataFrame(rows, columns=["doc_id", "action", "debris", "context", "replacement", "evidence"])


def rejoins_table(corpus: Corpus) -> pd.DataFrame:
    """Paragraphs joined across page breaks: the end of one and the start of the next."""
    rows = [{"doc_id": d, **r} for d, a in corpus.audits.items() for r in a["rejoins"]]
    return pd.DataFrame(rows, columns=["doc_id", "end", "start"])


def size_table(corpus: Corpus) -> pd.DataFrame:
    """Per report: Han characters, paragraphs, sentences, word tokens and sentence length."""
    sent_len = corpus.sentences.assign(n=corpus.sentences["text"].str.count(r"[\u3400-\u9fff]"))
    stats = sent_len.groupby("doc_id")["n"].agg(mean_sentence_chars="mean", median_sentence_chars="median")
    docs = corpus.documents.set_index("doc_id")[["label", "n_chars", "n_paragraphs", "n_sentences", "n_tokens"]]
    out = docs.join(stats.round(1))
    return out.loc[corpus.doc_ids]


def metadata_from_text(corpus: Corpus) -> pd.DataFrame:
    """What the text says against what metadata.csv says, per report and field: the value read from
    the text with its basis and evidence, the metadata value (which wins), and ``status``
    (``agrees``, ``differs``, ``inferred`` where metadata.csv has no such column, ``metadata only``,
    ``text only``, ``unknown``). Counts per status first, then the rows that are not ``agrees``."""
    table = corpus.inferred.assign(report=corpus.inferred["doc_id"].map(corpus.labels))
    return table[["report", "field", "status", "metadata", "inferred", "basis", "evidence"]]


def metadata_status_counts(corpus: Corpus) -> pd.DataFrame:
    """Reports × status: how many fields the text confirms, contradicts or alone gives."""
    t = corpus.inferred
    return pd.crosstab(t["doc_id"].map(corpus.labels), t["status"]).reindex(
        [corpus.labels[d] for d in corpus.doc_ids]).rename_axis("report")


# --------------------------------------------------------------------------------------------
# where each text comes from (metadata.csv, SOURCES.csv, data/lexicon/outlets.yaml)

OUTLETS_FILE = "outlets.yaml"
#: Columns of :func:`provenance`, one row per report.
SOURCE_COLUMNS = ["doc_id", "label", "outlet", "outlet_type", "outlet_type_basis", "source_url", "retrieved",
                  "retrieved_as", "rights", "provenance_note"]
URL_RE = re.compile(r"^https?://\S+$")


def outlet_type(outlet: str, url: str = "", lexicon=None) -> tuple[str, str]:
    """``(type, basis)`` of an outlet from its name and source address, by the first matching rule of
    ``data/lexicon/outlets.yaml`` (basis ``rule: <note>``); ``("unknown", "no outlet or address")``
    when both are empty, ``("unknown", "no rule matches")`` otherwise.

    >>> outlet_type("长沙县文明网")[0]
    'wenming_site'
    """
    from analysis.loading.lexicon import as_lexicon

    text = f"{outlet or ''} {url or ''}".strip()
    if not text:
        return "unknown", "no outlet or address"
    for rule in as_lexicon(lexicon).yaml(OUTLETS_FILE)["rules"]:
        if re.search(rule["pattern"], text):
            return rule["type"], f"rule: {rule['note']}"
    return "unknown", "no rule matches"


def _text(value) -> str:
    """A cell as text: ``""`` for None and NaN (a column metadata.csv lacks), else the stripped string."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def provenance(corpus: Corpus) -> pd.DataFrame:
    """Where each report comes from, one row per report (columns :data:`SOURCE_COLUMNS`).

    ``metadata.csv`` wins (``source_outlet``, ``source_url``, ``retrieved``, ``outlet_type``, ``rights``,
    ``provenance_note``); a corpus folder's ``SOURCES.csv`` fills the rest (``outlet`` as written there,
    ``source`` when it is an address, ``retrieved_as``; :func:`analysis.loading.corpus.read_sources`);
    then the outlet read from the text (``source_outlet`` of ``corpus.documents``). The outlet
    type comes from :func:`outlet_type` where metadata gives none; the rights note from
    ``outlets.yaml``'s ``rights_default``. Unknown values stay empty (``outlet_type`` ``unknown``).
    """
    from analysis.loading.corpus import read_sources

    sources = read_sources(corpus.root)
    lex = corpus.lexicon.yaml(OUTLETS_FILE)
    inf = corpus.inferred[corpus.inferred["field"] == "source_outlet"].set_index("doc_id")["metadata"]
    rows = []
    for d in corpus.documents.to_dict("records"):
        src = sources.get(d["file"], {})
        given_outlet = _text(inf.get(d["doc_id"]))  # metadata.csv's value (None or NaN: no such column)
        outlet = (given_outlet or src.get("outlet") or d.get("source_outlet") or "").strip()
        url = (d.get("source_url") or "").strip()
        if not url and URL_RE.match((src.get("source") or "").strip()):
            url = src["source"].strip()
        given = (d.get("outlet_type") or "").strip()
        kind, basis = (given, "metadata.csv") if given else outlet_type(outlet, url, corpus.lexicon)
        rights = (d.get("rights") or "").strip() or lex["rights_default"].format(outlet=outlet or lex["unknown_outlet"])
        rows.append({"doc_id": d["doc_id"], "label": d["label"], "outlet": outlet, "outlet_type": kind,
                     "outlet_type_basis": basis, "source_url": url, "retrieved": (d.get("retrieved") or "").strip(),
                     "retrieved_as": (d.get("retrieved_as") or src.get("retrieved_as") or "").strip(),
                     "rights": rights, "provenance_note": (d.get("provenance_note") or "").strip()})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def sources_table(corpus: Corpus) -> pd.DataFrame:
    """:func:`provenance` for display: empty cells shown as ``unknown`` (the text and the corpus files
    do not say), indexed by report id."""
    return provenance(corpus).replace("", "unknown").set_index("doc_id")


# --------------------------------------------------------------------------------------------
# the corpus by group, and the notebook's readings (computed; the bundled ones only on the bundled five)

def corpus_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """One row per group (``groups``: doc_id -> group): reports, Han characters of the body (median,
    min, max: the report is the unit), sentences (median), how the meeting dates are known (reports
    per basis), reports in traditional script, and the furniture and pinyin cleaning removed (sums)."""
    docs = corpus.documents.set_index("doc_id")
    audit = audit_summary(corpus)
    frame = pd.DataFrame({"group": groups.reindex(docs.index), "n_chars": docs["n_chars"],
                          "n_sentences": docs["n_sentences"],
                          "traditional": docs.get("original_script", pd.Series("", index=docs.index))
                          .fillna("").astype(str).str.startswith("traditional"),
                          "basis": docs.get("date_basis", pd.Series("", index=docs.index)).fillna("")
                          .replace("", "unknown")})
    for col in ("lines_dropped", "pinyin_removed"):
        frame[col] = audit[col] if col in audit else 0
    g = frame.groupby("group", sort=False)
    out = pd.DataFrame({"reports": g.size(), "chars_median": g["n_chars"].median().round().astype(int),
                        "chars_min": g["n_chars"].min(), "chars_max": g["n_chars"].max(),
                        "sentences_median": g["n_sentences"].median(), "traditional_script": g["traditional"].sum(),
                        "lines_dropped": g["lines_dropped"].sum(), "pinyin_removed": g["pinyin_removed"].sum()})
    basis = pd.crosstab(frame["group"], frame["basis"]).add_prefix("date_")
    return out.join(basis).fillna(0).rename_axis(groups.name or "group")


def metadata_status_totals(corpus: Corpus) -> pd.DataFrame:
    """Fields × status over all reports: how often the text confirms, contradicts or alone gives each field."""
    t = corpus.inferred
    return pd.crosstab(t["field"], t["status"], margins=True, margins_name="all fields")


def _basis_counts(corpus: Corpus) -> pd.Series:
    return corpus.documents.get("date_basis", pd.Series(dtype=str)).fillna("").replace("", "unknown").value_counts()


def provenance_note(corpus: Corpus) -> str:
    """What the provenance table holds: the Pingxiang pair on the bundled five; counts elsewhere."""
    if corpus.is_bundled:
        return ("Two reports come from Pingxiang at different levels, the prefecture-level city (市) in 2022 and a "
                "township-level management committee (管委会) on its outskirts in 2020, and are kept apart throughout.")
    docs = corpus.documents
    n = len(docs)
    levels = docs.get("admin_level", pd.Series(dtype=str)).fillna("").replace("", "unknown").value_counts()
    places = docs.get("province", pd.Series(dtype=str)).fillna("").replace("", "unknown").nunique()
    return (f"{n:,} reports from {places:,} provinces (as named in the metadata or read from the text) at "
            f"{len(levels):,} administrative levels: " + ", ".join(f"{k} {v:,}" for k, v in levels.head(8).items())
            + (", …" if len(levels) > 8 else "") + ".")


def date_note(corpus: Corpus) -> str:
    """How the meeting dates are known, in one sentence (the bundled five: which two are inferred)."""
    if corpus.is_bundled:
        return ("Two reports (Panjin and Xinyang) give no year at all, so their years are inferences, and any reading "
                "that depends on their order in time inherits that uncertainty.")
    basis, n = _basis_counts(corpus), len(corpus.documents)
    parts = ", ".join(f"{k} {v:,} ({v / n:.0%})" for k, v in basis.items())
    return (f"Of the {n:,} reports, the meeting date is known by: {parts}. A reading that depends on the order of "
            "reports in time inherits the uncertainty of the inferred and unknown ones.")


def reading(corpus: Corpus, groups: pd.Series | None = None) -> str:
    """The notebook's reading: the bundled five described by hand (only on them); elsewhere computed
    from the corpus (lengths, scripts, encodings, date bases and, with ``groups``, group sizes)."""
    if corpus.is_bundled:
        return BUNDLED_READING
    docs = corpus.documents
    n = len(docs)
    chars = docs["n_chars"]
    given = docs.get("original_script", pd.Series("", index=docs.index)).fillna("").astype(str)
    detected = docs.get("script_detected", pd.Series("", index=docs.index)).fillna("").astype(str)
    scripts = given.where(given != "", detected).replace("", "unknown").value_counts()
    enc = docs.get("encoding", pd.Series(dtype=str)).fillna("").replace("", "unknown").value_counts()
    basis = _basis_counts(corpus)
    known = int(basis.drop([b for b in ("inferred", "unknown") if b in basis]).sum())
    lines = [f"**Computed on this corpus ({n:,} reports).** Bodies run from {chars.min():,} to {chars.max():,} Han "
             f"characters (median {int(chars.median()):,}); a report of median length has about "
             f"{int(docs['n_sentences'].median()):,} sentences, so any single count in later notebooks rests on a few "
             "dozen sentences per report.",
             "Scripts (as given, else as detected): " + ", ".join(f"{k} {v:,}" for k, v in scripts.items()) + "; encodings: "
             + ", ".join(f"{k} {v:,}" for k, v in enc.items()) + ".",
             f"The meeting date is stated or read from a dateline or the source for {known:,} of {n:,} reports; "
             f"{int(basis.get('inferred', 0)):,} are inferred from context and {int(basis.get('unknown', 0)):,} unknown."]
    if groups is not None:
        sizes = groups.value_counts()
        lines.append(f"Groups (`{groups.name}`): {len(sizes):,}, from {sizes.min():,} to {sizes.max():,} reports; the "
                     "report is the unit of every group comparison in later notebooks, and small groups have wide intervals.")
    lines.append("**What this can and cannot support.** These are journalistic summaries of meetings, not transcripts: "
                 "what a report quotes, paraphrases or omits was chosen by the outlet. Differences between reports or "
                 "groups mix differences between governments with differences between outlets, years and campaign "
                 "stages; a corpus scraped from some outlets is not a sample of all meetings.")
    return "\n\n".join(lines)


BUNDLED_READING = (
    'The reports are short (about 1,700 to 2,800 characters of body each), so any single count in later '
    'notebooks rests on a few dozen sentences per report. They are also not one genre in one form: two '
    'are traditional-script reposts with pinyin annotations (the Pingxiang suburb and Panjin reports), '
    "two are newspaper-style reports with a reporter's byline (Changsha County, Xinyang), and one is a "
    'portal repost without any line breaks (Pingxiang city). Sentence length differs by report partly '
    'because of how each outlet punctuates long enumerations, which is a property of the write-up, not '
    'necessarily of the speech.'
    '\n\n'
    '**What this can and cannot support.** These are journalistic summaries of meetings, not transcripts:'
    ' what a report quotes, paraphrases or omits was chosen by the outlet. Differences between reports '
    'mix differences between governments with differences between outlets, years and campaign stages, and'
    ' five reports cannot separate them.'
)
