"""When each campaign moved and what it promised by when: stages, dated promises, orientation.

Built on the temporal expressions of :mod:`analysis.measures.temporal` (every expression in the
corpus, resolved against each report's meeting date, computed once per corpus) and on the speakers
of :mod:`analysis.measures.speakers`. Campaign stages come from ``data/lexicon/stages.yaml``.
Nothing is dropped: an expression that cannot be dated is kept with ``resolved=False``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.memo import memoised
from analysis.measures.directives import DIRECTIVES_FILE, directive_markers
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers
from analysis.measures.stats import (  # noqa: F401 (wilson: re-exported)
    group_differences,
    group_means,
    holm,
    setting,
    wilson,
    wilson_interval,
)
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
    sents = list(zip(corpus.sentences["doc_id"], corpus.sentences["sent_id"], corpus.sentences["text"]))
    for st in lex["stages"]:
        rx = _cue_regex(st["cues"])
        for doc_id in corpus.doc_ids:
            name = names.get(doc_id)
            for m in rx.finditer(name if isinstance(name, str) else ""):
                rows.append({"doc_id": doc_id, "stage": st["stage"], "where": "meeting_name", "cue": m.group(0),
                             "text": name})
        cues: dict[str, list[str]] = {}   # a sentence repeated across reports is searched once
        for doc_id, sent_id, text in sents:
            found = cues.get(text)
            if found is None:
                found = cues[text] = [m.group(0) for m in rx.finditer(text)]
            for cue in found:
                rows.append({"doc_id": doc_id, "stage": st["stage"], "where": f"sentence {sent_id}", "cue": cue,
                             "text": text})
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
    # one pass over the evidence: per report and stage, the cues in the name and in the body, the
    # first evidence row and the name cues (in order); no table operation per report
    found: dict[str, dict[str, dict]] = {}
    for d, st, where, cue, text in zip(ev["doc_id"], ev["stage"], ev["where"], ev["cue"], ev["text"]):
        f = found.setdefault(d, {}).setdefault(st, {"in_name": 0, "n": 0, "first": (where, cue, text), "name_cues": []})
        f["n"] += 1
        if where == "meeting_name":
            f["in_name"] += 1
            f["name_cues"].append(cue)
    rows = []
    for doc_id in corpus.doc_ids:
        stages = found.get(doc_id, {})
        scores = {st: (f["in_name"], f["n"] - f["in_name"], f["in_name"] * lex["name_weight"] + f["n"] - f["in_name"])
                  for st, f in stages.items()}
        if not scores:
            rows.append({"doc_id": doc_id, "stage": "unknown", "evidence": "no stage cue in name or text",
                         "label_en": "unknown", "name_cues": "", "content_hits": 0, "score": 0, "all_stages": ""})
            continue
        named = [s for s in scores if scores[s][0]]
        pick = min(named, key=lambda s: info[s]["rank"]) if named else \
            min(scores, key=lambda s: (-scores[s][2], info[s]["rank"]))
        where, cue, text = stages[pick]["first"]
        where = "meeting name" if where == "meeting_name" else where
        evidence = f"{where}: 「{cue}」 in {text}"
        ranked = sorted(scores, key=lambda s: (info[s]["rank"]))
        rows.append({"doc_id": doc_id, "stage": pick, "evidence": evidence, "label_en": info[pick]["label_en"],
                     "name_cues": "、".join(dict.fromkeys(stages[pick]["name_cues"])),
                     "content_hits": scores[pick][1], "score": scores[pick][2],
                     "all_stages": "; ".join(f"{s} {scores[s][2]}" for s in ranked)})
    return pd.DataFrame(rows)


CAMPAIGNS_FILE = "campaigns.yaml"
#: Where a meeting name or a headline divides into parts about different campaigns.
PART_RE = re.compile(r"暨|、|\s+|[，；：。！？,;:]")
#: A body clause divides at 、 only before a new dated item (…2023年成功创建全国文明城市、2024年顺利通过
#: 国家卫生城市复审: two campaigns, two dates); a plain list (争创A、B、C) keeps its verb for every item.
DATED_LIST_RE = re.compile(r"、(?=\d{4}年|[一二三四五六七八九十两]+年)")


def _campaign_names(corpus: Corpus) -> dict[str, list]:
    """``campaign -> [name, variants…, compiled patterns…]`` from campaigns.yaml (names longest first;
    a campaign written as PROVINCE省文明城市 is found by its pattern)."""
    out = {}
    for c in corpus.lexicon.yaml(CAMPAIGNS_FILE).get("campaigns", []):
        out[c["name"]] = sorted({c["name"], *c.get("variants", [])}, key=len, reverse=True) + \
            [re.compile(p) for p in c.get("patterns", [])]
    return out


def _names_campaign(text: str, spellings: list) -> bool:
    """Whether ``text`` names a campaign by one of its spellings (strings or compiled patterns)."""
    return any((s.search(text) is not None) if isinstance(s, re.Pattern) else (s in text) for s in spellings)


def _campaign_parts(corpus: Corpus, doc_id: str, docs: pd.DataFrame | None = None,
                    sentences=None) -> list[tuple[str, str, str]]:
    """``(where, weight key, text)`` of every part of a report that can name a campaign: the
    meeting name cut at 暨/、, the headline cut at spaces and punctuation, each body clause (cut
    at a 、 that opens a new dated item, :data:`DATED_LIST_RE`). ``docs`` (the documents indexed
    by doc_id) and ``sentences`` (this report's ``sent_id`` and ``text`` columns, as a table or
    a dict of lists) may be passed in by a caller that
    loops over the reports, so the corpus-wide tables are not re-indexed or filtered per report."""
    docs = corpus.documents.set_index("doc_id") if docs is None else docs
    sents = corpus.sentences[corpus.sentences["doc_id"] == doc_id] if sentences is None else sentences
    parts = []
    for field, where in (("meeting_name", "meeting name"), ("title", "headline")):
        text = docs.at[doc_id, field] if field in docs.columns else ""
        if isinstance(text, str):
            parts += [(where, "name" if field == "meeting_name" else "body", p) for p in PART_RE.split(text) if p]
    for sent_id, text in zip(sents["sent_id"], sents["text"]):
        parts += [(f"sentence {sent_id}", "body", q) for p in CLAUSE_RE.split(text) for q in DATED_LIST_RE.split(p)
                  if q]
    return parts


@memoised(STAGES_FILE, CAMPAIGNS_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def campaign_stages(corpus: Corpus) -> pd.DataFrame:
    """The stage of each campaign a report names: ``doc_id, campaign, stage, label_en, evidence,
    score, all_stages, target`` (one row per report and campaign of ``documents.campaigns``).

    Stage cues of stages.yaml are counted only in the parts of the report that name the campaign
    (see stages.yaml and :func:`_campaign_parts`): meeting-name parts with ``name_weight``, headline
    and body clauses with 1. The stage is the best-ranked stage named in a meeting-name part, else
    the highest score (ties: rank); ``unknown`` when no part about the campaign carries a cue.
    ``target`` lists the dated promises (:func:`dated_promises`) whose clause names the campaign.
    A report that names no campaign gets one row with ``campaign=''`` and :func:`meeting_stage`'s call.
    """
    lex = load_stages(corpus)
    info = {st["stage"]: st for st in lex["stages"]}
    rx = {st["stage"]: _cue_regex(st["cues"]) for st in lex["stages"]}
    names = _campaign_names(corpus)
    camp = dict(zip(corpus.documents["doc_id"], corpus.documents.get("campaigns", pd.Series(dtype=str))))
    promises = dated_promises(corpus)
    # the corpus-wide tables split by report once (not filtered per report and campaign)
    docs = corpus.documents.set_index("doc_id")
    sents_by_doc: dict[str, dict[str, list]] = {}
    for d, sid, text in zip(corpus.sentences["doc_id"], corpus.sentences["sent_id"], corpus.sentences["text"]):
        got = sents_by_doc.setdefault(d, {"sent_id": [], "text": []})
        got["sent_id"].append(sid)
        got["text"].append(text)
    promises_by_doc: dict[str, list] = {}
    for d, what, by_when in zip(promises["doc_id"], promises["what"], promises["by_when"]):
        promises_by_doc.setdefault(d, []).append((what, by_when))
    no_sents = {"sent_id": [], "text": []}
    whole = None
    rows = []
    for doc_id in corpus.doc_ids:
        listed = [c for c in str(camp.get(doc_id) or "").split(";") if c.strip()]
        if not listed:
            if whole is None:
                ms = meeting_stage(corpus)
                whole = dict(zip(ms["doc_id"], ms.to_dict("records")))
            w = whole[doc_id]
            rows.append({"doc_id": doc_id, "campaign": "", "stage": w["stage"], "label_en": w["label_en"],
                         "evidence": w["evidence"], "score": w["score"], "all_stages": w["all_stages"], "target": ""})
            continue
        parts = _campaign_parts(corpus, doc_id, docs, sents_by_doc.get(doc_id, no_sents))
        mine_promises = promises_by_doc.get(doc_id, [])
        for c in listed:
            spellings = names.get(c, [c])
            mine = [p for p in parts if _names_campaign(p[2], spellings)]
            scores, first = {}, {}
            for where, weight, text in mine:
                for st, r in rx.items():
                    for m in r.finditer(text):
                        in_name, body, _ = scores.get(st, (0, 0, 0))
                        in_name, body = in_name + (weight == "name"), body + (weight != "name")
                        scores[st] = (in_name, body, in_name * lex["name_weight"] + body)
                        first.setdefault(st, f"{where}: 「{m.group(0)}」 in {text}")
            target = "; ".join(dict.fromkeys(b for w, b in mine_promises if _names_campaign(w, spellings)))
            if not scores:
                rows.append({"doc_id": doc_id, "campaign": c, "stage": "unknown", "label_en": "unknown",
                             "evidence": "no stage cue where the report names this campaign", "score": 0,
                             "all_stages": "", "target": target})
                continue
            named = [st for st in scores if scores[st][0]]
            pick = min(named, key=lambda st: info[st]["rank"]) if named else \
                min(scores, key=lambda st: (-scores[st][2], info[st]["rank"]))
            rows.append({"doc_id": doc_id, "campaign": c, "stage": pick, "label_en": info[pick]["label_en"],
                         "evidence": first[pick], "score": scores[pick][2],
                         "all_stages": "; ".join(f"{st} {scores[st][2]}" for st in sorted(scores, key=lambda x: info[x]["rank"])),
                         "target": target})
    return pd.DataFrame(rows, columns=["doc_id", "campaign", "stage", "label_en", "evidence", "score", "all_stages",
                                       "target"])


def stages_in_words(corpus: Corpus) -> dict[str, str]:
    """``doc_id -> '全国文明城市: campaigning for the title (target 2023-12-31); …'``: each campaign's
    stage in words, for figures and profiles."""
    cs = campaign_stages(corpus)
    parts: dict[str, list[str]] = {}   # one pass over the table, reports in order of first appearance
    for doc_id, campaign, label_en, target in zip(cs["doc_id"], cs["campaign"], cs["label_en"], cs["target"]):
        t = ", ".join(x for x in target.split("; ") if x[:1].isdigit())
        parts.setdefault(doc_id, []).append((f"{campaign}: " if campaign else "") + label_en + (f" (target {t})" if t else ""))
    return {doc_id: "; ".join(p) for doc_id, p in parts.items()}


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


PROMISE_COLUMNS = ["doc_id", "what", "by_when", "speaker", "sentence", "sent_id", "part", "surface", "horizons",
                   "n_horizons", "kind", "resolved", "restated", "role", "attribution"]


def _promise_expressions(corpus: Corpus) -> pd.DataFrame:
    """The expressions that make a promise (see :func:`dated_promises`), each with its ``what``."""
    lex = load_temporal(corpus.lexicon)
    ex = expressions(corpus)
    vague = {f"rule:{r['id']}" for r in lex["rules"] if r["resolve"] == "unresolvable"}
    ex = ex[(ex["part"] != "byline") & ~ex["source"].isin(vague)]   # 限时, 关键时间节点: no date to promise
    keep = []
    for r in ex.itertuples():
        clause = clause_at(r.sentence, r.start_char, r.end_char)
        has_cue = any(c in clause for c in lex["refers_to"]["target"])
        base = r.base_date if isinstance(r.base_date, str) else ""   # no meeting date: None, or NaN after a table op
        future_event = (r.refers_to == "event" and isinstance(r.end, str) and r.end > base and has_cue)
        unresolved_event = r.refers_to == "event" and not r.resolved and has_cue
        if (r.refers_to == "target" and r.kind in ("deadline", "interval", "point")) or future_event or unresolved_event:
            keep.append(r.Index)
    out = ex.loc[keep].copy()
    spans: dict[tuple, list] = {}   # every expression's span by sentence, in one pass (no group per sentence)
    for d, sid, a, b in zip(ex["doc_id"], ex["sent_id"], ex["start_char"], ex["end_char"]):
        spans.setdefault((d, sid), []).append((a, b))
    out["what"] = [promise_what(r.sentence, r.start_char, r.end_char, spans[(r.doc_id, r.sent_id)])
                   for r in out.itertuples()]
    return out


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def dated_promises(corpus: Corpus) -> pd.DataFrame:
    """Every dated promise, one row each: ``doc_id, what, by_when, speaker, sentence`` (+ ``sent_id,
    part, surface, horizons, n_horizons, kind, resolved, restated, role, attribution``).

    A promise is an expression that refers to a target (a future year, ``力争用三年时间``,
    ``今后一个时期``, ``限时``), or a future event (ending after the meeting) whose clause carries a
    target cue of temporal.yaml (``迎接党的二十大``, ``实现…三年行动首战告捷``). Temporal words that fix
    no date (``限时``, ``关键时间节点``) are kept in :func:`expressions` but make no dated promise.

    One promise is one row: a clause (``what``) that names two horizons (``实现全面振兴新突破三年行动
    首战告捷``: the first year, 2023, of a plan ending in 2025) is one promise; ``horizons`` lists
    every dated expression of the clause, ``by_when`` is the nearest end among them (or ``open`` /
    ``unresolved`` when none has an end). ``如期`` (on schedule) restates a stated target: it is not
    a new promise but is listed in the ``restated`` column of the promise it ties to. A headline
    that repeats a promise of the body with the same date is listed in ``restated`` too; one that
    the body does not repeat is a promise of its own (``part='title'``, speaker ``headline``).
    ``speaker`` comes from :func:`analysis.measures.speakers.attribute_speakers`; ``narration``
    when the report itself states it.
    """
    px = _promise_expressions(corpus)
    spk = attribute_speakers(corpus).set_index(["doc_id", "sent_id"])
    # each sentence's speaker as a dict, looked up per promise (the first row of a sentence)
    spk = spk[~spk.index.duplicated()]
    who_said = dict(zip(spk.index, spk[["speaker", "role", "attribution"]].to_dict("records")))
    ties = px[px["source"] == "rule:on_schedule"]
    px = px[px["source"] != "rule:on_schedule"]
    rows = []
    groups: dict[tuple, list[dict]] = {}   # (report, sentence, clause) -> its expressions, in one pass
    for x in px[["doc_id", "sent_id", "what", "end", "start", "kind", "part", "sentence", "surface",
                 "resolved"]].to_dict("records"):
        groups.setdefault((x["doc_id"], x["sent_id"], x["what"]), []).append(x)
    for (doc_id, sent_id, what), g in groups.items():
        first = g[0]
        ends = sorted(x["end"] for x in g if isinstance(x["end"], str))
        if ends:
            by_when = ends[0]
        else:
            by_when = "open" if any(x["kind"] == "interval" and pd.notna(x["start"]) for x in g) else "unresolved"
        who = who_said.get((doc_id, sent_id))
        if first["part"] == "title":
            speaker = "headline"
        else:
            speaker = who["speaker"] if who is not None and isinstance(who["speaker"], str) else "narration"
        rows.append({"doc_id": doc_id, "what": what, "by_when": by_when, "speaker": speaker,
                     "sentence": first["sentence"], "sent_id": int(sent_id), "part": first["part"],
                     "surface": "、".join(x["surface"] for x in g),
                     "horizons": "; ".join(f"{x['surface']} → {x['end'] if isinstance(x['end'], str) else 'no end'}"
                                           for x in g),
                     "n_horizons": len(g), "kind": first["kind"], "resolved": all(bool(x["resolved"]) for x in g),
                     "restated": "",
                     "role": who["role"] if who is not None and isinstance(who["role"], str) else "",
                     "attribution": who["attribution"] if who is not None else ""})
    out = pd.DataFrame(rows, columns=PROMISE_COLUMNS)

    def where(part, sent):
        return "headline" if part == "title" else f"sentence {sent}"

    def note_restatement(i, text):
        out.at[i, "restated"] = "; ".join(x for x in (out.at[i, "restated"], text) if x)

    # the first body promise of each report and date, found once (not a filter of the table per row)
    body = out[out["part"] == "body"]
    first_body = {k: i for k, i in reversed(list(zip(zip(body["doc_id"], body["by_when"]), body.index)))}
    for t in ties.itertuples():   # 如期: restates the promise whose dates it took
        i = first_body.get((t.doc_id, t.end)) if isinstance(t.end, str) else None
        if i is not None:
            note_restatement(i, f"如期 in {where(t.part, t.sent_id)}: {t.what}")
    drop = []
    for i in out.index[out["part"] == "title"]:   # a headline repeating a dated promise of the body
        by_when = out.at[i, "by_when"]
        j = first_body.get((out.at[i, "doc_id"], by_when)) if by_when[:1].isdigit() else None
        if j is not None:
            note_restatement(j, f"headline: {out.at[i, 'what']}")
            drop.append(i)
    return out.drop(index=drop).reset_index(drop=True)


@memoised(STAGES_FILE, TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE, SPEAKERS_FILE, DIRECTIVES_FILE)
def sentence_orientation(corpus: Corpus) -> pd.DataFrame:
    """Per sentence: ``doc_id, sent_id, past, present, future`` (booleans, multi-label), ``cues``,
    ``directive`` (the sentence carries a directive marker) and ``text``.

    Tense and aspect, not the directive markers alone (temporal.yaml ``orientation``): past is
    perfective or experiential aspect (已, 了, 过), a past word or an expression ending before the
    meeting; present is a progressive or current-state word (正在, 目前, 当前) or an expression
    about the present; future is an instruction (a directive marker, when the lexicon's
    ``future_from_directives`` says so: what is instructed is still to be done), a modal or future
    word (要, 将于, 力争, 到2025年) or an expression referring to a target or a future event.
    """
    lex = load_temporal(corpus.lexicon)["orientation"]
    ex = expressions(corpus)
    ex = ex[ex["part"] == "body"]
    rx = {o: re.compile("|".join(lex[o])) for o in ORIENTATIONS}
    d = directive_markers(corpus)
    directive = set(zip(d["doc_id"], d["sent_id"].astype(int)))
    by_sent: dict[tuple, list] = {}   # each sentence's dated cues, in one pass over the expressions
    for x in ex.itertuples():
        if x.refers_to in ("achievement", "past_start", "past") or (
                x.refers_to == "event" and isinstance(x.end, str) and isinstance(x.base_date, str) and x.base_date
                and x.end < x.base_date):
            which = "past"
        elif x.refers_to == "target" or (
                x.refers_to == "event" and isinstance(x.start, str) and isinstance(x.base_date, str) and x.base_date
                and x.start > x.base_date):
            which = "future"
        elif x.refers_to == "present" and x.kind != "recurrence":
            which = "present"
        else:
            continue
        by_sent.setdefault((x.doc_id, x.sent_id), []).append((which, x.surface))
    rows = []
    for r in corpus.sentences.itertuples():
        cues = {o: [m.group(0) for m in rx[o].finditer(r.text)] for o in ORIENTATIONS}
        for which, surface in by_sent.get((r.doc_id, r.sent_id), ()):
            cues[which].append(surface)
        has_directive = (r.doc_id, int(r.sent_id)) in directive
        if has_directive and lex.get("future_from_directives"):
            cues["future"].append("directive")
        rows.append({"doc_id": r.doc_id, "sent_id": int(r.sent_id), **{o: bool(cues[o]) for o in ORIENTATIONS},
                     "cues": "; ".join(f"{o}: {'、'.join(dict.fromkeys(cues[o]))}" for o in ORIENTATIONS if cues[o]),
                     "directive": has_directive, "text": r.text})
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
    # one group-by over the corpus-wide sentence table, then every interval at once
    per_doc = so.groupby("doc_id", sort=False)[ORIENTATIONS].sum().reindex(corpus.doc_ids, fill_value=0)
    totals = so.groupby("doc_id", sort=False).size().reindex(corpus.doc_ids, fill_value=0)
    long = per_doc.astype("int64").stack().rename("n_sentences").reset_index()
    long.columns = ["doc_id", "orientation", "n_sentences"]
    k = long["n_sentences"].to_numpy(dtype="int64")
    n = long["doc_id"].map(totals).to_numpy(dtype="int64")
    lo, hi = wilson_interval(k, n, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    return pd.DataFrame({"doc_id": long["doc_id"], "label": long["doc_id"].map(labels), "orientation": long["orientation"],
                         "n_sentences": k, "n_total": n, "share": share, "ci_low": lo, "ci_high": hi})


def orientation_table(orient: pd.DataFrame) -> pd.DataFrame:
    """:func:`orientation` for reading: one row per report, count, denominator, share and interval
    for each orientation side by side."""
    table = orient.pivot_table(index="label", columns="orientation", sort=False,
                               values=["n_sentences", "n_total", "share", "ci_low", "ci_high"]).round(3)
    counts = [c for c in table.columns if c[0] in ("n_sentences", "n_total")]
    return table.astype({c: int for c in counts})  # pivot_table averages: counts back to integers


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
    """What the swimlane figure draws: each meeting plus each resolved dated item it states.

    ``doc_id, lane (city), label, admin_level, what (meeting, past_start, achievement, target,
    event), start, end, surface, sent_id, n_mentions``; the meeting row's ``surface`` is its stage
    per campaign in words (:func:`stages_in_words`). Which items are drawn and which are left off
    as trivial is set in temporal.yaml ``swimlane`` (an item with the same dates as another of the
    same report is drawn once, with the longest surface and its number of mentions).
    """
    cfg = load_temporal(corpus.lexicon).get("swimlane", {})
    draw = cfg.get("draw", ["past_start", "achievement", "target", "event"])
    mt = meetings(corpus)
    words = stages_in_words(corpus)
    ex = expressions(corpus)
    rows = []
    for m in mt.itertuples():
        if m.meeting_date:
            start, end = date_bounds(m.meeting_date)   # a month or a year known only: the whole of it
            rows.append({"doc_id": m.doc_id, "lane": m.city or m.label, "label": m.label,
                         "admin_level": m.admin_level, "what": "meeting", "start": start,
                         "end": end, "surface": words.get(m.doc_id, ""), "sent_id": -1, "n_mentions": 1})
    keep = ex[ex["resolved"] & ex["refers_to"].isin(draw) & ex["part"].isin(["body", "title"])
              & ~ex["source"].isin(cfg.get("drop_sources", []))]
    lanes = dict(zip(mt["doc_id"], zip(mt["city"], mt["label"], mt["admin_level"])))
    items: dict[tuple, list] = {}   # (report, start, end) -> its expressions, in one pass (keys in order met)
    for doc_id, start, end, surface, sent_id, refers_to in zip(keep["doc_id"], keep["start"], keep["end"],
                                                               keep["surface"], keep["sent_id"], keep["refers_to"]):
        items.setdefault((doc_id, start, end), []).append((surface, sent_id, refers_to))
    for (doc_id, start, end), g in items.items():
        surface, sent_id, refers_to = max(g, key=lambda x: (len(x[0]), -x[1]))
        city, label, admin_level = lanes[doc_id]
        rows.append({"doc_id": doc_id, "lane": city or label, "label": label, "admin_level": admin_level,
                     "what": refers_to, "start": start, "end": end, "surface": surface,
                     "sent_id": int(sent_id), "n_mentions": len(g)})
    out = pd.DataFrame(rows, columns=["doc_id", "lane", "label", "admin_level", "what", "start", "end", "surface",
                                      "sent_id", "n_mentions"])
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    return out.sort_values(["doc_id", "sent_id", "start"], key=lambda s: s.map(order) if s.name == "doc_id" else s,
                           kind="mergesort").reset_index(drop=True)


def orientation_against_directives(corpus: Corpus) -> pd.DataFrame:
    """Per report: how the three orientations relate to the directive markers, so a reader can
    see they are not the markers under another name. ``n_sentences, n_directive, future,
    future_by_directive_only`` (future only because the sentence carries a directive),
    ``present, present_and_directive, past, none`` (no cue at all) and ``present_equals_directive``
    (share of sentences where "present" and "carries a directive" agree)."""
    so = sentence_orientation(corpus)
    # per-sentence flags, then one group-by over the corpus (no table operation per report)
    only = so["future"] & so["directive"] & (so["cues"].str.extract(r"future: ([^;]*)")[0].fillna("") == "directive")
    flags = pd.DataFrame({"doc_id": so["doc_id"], "n_sentences": 1, "n_directive": so["directive"].astype(int),
                          "future": so["future"].astype(int), "future_by_directive_only": only.astype(int),
                          "present": so["present"].astype(int),
                          "present_and_directive": (so["present"] & so["directive"]).astype(int),
                          "past": so["past"].astype(int), "none": (~so[ORIENTATIONS].any(axis=1)).astype(int),
                          "agree": (so["present"] == so["directive"]).astype(float)})
    by_doc = flags.groupby("doc_id", sort=False)
    out = by_doc.sum().drop(columns="agree").reindex(corpus.doc_ids, fill_value=0).astype("int64")
    out["present_equals_directive"] = by_doc["agree"].mean().reindex(corpus.doc_ids).astype(float)
    labels = corpus.labels
    out.index = [labels[d] for d in out.index]
    return out.rename_axis("report")


def axis_ends(points: pd.DataFrame) -> dict:
    """The earliest and the latest point of :func:`timeline_points`, meetings included (for the
    notebook's prose): ``{'first': row, 'last': row}``, each with ``label, what, surface, start, end``."""
    items = points
    first = items.sort_values(["start", "end"], kind="mergesort").iloc[0]
    last = items.sort_values(["end", "start"], kind="mergesort").iloc[-1]
    return {"first": first, "last": last}


def orientation_extremes(orient: pd.DataFrame, which: str) -> dict:
    """For one orientation: the lowest and highest share (with k/n and interval) and the reports that
    hold them, for the notebook's prose."""
    g = orient[orient["orientation"] == which].sort_values("share", kind="mergesort")
    lo, hi = g.iloc[0], g.iloc[-1]
    return {"low": lo, "high": hi, "n_reports": len(g)}


def fmt_share(row) -> str:
    """``13/72 = 18% (95% CI 11–28%)`` for an :func:`orientation` row."""
    return (f"{int(row['n_sentences'])}/{int(row['n_total'])} = {row['share']:.0%} "
            f"(interval {row['ci_low']:.0%}–{row['ci_high']:.0%})")


# --------------------------------------------------------------------------------------------
# group views (above views.yaml's per_report_max: each report one observation of its group)


def _group_of(view, doc_ids) -> pd.Series:
    """The group label of each doc_id of ``doc_ids`` (``unknown`` for a report the view does not know)."""
    return pd.Series(list(doc_ids), index=list(doc_ids)).map(view.groups).fillna("unknown")


def _list_capped(items: list[str], limit: int) -> str:
    """``a, b, c`` for at most ``limit`` items, then ``and n more``."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")


def date_basis_by_group(mt: pd.DataFrame, view) -> pd.DataFrame:
    """How each group's meeting dates are known: one row per group, the number of reports per
    ``date_basis`` (``unknown`` where empty), the reports known only to the month or year
    (``partial``) and ``n_reports``. The unit is the report."""
    frame = pd.DataFrame({"group": _group_of(view, mt["doc_id"]).to_numpy(),
                          "basis": mt["date_basis"].replace("", "unknown").to_numpy(),
                          "partial": mt["meeting_date"].str.fullmatch(r"\d{4}(-\d{2})?").fillna(False).to_numpy()})
    table = pd.crosstab(frame["group"], frame["basis"])
    table = table.reindex([g for g in view.group_names if g in table.index])
    table["partial"] = frame.groupby("group")["partial"].sum().reindex(table.index).astype(int)
    table["n_reports"] = frame.groupby("group").size().reindex(table.index)
    return table.rename_axis(index=view.group_by, columns=None)


def date_basis_summary(mt: pd.DataFrame, limit: int = 10) -> str:
    """One sentence: how the meeting years are known over the whole corpus, and how many meetings
    are known only to the month or the year (at most ``limit`` of them named)."""
    basis = mt["date_basis"].replace("", "unknown").value_counts()
    partial = mt[mt["meeting_date"].str.fullmatch(r"\d{4}(-\d{2})?").fillna(False)]
    named = list(partial["label"] + " " + partial["meeting_date"])
    return (f"How the meeting years of the {len(mt):,} reports are known: " + ", ".join(f"{k} {v:,}" for k, v in basis.items())
            + f". Meetings known only to the month or the year: {len(partial):,}"
            + (f" ({_list_capped(named, limit)})." if len(partial) else "."))


def expression_rates(ex: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Per report (indexed by doc_id): body expressions (``n_expressions``), how many stay
    unresolved, the report's Han characters (``n_chars``) and ``per_1k`` = expressions per 1,000
    Han characters of the body (headlines and bylines left out of the rate: their text is not in
    ``n_chars``)."""
    body = ex[ex["part"] == "body"]
    docs = corpus.documents.set_index("doc_id")
    out = pd.DataFrame(index=pd.Index(corpus.doc_ids, name="doc_id"))
    out["n_expressions"] = body.groupby("doc_id").size().reindex(out.index, fill_value=0).astype(int)
    out["unresolved"] = (~body["resolved"].astype(bool)).groupby(body["doc_id"]).sum().reindex(
        out.index, fill_value=0).astype(int)
    out["n_chars"] = docs["n_chars"].reindex(out.index).fillna(0).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["per_1k"] = np.where(out["n_chars"] > 0, out["n_expressions"] / out["n_chars"].where(out["n_chars"] > 0, 1)
                                 * 1000, np.nan)
    return out


def expression_rates_by_group(rates: pd.DataFrame, view) -> pd.DataFrame:
    """:func:`expression_rates` by group: reports, expressions and unresolved ones in all, and the
    mean per-report rate per 1,000 characters with its bootstrap interval over reports
    (:func:`analysis.measures.stats.group_means`)."""
    groups = _group_of(view, rates.index)
    means = group_means(rates["per_1k"], groups).set_index("group")
    sums = rates[["n_expressions", "unresolved"]].groupby(groups).sum()
    table = pd.DataFrame({"n_reports": means["n_reports"], "expressions": sums["n_expressions"],
                          "unresolved": sums["unresolved"], "mean_per_1k": means["mean"].round(2),
                          "ci_low": means["ci_low"].round(2), "ci_high": means["ci_high"].round(2)})
    return table.reindex(means.index).rename_axis(view.group_by)


def stages_by_group(cs: pd.DataFrame, view) -> pd.DataFrame:
    """Groups × campaign stage (long): for each group and stage, how many of the group's reports
    have at least one campaign at that stage (``n_reports``), of how many (``group_reports``), and
    the share. A report in two campaigns at two stages counts for both, so shares can add up to
    more than 1. The unit is the report."""
    one = cs[["doc_id", "stage"]].drop_duplicates()
    one = one.assign(group=_group_of(view, one["doc_id"]).to_numpy())
    totals = pd.Series(1, index=list(view.groups.index)).groupby(view.groups).sum()
    counts = one.groupby(["group", "stage"], sort=False)["doc_id"].nunique().rename("n_reports").reset_index()
    counts["group_reports"] = counts["group"].map(totals).fillna(0).astype(int)
    counts["share"] = (counts["n_reports"] / counts["group_reports"]).round(3)
    order = {g: i for i, g in enumerate(view.group_names)}
    return counts.sort_values(["group", "n_reports"], key=lambda s: s.map(order) if s.name == "group" else -s,
                              kind="mergesort").reset_index(drop=True)


def stages_by_group_table(long: pd.DataFrame, view) -> pd.DataFrame:
    """:func:`stages_by_group` for reading: one row per group, one column per stage with
    ``n (share)``, and the group's number of reports."""
    cell = long.assign(cell=[f"{n} ({s:.0%})" for n, s in zip(long["n_reports"], long["share"])])
    wide = cell.pivot(index="group", columns="stage", values="cell").fillna("0")
    wide = wide.reindex([g for g in view.group_names if g in wide.index])
    wide.insert(0, "reports", long.drop_duplicates("group").set_index("group")["group_reports"].reindex(wide.index))
    return wide.rename_axis(index=view.group_by, columns=None)


def mixed_stages(cs: pd.DataFrame, corpus: Corpus, view, limit: int = 10) -> str:
    """The reports at different stages in different campaigns, in words: how many of how many,
    their share in each group, and at most ``limit`` of them listed (the rest are in the table)."""
    named = cs[cs["campaign"] != ""]
    n_stages = named.groupby("doc_id")["stage"].nunique()
    two = list(n_stages.index[n_stages > 1])
    groups = _group_of(view, corpus.doc_ids)
    per_group = pd.Series(groups.index.isin(two), index=groups.index).groupby(groups, sort=False).agg(["sum", "size"])
    by_doc = dict(tuple(named[named["doc_id"].isin(two)].groupby("doc_id", sort=False)))
    order = [d for d in corpus.doc_ids if d in by_doc][:limit]
    lines = [f"- {corpus.labels[d]} ({groups[d]}): " + "; ".join(f"{r.campaign} — {r.label_en}" for r in by_doc[d].itertuples())
             for d in order]
    text = (f"{len(two):,} of {len(corpus.doc_ids):,} reports are at different stages in different campaigns. By "
            f"`{view.group_by}` (reports with mixed stages / reports in the group): "
            + "; ".join(f"{g} {int(r['sum'])}/{int(r['size'])}" for g, r in per_group.iterrows()) + ".")
    if lines:
        text += (f"\n\nThe first {len(lines)} of them:\n\n" if len(two) > len(lines) else "\n\n") + "\n".join(lines)
    return text


def _year(value) -> float:
    """The year of an ISO date string, or nan."""
    return float(value[:4]) if isinstance(value, str) and value[:4].isdigit() else float("nan")


def promise_horizons(promises: pd.DataFrame, mt: pd.DataFrame) -> pd.DataFrame:
    """Per report with a known meeting date and at least one dated promise (indexed by doc_id):
    ``meeting_year``, the latest year a promise points to (``last_promise_year``) and
    ``horizon_years`` = that year minus the meeting year (0: a promise due within the meeting's
    year)."""
    dated = promises[promises["by_when"].str[:1].str.isdigit()]
    last = dated.assign(y=dated["by_when"].map(_year)).groupby("doc_id")["y"].max()
    meet = mt.set_index("doc_id")["meeting_date"].map(_year)
    out = pd.DataFrame({"meeting_year": meet.reindex(last.index), "last_promise_year": last})
    out = out.dropna()
    out["horizon_years"] = out["last_promise_year"] - out["meeting_year"]
    return out.rename_axis("doc_id")


def year_axis(mt: pd.DataFrame, promises: pd.DataFrame, view, max_columns: int = 40) -> pd.DataFrame:
    """The time axis aggregated by year, by group (long): for each group and year, how many
    reports met that year (``what='meeting'``) and how many reports have a dated promise due that
    year (``what='promise due'``; a report with two promises due the same year counts once). Years
    run from the earliest to the latest found; above ``max_columns`` years they are binned into
    spans of equal length (``period`` is then ``2001–2005``). Reports without a meeting year or a
    dated promise are not on the axis. The unit is the report."""
    meet = pd.DataFrame({"doc_id": mt["doc_id"], "year": mt["meeting_date"].map(_year), "what": "meeting"})
    dated = promises[promises["by_when"].str[:1].str.isdigit()]
    due = pd.DataFrame({"doc_id": dated["doc_id"], "year": dated["by_when"].map(_year), "what": "promise due"})
    both = pd.concat([meet, due], ignore_index=True).dropna(subset=["year"]).drop_duplicates()
    cols = ["group", "what", "period", "start_year", "n_reports"]
    if both.empty:
        return pd.DataFrame(columns=cols)
    both["year"] = both["year"].astype(int)
    lo, hi = int(both["year"].min()), int(both["year"].max())
    width = max(1, -(-(hi - lo + 1) // max_columns))   # ceil: at most max_columns periods
    both["start_year"] = lo + (both["year"] - lo) // width * width
    both["period"] = both["start_year"].astype(str) if width == 1 else \
        both["start_year"].astype(str) + "–" + (both["start_year"] + width - 1).astype(str)
    both["group"] = _group_of(view, both["doc_id"]).to_numpy()
    out = both.groupby(["group", "what", "period", "start_year"], sort=False)["doc_id"].nunique().rename("n_reports")
    order = {g: i for i, g in enumerate(view.group_names)}
    return out.reset_index().sort_values(["group", "what", "start_year"], kind="mergesort",
                                         key=lambda s: s.map(order) if s.name == "group" else s)[cols].reset_index(drop=True)


def axis_summary_by_group(points: pd.DataFrame, horizons: pd.DataFrame, corpus: Corpus, view) -> str:
    """The time axis in words for a corpus shown by group: its ends, how many reports state a dated
    item beyond their meeting (overall and per group) and the median promise horizon per group."""
    ends = axis_ends(points) if len(points) else None
    items = points[points["what"] != "meeting"]
    with_item = set(items["doc_id"])
    groups = _group_of(view, corpus.doc_ids)
    per_group = pd.Series(groups.index.isin(with_item), index=groups.index).groupby(groups, sort=False).agg(["sum", "size"])
    text = ""
    if ends is not None:
        f, last = ends["first"], ends["last"]
        text += (f"The dates found run from {f['start']} to {last['end']}. ")
    text += (f"{len(items):,} dated items beyond the meetings are stated by {len(with_item):,} of {len(corpus.doc_ids):,} "
             f"reports; by `{view.group_by}` (reports with a dated item / reports): "
             + "; ".join(f"{g} {int(r['sum'])}/{int(r['size'])}" for g, r in per_group.iterrows()) + ". ")
    if len(horizons):
        h = horizons["horizon_years"].groupby(_group_of(view, horizons.index), sort=False).agg(["median", "size"])
        text += ("Median horizon of a report's furthest dated promise, in years after its meeting year: "
                 + "; ".join(f"{g} {r['median']:g} (n={int(r['size'])})" for g, r in h.iterrows()) + ".")
    else:
        text += "No report with a known meeting year makes a dated promise."
    return text


def orientation_by_group(orient: pd.DataFrame, view) -> pd.DataFrame:
    """For each orientation and group: the mean of the per-report shares with a bootstrap interval
    over reports (:func:`analysis.measures.stats.group_means`; a report without sentences is left
    out). Long: ``orientation, group, n_reports, mean, ci_low, ci_high``."""
    frames = []
    for o in ORIENTATIONS:
        share = orient.loc[orient["orientation"] == o].set_index("doc_id")["share"]
        frames.append(group_means(share, _group_of(view, share.index)).assign(orientation=o))
    out = pd.concat(frames, ignore_index=True)
    return out[["orientation", "group", "n_reports", "mean", "ci_low", "ci_high"]]


def orientation_differences(orient: pd.DataFrame, view) -> pd.DataFrame:
    """Every pair of groups, for each orientation: difference of mean per-report shares with a
    bootstrap interval over reports and Welch's p (:func:`analysis.measures.stats.group_differences`);
    ``p_holm`` is Holm-adjusted over the whole family (all pairs of the three orientations)."""
    frames = []
    for o in ORIENTATIONS:
        share = orient.loc[orient["orientation"] == o].set_index("doc_id")["share"]
        with warnings.catch_warnings():   # near-identical shares (reposts of one report): Welch's t is still defined
            warnings.filterwarnings("ignore", message="Precision loss occurred", category=RuntimeWarning)
            frames.append(group_differences(share, _group_of(view, share.index)).assign(orientation=o))
    out = pd.concat(frames, ignore_index=True)
    out["p_holm"] = holm(out["p_value"]) if len(out) else []
    cols = ["orientation", "group_a", "group_b", "n_a", "n_b", "difference", "ci_low", "ci_high", "p_value", "p_holm"]
    return out[cols]


def orientation_summary_by_group(by_group: pd.DataFrame, diffs: pd.DataFrame, view, alpha: float = 0.05) -> str:
    """The orientation shares in words for a corpus shown by group: for each orientation, the
    groups with the lowest and the highest mean per-report share (with intervals over reports),
    and how many pairwise differences stay below ``alpha`` after Holm's correction."""
    def fmt(r):
        ci = "" if pd.isna(r["ci_low"]) else f", interval {r['ci_low']:.0%}–{r['ci_high']:.0%}"
        return f"{r['group']} ({r['mean']:.0%}{ci}; n={int(r['n_reports'])})"

    parts = []
    for o in ORIENTATIONS:
        g = by_group[by_group["orientation"] == o].sort_values("mean", kind="mergesort")
        if len(g):
            parts.append(f"{o}: from {fmt(g.iloc[0])} to {fmt(g.iloc[-1])}")
    text = (f"Mean share of a report's sentences, by `{view.group_by}` (the unit is the report; intervals are "
            "bootstrap intervals over reports): " + "; ".join(parts) + ". ")
    if len(diffs):
        firm = diffs[diffs["p_holm"] < alpha]
        text += (f"Of {len(diffs):,} pairwise differences (pairs of groups × three orientations), {len(firm):,} stay "
                 f"below p = {alpha} after Holm's correction for the number of comparisons"
                 + (": " + "; ".join(f"{r.orientation} {r.group_a} − {r.group_b} = {r.difference:+.1%} "
                                     f"(interval {r.ci_low:+.1%} to {r.ci_high:+.1%})"
                                     for r in firm.sort_values("p_holm", kind="mergesort").head(5).itertuples())
                    + (f" and {len(firm) - 5:,} more" if len(firm) > 5 else "") if len(firm) else "") + ".")
    elif by_group["group"].nunique() < 2:
        text += "There is one group only, so no difference between groups is tested."
    else:
        text += "No two groups have two or more reports each, so no difference is tested."
    return text


def promises_by_group(promises: pd.DataFrame, corpus: Corpus, view) -> pd.DataFrame:
    """Dated promises by group: reports, reports with at least one promise, promises in all (dated,
    open), promises by a named official, and the mean number of promises per report with a
    bootstrap interval over reports."""
    per_doc = promises.groupby("doc_id").size().reindex(corpus.doc_ids, fill_value=0)
    groups = _group_of(view, corpus.doc_ids)
    means = group_means(per_doc.astype(float), groups).set_index("group")
    p = promises.assign(group=_group_of(view, promises["doc_id"]).to_numpy())
    named = ~p["speaker"].isin(["narration", "会议", "headline"])
    agg = pd.DataFrame({
        "n_reports": means["n_reports"],
        "with_promise": (per_doc > 0).groupby(groups).sum(),
        "promises": p.groupby("group").size(),
        "dated": p["by_when"].str[:1].str.isdigit().groupby(p["group"]).sum(),
        "open": (p["by_when"] == "open").groupby(p["group"]).sum(),
        "by_named_official": named.groupby(p["group"]).sum(),
    }).reindex(means.index).fillna(0)
    agg = agg.astype({c: int for c in agg.columns})
    agg["mean_per_report"] = means["mean"].round(2)
    agg["ci_low"], agg["ci_high"] = means["ci_low"].round(2), means["ci_high"].round(2)
    return agg.rename_axis(view.group_by)


def promises_summary(promises: pd.DataFrame, corpus: Corpus, limit: int = 5) -> str:
    """The promises in words at any corpus size: how many in how many reports, dated and open ones,
    multi-horizon ones (at most ``limit`` quoted), named officials against the report's own voice."""
    dated = promises[promises["by_when"].str[:1].str.isdigit()]
    multi = promises[promises["n_horizons"] > 1]
    quoted = [f"{corpus.labels[r.doc_id]} 「{r.what}」 ({r.horizons})" for r in multi.head(limit).itertuples()]
    return (f"{len(promises):,} promises in {promises['doc_id'].nunique():,} of {len(corpus.doc_ids):,} reports; "
            f"{len(dated):,} have a date, {int((promises['by_when'] == 'open').sum()):,} an open horizon. {len(multi):,} "
            "name more than one horizon" + (": " + "; ".join(quoted) if quoted else "")
            + (f"; and {len(multi) - len(quoted):,} more (all in `processed/tables/dated_promises`)" if len(multi) > len(quoted) else "")
            + ". Spoken by a named official: "
            f"{int((~promises['speaker'].isin(['narration', '会议', 'headline'])).sum()):,}; stated by the report itself: "
            f"{int((promises['speaker'] == 'narration').sum()):,}.")


def directive_check_summary(against: pd.DataFrame) -> str:
    """:func:`orientation_against_directives` in one sentence, over all reports: future sentences
    with a cue of their own, and the range over reports of the agreement of "present" with
    "carries a directive"."""
    own = int((against["future"] - against["future_by_directive_only"]).sum())
    agree = against["present_equals_directive"].dropna()
    return (f"Of {int(against['future'].sum()):,} future sentences in {len(against):,} reports, {own:,} carry a future cue "
            "of their own (要, 力争, a target) besides any directive marker. \"Present\" and \"carries a directive\" "
            + (f"agree on {agree.min():.0%}–{agree.max():.0%} of the sentences of a report (median "
               f"{agree.median():.0%} over reports)." if len(agree) else "cannot be compared: no report has sentences."))
