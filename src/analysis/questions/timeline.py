"""When each campaign moved and what it promised by when: stages, dated promises, orientation.

Built on the temporal expressions of :mod:`analysis.measures.temporal` (every expression in the
corpus, resolved against each report's meeting date, computed once per corpus) and on the speakers
of :mod:`analysis.measures.speakers`. Campaign stages come from ``data/lexicon/stages.yaml``.
Nothing is dropped: an expression that cannot be dated is kept with ``resolved=False``.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.memo import memoised
from analysis.measures.directives import DIRECTIVES_FILE, directive_markers
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers
from analysis.measures.stats import setting, wilson
from analysis.measures.temporal import (  # noqa: F401
    CLAUSE_RE,
    EVENTS_FILE,
    PLACES_FILE,
    TEMPORAL_FILE,
    all_expressions,
    clause_at,
    date_bounds,
    expressions,
    load_events,
    load_temporal,
)

STAGES_FILE = "stages.yaml"
ORIENTATIONS = ["past", "present", "future"]


# --------------------------------------------------------------------------------------------
# lexicons and the parser


def load_stages(corpus: Corpus) -> dict:
    """The campaign stages of ``stages.yaml`` (of the corpus's lexicon), each with its cues."""
    return corpus.lexicon.yaml(STAGES_FILE)


# --------------------------------------------------------------------------------------------
# expressions


# --------------------------------------------------------------------------------------------
# meetings and stages


def meetings(corpus: Corpus) -> pd.DataFrame:
    """One row per report: ``doc_id, label, city, admin_level, meeting_date, date_basis, date_evidence,
    meeting_name`` (empty strings where the metadata is silent)."""
    cols = ["doc_id", "label", "city", "admin_level", "meeting_date", "date_basis", "date_evidence", "meeting_name"]
    docs = corpus.documents.copy()
    for c in cols:
        if c not in docs:
            docs[c] = ""
    return docs[cols].fillna("").reset_index(drop=True)


def _cue_regex(cues: list[str]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(cues, key=len, reverse=True))))


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def stage_evidence(corpus: Corpus) -> pd.DataFrame:
    """Every stage cue found: ``doc_id, stage, where (meeting_name or sent_id), cue, text``."""
    lex = load_stages(corpus)
    names = dict(zip(corpus.documents["doc_id"], corpus.documents.get("meeting_name", pd.Series(dtype=str))))
    rows = []
    for st in lex["stages"]:
        rx = _cue_regex(st["cues"])
        for doc_id in corpus.doc_ids:
            name = names.get(doc_id)
            for m in rx.finditer(name if isinstance(name, str) else ""):
                rows.append({"doc_id": doc_id, "stage": st["stage"], "where": "meeting_name", "cue": m.group(0),
                             "text": name})
        for r in corpus.sentences.itertuples():
            for m in rx.finditer(r.text):
                rows.append({"doc_id": r.doc_id, "stage": st["stage"], "where": f"sentence {r.sent_id}",
                             "cue": m.group(0), "text": r.text})
    return pd.DataFrame(rows, columns=["doc_id", "stage", "where", "cue", "text"])


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def meeting_stage(corpus: Corpus) -> pd.DataFrame:
    """The campaign stage of each meeting: ``doc_id, stage, evidence`` (+ ``label_en, name_cues,
    content_hits, score, all_stages``).

    Cues of stages.yaml are counted in the meeting name (``name_weight`` each) and in the body (1
    each). The stage is the best-ranked stage named in the meeting's name; if the name carries
    none, the stage with the highest score (ties: rank). ``evidence`` quotes the name cue or the
    first sentence that shows it; ``all_stages`` lists every stage found with its score. A report
    with no cue at all gets ``stage='unknown'``, never dropped.
    """
    lex = load_stages(corpus)
    ev = stage_evidence(corpus)
    info = {s["stage"]: s for s in lex["stages"]}
    rows = []
    by_doc = dict(tuple(ev.groupby("doc_id", sort=False)))   # once, not a filter of the table per report
    for doc_id in corpus.doc_ids:
        e = by_doc.get(doc_id, ev.iloc[:0])
        scores = {}
        for st, g in e.groupby("stage"):
            in_name = int((g["where"] == "meeting_name").sum())
            scores[st] = (in_name, len(g) - in_name, in_name * lex["name_weight"] + len(g) - in_name)
        if not scores:
            rows.append({"doc_id": doc_id, "stage": "unknown", "evidence": "no stage cue in name or text",
                         "label_en": "unknown", "name_cues": "", "content_hits": 0, "score": 0, "all_stages": ""})
            continue
        named = [s for s in scores if scores[s][0]]
        pick = min(named, key=lambda s: info[s]["rank"]) if named else \
            min(scores, key=lambda s: (-scores[s][2], info[s]["rank"]))
        g = e[e["stage"] == pick]
        first = g.iloc[0]
        where = "meeting name" if first["where"] == "meeting_name" else first["where"]
        evidence = f"{where}: 「{first['cue']}」 in {first['text']}"
        ranked = sorted(scores, key=lambda s: (info[s]["rank"]))
        rows.append({"doc_id": doc_id, "stage": pick, "evidence": evidence, "label_en": info[pick]["label_en"],
                     "name_cues": "、".join(dict.fromkeys(g.loc[g["where"] == "meeting_name", "cue"])),
                     "content_hits": scores[pick][1], "score": scores[pick][2],
                     "all_stages": "; ".join(f"{s} {scores[s][2]}" for s in ranked)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# promises and orientation


def promise_what(text: str, start: int, end: int, others: list[tuple[int, int]]) -> str:
    """The clause a dated promise sits in; if it holds other expressions, cut at ``、`` between them."""
    left = max((m.end() for m in CLAUSE_RE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_RE.finditer(text, end)), len(text))
    for s, e in others:
        if left <= s < right and (s, e) != (start, end):
            cut = text.rfind("、", 0, s) if s > start else text.find("、", e)
            if s > start and cut >= end:
                right = min(right, cut)
            elif s < start and 0 <= cut < start:
                left = max(left, cut + 1)
    return text[left:right].strip()


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def dated_promises(corpus: Corpus) -> pd.DataFrame:
    """Every dated promise: ``doc_id, what, by_when, speaker, sentence`` (+ ``sent_id, surface, kind,
    resolved, role, attribution``).

    A promise is an expression that refers to a target (a future year, ``力争用三年时间``,
    ``今后一个时期``), or a future event (ending after the meeting) whose clause carries a target
    cue of temporal.yaml (``迎接党的二十大``, ``实现…三年行动首战告捷``). ``by_when`` is the end
    date, or ``open`` / ``unresolved`` when there is none. ``speaker`` comes from
    :func:`analysis.measures.speakers.attribute_speakers`; ``narration`` when the report itself states it.
    """
    lex = load_temporal(corpus.lexicon)
    ex = expressions(corpus)
    spk = attribute_speakers(corpus).set_index(["doc_id", "sent_id"])
    spans = {k: list(zip(g["start_char"], g["end_char"]))   # each sentence's expressions, grouped once
             for k, g in ex.groupby(["doc_id", "sent_id"], sort=False)}
    rows = []
    for r in ex.itertuples():
        clause = clause_at(r.sentence, r.start_char, r.end_char)
        future_event = (r.refers_to == "event" and isinstance(r.end, str) and r.end > (r.base_date or "")
                        and any(c in clause for c in lex["refers_to"]["target"]))
        unresolved_event = (r.refers_to == "event" and not r.resolved
                            and any(c in clause for c in lex["refers_to"]["target"]))
        if not (r.refers_to == "target" or future_event or unresolved_event):
            continue
        others = spans[(r.doc_id, r.sent_id)]
        who = spk.loc[(r.doc_id, r.sent_id)] if (r.doc_id, r.sent_id) in spk.index else None
        speaker = who["speaker"] if who is not None and isinstance(who["speaker"], str) else "narration"
        by_when = r.end if isinstance(r.end, str) else ("open" if r.kind == "interval" and r.start else "unresolved")
        rows.append({"doc_id": r.doc_id, "what": promise_what(r.sentence, r.start_char, r.end_char, others),
                     "by_when": by_when, "speaker": speaker, "sentence": r.sentence, "sent_id": r.sent_id,
                     "surface": r.surface, "kind": r.kind, "resolved": bool(r.resolved),
                     "role": who["role"] if who is not None and isinstance(who["role"], str) else "",
                     "attribution": who["attribution"] if who is not None else ""})
    cols = ["doc_id", "what", "by_when", "speaker", "sentence", "sent_id", "surface", "kind", "resolved", "role",
            "attribution"]
    return pd.DataFrame(rows, columns=cols)


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def sentence_orientation(corpus: Corpus) -> pd.DataFrame:
    """Per sentence: ``doc_id, sent_id, past, present, future`` (booleans, multi-label) and ``cues``.

    Past: a past cue (a regex) of temporal.yaml or an expression ending before the meeting (achievement,
    past start, past). Future: a future cue or an expression referring to a target or a future
    event. Present: a present cue, an expression about the present, or (if the lexicon says so) a
    directive marker of :func:`analysis.measures.directives.directive_markers` — an instruction is a task now.
    """
    lex = load_temporal(corpus.lexicon)["orientation"]
    ex = expressions(corpus)
    rx = {o: re.compile("|".join(lex[o])) for o in ORIENTATIONS}
    directive = set()
    if lex.get("present_from_directives"):
        d = directive_markers(corpus)
        directive = set(zip(d["doc_id"], d["sent_id"].astype(int)))
    by_sent = {k: g for k, g in ex.groupby(["doc_id", "sent_id"])}
    rows = []
    for r in corpus.sentences.itertuples():
        cues = {o: [m.group(0) for m in rx[o].finditer(r.text)] for o in ORIENTATIONS}
        g = by_sent.get((r.doc_id, r.sent_id))
        if g is not None:
            for x in g.itertuples():
                if x.refers_to in ("achievement", "past_start", "past") or (
                        x.refers_to == "event" and isinstance(x.end, str) and x.base_date and x.end < x.base_date):
                    cues["past"].append(x.surface)
                elif x.refers_to == "target" or (
                        x.refers_to == "event" and isinstance(x.start, str) and x.base_date and x.start > x.base_date):
                    cues["future"].append(x.surface)
                elif x.refers_to == "present":
                    cues["present"].append(x.surface)
        if (r.doc_id, r.sent_id) in directive:
            cues["present"].append("directive")
        rows.append({"doc_id": r.doc_id, "sent_id": int(r.sent_id), **{o: bool(cues[o]) for o in ORIENTATIONS},
                     "cues": "; ".join(f"{o}: {'、'.join(dict.fromkeys(cues[o]))}" for o in ORIENTATIONS if cues[o]),
                     "text": r.text})
    return pd.DataFrame(rows)


def orientation(corpus: Corpus, level: float | None = None) -> pd.DataFrame:
    """Temporal orientation per report: for past, present and future, the number of sentences,
    the denominator (all sentences of the report), the share and its Wilson interval (``level``
    defaults to statistics.yaml's ``confidence_level``).

    Long format: ``doc_id, label, orientation, n_sentences, n_total, share, ci_low, ci_high``;
    a sentence can count for several orientations, so shares do not add up to 1.
    """
    so = sentence_orientation(corpus)
    level = setting("confidence_level", corpus.lexicon) if level is None else level
    labels = corpus.labels
    rows = []
    by_doc = dict(tuple(so.groupby("doc_id", sort=False)))   # once, not a filter of the table per report
    for doc_id in corpus.doc_ids:
        g = by_doc.get(doc_id, so.iloc[:0])
        for o in ORIENTATIONS:
            k, n = int(g[o].sum()), len(g)
            lo, hi = wilson(k, n, level)
            rows.append({"doc_id": doc_id, "label": labels[doc_id], "orientation": o, "n_sentences": k,
                         "n_total": n, "share": k / n if n else float("nan"), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def orientation_table(orient: pd.DataFrame) -> pd.DataFrame:
    """:func:`orientation` for reading: one row per report, count, denominator, share and interval
    for each orientation side by side."""
    return orient.pivot_table(index="label", columns="orientation", sort=False,
                              values=["n_sentences", "n_total", "share", "ci_low", "ci_high"]).round(3)


def expression_counts(ex: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Per report: how many expressions refer to each kind of thing (meeting, target, achievement…),
    the total, and how many stay unresolved (every report of the corpus, even one with none)."""
    labels = corpus.labels
    counts = pd.crosstab(ex["doc_id"], ex["refers_to"]).reindex(index=corpus.doc_ids, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["unresolved"] = (~ex["resolved"].astype(bool)).groupby(ex["doc_id"]).sum().reindex(
        corpus.doc_ids, fill_value=0).astype(int)
    return counts.rename(index=labels).rename_axis("report")


# --------------------------------------------------------------------------------------------
# the axis


def timeline_points(corpus: Corpus) -> pd.DataFrame:
    """What the swimlane figure draws: each meeting plus each resolved dated expression.

    ``doc_id, lane (city), label, admin_level, what (meeting, past_start, achievement, target,
    event, past), start, end, surface, sent_id``; the meeting row's ``surface`` is its stage.
    Present-tense and recurring expressions are left off the axis (they sit at the meeting).
    """
    mt = meetings(corpus)
    st = meeting_stage(corpus).set_index("doc_id")
    ex = expressions(corpus)
    rows = []
    for m in mt.itertuples():
        if m.meeting_date:
            start, end = date_bounds(m.meeting_date)   # a month or a year known only: the whole of it
            rows.append({"doc_id": m.doc_id, "lane": m.city or m.label, "label": m.label,
                         "admin_level": m.admin_level, "what": "meeting", "start": start,
                         "end": end, "surface": st.at[m.doc_id, "stage"], "sent_id": -1})
    keep = ex[ex["resolved"] & ex["refers_to"].isin(["past_start", "achievement", "target", "event", "past"])]
    lanes = mt.set_index("doc_id")
    for x in keep.itertuples():
        rows.append({"doc_id": x.doc_id, "lane": lanes.at[x.doc_id, "city"] or lanes.at[x.doc_id, "label"],
                     "label": lanes.at[x.doc_id, "label"], "admin_level": lanes.at[x.doc_id, "admin_level"],
                     "what": x.refers_to, "start": x.start, "end": x.end, "surface": x.surface,
                     "sent_id": x.sent_id})
    return pd.DataFrame(rows, columns=["doc_id", "lane", "label", "admin_level", "what", "start", "end", "surface",
                                       "sent_id"])


