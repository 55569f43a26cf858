"""When each campaign moved and what it promised by when: temporal expressions, stages, orientation.

Every temporal expression in the cleaned reports becomes one row with its evidence sentence. The
parser is jionlp's time extractor (``jionlp.ner.extract_time``), run on each sentence with the
report's own meeting date (``data/metadata.csv``: ``meeting_date``, with ``date_basis`` saying
whether its year is stated, from a dateline or inferred) as the time base, so ``今年`` or a bare
``10月24日`` resolve against the right year. Where jionlp is wrong on these texts the rules of
``data/lexicon/temporal.yaml`` take over (``力争用三年时间``, ``持续八年``, ``自2007年…以来``,
``今后一个时期``; ``三年行动`` is a plan, not a duration; ``发现在`` holds no ``现在``); jionlp's own
reading is kept next to the rule's. Named events the reports refer to (``党的二十大``, a province's
``三年行动``) come from ``data/lexicon/events.csv``, each with a source note; campaign stages from
``data/lexicon/stages.yaml``.

Nothing is dropped: an expression that cannot be dated (an open-ended ``今后一个时期``, an event
whose date the file leaves empty, a recurrence such as ``每日``) is kept with ``resolved=False``.
Dates are ISO strings (``YYYY-MM-DD``); a year is the interval 1 January to 31 December.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from datetime import date, datetime, time as dtime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .config import LEXICON_DIR
from .corpus import Corpus
from .stats import wilson_interval

TEMPORAL_FILE = "temporal.yaml"
STAGES_FILE = "stages.yaml"
EVENTS_FILE = "events.csv"
#: Columns of :func:`expressions`, in order.
EXPRESSION_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "surface", "kind", "start", "end",
                      "refers_to", "resolved", "source", "event_id", "jionlp", "base_date", "base_basis",
                      "note", "sentence"]
ORIENTATIONS = ["past", "present", "future"]
#: Placeholder time base for jionlp when a report has no meeting date (its relative results are discarded).
NO_BASE = date(2000, 1, 1)
#: Clause boundaries used to cut the "what" of a promise out of its sentence.
CLAUSE_RE = re.compile(r"[，；：。！？,;:]")


# --------------------------------------------------------------------------------------------
# lexicons and the parser


@lru_cache(maxsize=4)
def load_temporal(lexicon_dir: Path = LEXICON_DIR) -> dict:
    """The rules, rejections and cue words of ``temporal.yaml`` (regexes compiled)."""
    with open(lexicon_dir / TEMPORAL_FILE, encoding="utf-8") as f:
        lex = yaml.safe_load(f)
    for rule in lex["rules"] + lex["reject"]:
        rule["regex"] = re.compile(rule["pattern"])
    return lex


@lru_cache(maxsize=4)
def load_stages(lexicon_dir: Path = LEXICON_DIR) -> dict:
    """The campaign stages of ``stages.yaml``, each with its cues."""
    with open(lexicon_dir / STAGES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_events(lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """External events of ``events.csv``: ``event_id, pattern, label_en, start, end, province, source_note``.

    Empty ``start``/``end`` mean the date is not established: mentions stay unresolved.
    """
    ev = pd.read_csv(lexicon_dir / EVENTS_FILE, dtype=str, keep_default_na=False)
    missing = {"event_id", "pattern", "start", "end", "province", "source_note"} - set(ev.columns)
    if missing:
        raise ValueError(f"{EVENTS_FILE} lacks columns {sorted(missing)}")
    if (ev["source_note"].str.strip() == "").any():
        raise ValueError(f"{EVENTS_FILE}: every event needs a source note")
    return ev


@lru_cache(maxsize=1)
def _jionlp():
    """Import jionlp once, swallowing the banner it prints to stdout on import."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp
    return jionlp


def jionlp_times(text: str, base: date) -> list[dict]:
    """jionlp's time expressions in ``text`` against ``base``: ``surface, start_char, end_char, type, time``.

    ``type`` is jionlp's (``time_point``, ``time_span``, ``time_delta``, ``time_period``); ``time``
    its normalised value (a ``[start, end]`` pair of datetime strings, or a delta dict).
    """
    jio = _jionlp()
    stamp = datetime.combine(base, dtime()).timestamp()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        found = jio.ner.extract_time(text, time_base=stamp, with_parsing=True)
    return [{"surface": x["text"], "start_char": x["offset"][0], "end_char": x["offset"][1],
             "type": x["detail"]["type"], "time": x["detail"]["time"]} for x in found]


def numeral(text: str) -> int:
    """A Chinese or Arabic numeral as an int (``八`` -> 8, ``两`` -> 2), via cn2an."""
    import cn2an

    return int(cn2an.cn2an(text, "smart"))


def _add_years(d: date, n: int) -> date:
    """``d`` moved by ``n`` years (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


# --------------------------------------------------------------------------------------------
# expressions


def _meeting_bases(corpus: Corpus) -> dict[str, tuple[date | None, str]]:
    """``doc_id -> (meeting date or None, date_basis)`` from the metadata."""
    out = {}
    for doc in corpus.documents.to_dict("records"):
        raw = doc.get("meeting_date")
        try:
            base = date.fromisoformat(str(raw)) if isinstance(raw, str) and raw.strip() else None
        except ValueError:
            base = None
        out[doc["doc_id"]] = (base, str(doc.get("date_basis") or ""))
    return out


def resolve_rule(rule: dict, match: re.Match, base: date | None) -> tuple[str | None, str | None, str]:
    """``(start, end, note)`` for a rule match against the meeting date ``base`` (see temporal.yaml)."""
    how = rule["resolve"]
    if how == "year_of":
        y = int(match.group("year"))
        return f"{y}-01-01", f"{y}-12-31", ""
    if how == "recurrence":
        return None, None, "recurring; no date"
    if base is None:   # a year stated in the text still fixes one end
        if how == "stated_year_end":
            return None, f"{int(match.group('year'))}-12-31", "deadline stated; report has no meeting date"
        if how == "since_year":
            return f"{int(match.group('year'))}-01-01", None, "start stated; report has no meeting date"
        return None, None, "report has no meeting date"
    if how == "since_year":
        return f"{int(match.group('year'))}-01-01", base.isoformat(), ""
    if how == "years_ahead":
        n = numeral(match.group("n"))
        return base.isoformat(), _add_years(base, n).isoformat(), f"{n} years from the meeting"
    if how == "years_before":
        n = numeral(match.group("n"))
        return _add_years(base, -n).isoformat(), base.isoformat(), f"{n} years up to the meeting"
    if how == "open_future":
        return base.isoformat(), None, "open-ended: no end stated"
    if how == "year_end":
        return base.isoformat(), f"{base.year}-12-31", "end of the meeting's year"
    if how == "stated_year_end":
        return base.isoformat(), f"{int(match.group('year'))}-12-31", "end of the stated year"
    if how == "month_end":
        month = numeral(match.group("month"))
        year = base.year if month >= base.month else base.year + 1
        last = calendar.monthrange(year, month)[1]
        return base.isoformat(), f"{year}-{month:02d}-{last:02d}", "end of the month named"
    if how == "meeting_point":
        return base.isoformat(), base.isoformat(), ""
    raise ValueError(f"temporal.yaml: unknown resolve '{how}' in rule {rule['id']}")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _jionlp_reading(hit: dict) -> str:
    """jionlp's result as a short string for the ``jionlp`` column."""
    t = hit["time"]
    if isinstance(t, list):
        return f"{hit['type']} {t[0][:10]}..{t[1][:10]}"
    return f"{hit['type']} {t}"


def _from_jionlp(hit: dict) -> dict:
    """An expression row from a jionlp hit that no rule overrides."""
    t, kind, note = hit["time"], "point", ""
    start = end = None
    if hit["type"] in ("time_point", "time_span") and isinstance(t, list):
        start, end = t[0][:10], t[1][:10]
        kind = "point" if start == end or hit["type"] == "time_point" else "interval"
    elif hit["type"] == "time_delta":
        kind, note = "duration", f"jionlp delta {t}; no anchor in the text"
    else:
        kind, note = "recurrence", f"jionlp {hit['type']} {t}"
    return {"kind": kind, "start": start, "end": end, "note": note}


def _refers_to(row: dict, clause: str, base: date | None, lex: dict) -> str:
    """What a dated year/point refers to: meeting, target, achievement, past or present."""
    if row["start"] is None or base is None:
        return "unknown"
    start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"] or row["start"])
    if start <= base <= end and (end - start).days < 2:
        return "meeting" if re.search(r"\d|月", row["surface"]) else "present"
    if start > base or (end > base and any(c in clause for c in lex["refers_to"]["target"])):
        return "target"
    if end < base:
        return "achievement" if any(c in clause for c in lex["refers_to"]["achievement"]) else "past"
    return "present"


def clause_at(text: str, start: int, end: int) -> str:
    """The clause of ``text`` (between ，；：。！？) that holds the span ``start:end``."""
    left = max((m.end() for m in CLAUSE_RE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_RE.finditer(text, end)), len(text))
    return text[left:right]


#: Administrative suffixes of a province name (辽宁省 and 辽宁 are one province).
PROVINCE_SUFFIX_RE = re.compile(r"(省|市|(壮族|回族|维吾尔)?自治区|特别行政区)$")


def province_name(name: str | None) -> str:
    """A province as written without its suffix, for matching metadata to events.csv (辽宁省 -> 辽宁)."""
    return PROVINCE_SUFFIX_RE.sub("", (name or "").strip())


def sentence_expressions(text: str, base: date | None, province: str = "", lexicon_dir: Path = LEXICON_DIR,
                         include_rejected: bool = False) -> list[dict]:
    """Temporal expressions in one sentence, resolved against the meeting date ``base``.

    Order of precedence on overlapping spans: events of events.csv, then temporal.yaml rules, then
    jionlp. A jionlp hit covered by an event or rule is merged into that row (its reading kept in
    ``jionlp``); one that a ``reject`` entry rules out is returned only with ``include_rejected``.
    """
    lex = load_temporal(lexicon_dir)
    rows: list[dict] = []
    taken: list[tuple[int, int]] = []
    events = load_events(lexicon_dir)
    for ev in events.itertuples():
        if ev.province and province_name(ev.province) != province_name(province):
            continue
        for m in re.finditer(ev.pattern, text):
            span = (m.start(), m.end())
            if any(_overlaps(span, t) for t in taken):
                continue
            taken.append(span)
            resolved = bool(ev.start and ev.end)
            rows.append({"start_char": span[0], "end_char": span[1], "surface": m.group(0),
                         "kind": "interval" if ev.start != ev.end else "point",
                         "start": ev.start or None, "end": ev.end or None, "refers_to": "event",
                         "resolved": resolved, "source": f"event:{ev.event_id}", "event_id": ev.event_id,
                         "note": "" if resolved else "event date not established in events.csv"})
    for rule in lex["rules"]:
        for m in rule["regex"].finditer(text):
            span = (m.start(), m.end())
            if any(_overlaps(span, t) for t in taken):
                continue
            taken.append(span)
            start, end, note = resolve_rule(rule, m, base)
            rows.append({"start_char": span[0], "end_char": span[1], "surface": m.group(0),
                         "kind": rule["kind"], "start": start, "end": end, "refers_to": rule["refers_to"],
                         "resolved": start is not None and end is not None, "source": f"rule:{rule['id']}",
                         "event_id": "", "note": note})
    rejects = [(m.start(), m.end(), r) for r in lex["reject"] for m in r["regex"].finditer(text)]
    # without a meeting date, jionlp still finds the expressions (on a placeholder base); only those
    # that state a four-digit year keep their dates, the rest stay unresolved
    hits = jionlp_times(text, base if base is not None else NO_BASE)
    for hit in hits:
        span = (hit["start_char"], hit["end_char"])
        owner = next((r for r in rows if _overlaps(span, (r["start_char"], r["end_char"]))), None)
        if owner is not None:
            owner["jionlp"] = (owner.get("jionlp", "") + "; " if owner.get("jionlp") else "") + \
                f"{hit['surface']}: {_jionlp_reading(hit)}"
            continue
        rejected = next((r for s, e, r in rejects if s <= span[0] and span[1] <= e and hit["surface"] == r["target"]),
                        None)
        if rejected is not None:
            if include_rejected:
                rows.append({"start_char": span[0], "end_char": span[1], "surface": hit["surface"],
                             "kind": "rejected", "start": None, "end": None, "refers_to": "not_temporal",
                             "resolved": False, "source": f"reject:{rejected['id']}", "event_id": "",
                             "jionlp": _jionlp_reading(hit), "note": rejected["reason"]})
            continue
        row = {"start_char": span[0], "end_char": span[1], "surface": hit["surface"], "source": "jionlp",
               "event_id": "", "jionlp": _jionlp_reading(hit), **_from_jionlp(hit)}
        if base is None and not re.search(r"\d{4}", hit["surface"]):
            row.update(start=None, end=None, note="relative; report has no meeting date")
        row["refers_to"] = _refers_to(row, clause_at(text, *span), base, lex) if row["kind"] in ("point", "interval") \
            else ("present" if row["kind"] == "recurrence" else "unknown")
        row["resolved"] = row["start"] is not None and row["end"] is not None
        rows.append(row)
    for row in rows:
        row.setdefault("jionlp", "")
        if row["kind"] == "point" and row["refers_to"] == "target" and row["start"] and base is not None:
            row.update(kind="deadline", start=base.isoformat())   # a future year stated as a target
    return sorted(rows, key=lambda r: (r["start_char"], r["end_char"]))


def expressions(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR, include_rejected: bool = False) -> pd.DataFrame:
    """Every temporal expression in the corpus, one row each (columns :data:`EXPRESSION_COLUMNS`).

    ``kind``: point, interval, deadline, duration or recurrence; ``start``/``end``: ISO dates;
    ``refers_to``: meeting, target, achievement, past_start, past, present, event or unknown;
    ``resolved``: both dates known; ``source``: ``jionlp``, ``rule:<id>`` or ``event:<id>``;
    ``base_date``/``base_basis``: the meeting date used and how its year is known (metadata).
    Sorted by report (corpus order), sentence and position.
    """
    bases = _meeting_bases(corpus)
    provinces = dict(zip(corpus.documents["doc_id"], corpus.documents.get("province", pd.Series(dtype=str))))
    rows = []
    for r in corpus.sentences.itertuples():
        base, basis = bases.get(r.doc_id, (None, ""))
        prov = provinces.get(r.doc_id)
        for x in sentence_expressions(r.text, base, prov if isinstance(prov, str) else "", lexicon_dir,
                                      include_rejected):
            rows.append({"doc_id": r.doc_id, "sent_id": int(r.sent_id), **x,
                         "base_date": base.isoformat() if base else None, "base_basis": basis,
                         "sentence": r.text})
    out = pd.DataFrame(rows, columns=EXPRESSION_COLUMNS)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.sort_values(["doc_id", "sent_id", "start_char"], key=lambda s: s.map(order) if s.name == "doc_id" else s)
    return out.reset_index(drop=True).astype({"resolved": "bool"})


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


def stage_evidence(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Every stage cue found: ``doc_id, stage, where (meeting_name or sent_id), cue, text``."""
    lex = load_stages(lexicon_dir)
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


def meeting_stage(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The campaign stage of each meeting: ``doc_id, stage, evidence`` (+ ``label_en, name_cues,
    content_hits, score, all_stages``).

    Cues of stages.yaml are counted in the meeting name (``name_weight`` each) and in the body (1
    each). The stage is the best-ranked stage named in the meeting's name; if the name carries
    none, the stage with the highest score (ties: rank). ``evidence`` quotes the name cue or the
    first sentence that shows it; ``all_stages`` lists every stage found with its score. A report
    with no cue at all gets ``stage='unknown'``, never dropped.
    """
    lex = load_stages(lexicon_dir)
    ev = stage_evidence(corpus, lexicon_dir)
    info = {s["stage"]: s for s in lex["stages"]}
    rows = []
    for doc_id in corpus.doc_ids:
        e = ev[ev["doc_id"] == doc_id]
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


def dated_promises(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Every dated promise: ``doc_id, what, by_when, speaker, sentence`` (+ ``sent_id, surface, kind,
    resolved, role, attribution``).

    A promise is an expression that refers to a target (a future year, ``力争用三年时间``,
    ``今后一个时期``), or a future event (ending after the meeting) whose clause carries a target
    cue of temporal.yaml (``迎接党的二十大``, ``实现…三年行动首战告捷``). ``by_when`` is the end
    date, or ``open`` / ``unresolved`` when there is none. ``speaker`` comes from
    :func:`analysis.rhetoric.attribute_speakers`; ``narration`` when the report itself states it.
    """
    from .rhetoric import attribute_speakers

    lex = load_temporal(lexicon_dir)
    ex = expressions(corpus, lexicon_dir)
    spk = attribute_speakers(corpus).set_index(["doc_id", "sent_id"])
    rows = []
    for r in ex.itertuples():
        clause = clause_at(r.sentence, r.start_char, r.end_char)
        future_event = (r.refers_to == "event" and isinstance(r.end, str) and r.end > (r.base_date or "")
                        and any(c in clause for c in lex["refers_to"]["target"]))
        unresolved_event = (r.refers_to == "event" and not r.resolved
                            and any(c in clause for c in lex["refers_to"]["target"]))
        if not (r.refers_to == "target" or future_event or unresolved_event):
            continue
        others = [(s, e) for s, e in ex.loc[(ex["doc_id"] == r.doc_id) & (ex["sent_id"] == r.sent_id),
                                            ["start_char", "end_char"]].itertuples(index=False)]
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


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials (``(nan, nan)`` when ``n == 0``);
    see :func:`analysis.stats.wilson_interval`."""
    lo, hi = wilson_interval(k, n, level)
    return float(lo), float(hi)


def sentence_orientation(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Per sentence: ``doc_id, sent_id, past, present, future`` (booleans, multi-label) and ``cues``.

    Past: a past cue (a regex) of temporal.yaml or an expression ending before the meeting (achievement,
    past start, past). Future: a future cue or an expression referring to a target or a future
    event. Present: a present cue, an expression about the present, or (if the lexicon says so) a
    directive marker of :func:`analysis.rhetoric.directive_markers` — an instruction is a task now.
    """
    lex = load_temporal(lexicon_dir)["orientation"]
    ex = expressions(corpus, lexicon_dir)
    rx = {o: re.compile("|".join(lex[o])) for o in ORIENTATIONS}
    directive = set()
    if lex.get("present_from_directives"):
        from .rhetoric import directive_markers

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


def orientation(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR, level: float = 0.95) -> pd.DataFrame:
    """Temporal orientation per report: for past, present and future, the number of sentences,
    the denominator (all sentences of the report), the share and its Wilson interval.

    Long format: ``doc_id, label, orientation, n_sentences, n_total, share, ci_low, ci_high``;
    a sentence can count for several orientations, so shares do not add up to 1.
    """
    so = sentence_orientation(corpus, lexicon_dir)
    labels = corpus.labels
    rows = []
    for doc_id in corpus.doc_ids:
        g = so[so["doc_id"] == doc_id]
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


def timeline_points(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """What the swimlane figure draws: each meeting plus each resolved dated expression.

    ``doc_id, lane (city), label, admin_level, what (meeting, past_start, achievement, target,
    event, past), start, end, surface, sent_id``; the meeting row's ``surface`` is its stage.
    Present-tense and recurring expressions are left off the axis (they sit at the meeting).
    """
    mt = meetings(corpus)
    st = meeting_stage(corpus, lexicon_dir).set_index("doc_id")
    ex = expressions(corpus, lexicon_dir)
    rows = []
    for m in mt.itertuples():
        if m.meeting_date:
            rows.append({"doc_id": m.doc_id, "lane": m.city or m.label, "label": m.label,
                         "admin_level": m.admin_level, "what": "meeting", "start": m.meeting_date,
                         "end": m.meeting_date, "surface": st.at[m.doc_id, "stage"], "sent_id": -1})
    keep = ex[ex["resolved"] & ex["refers_to"].isin(["past_start", "achievement", "target", "event", "past"])]
    lanes = mt.set_index("doc_id")
    for x in keep.itertuples():
        rows.append({"doc_id": x.doc_id, "lane": lanes.at[x.doc_id, "city"] or lanes.at[x.doc_id, "label"],
                     "label": lanes.at[x.doc_id, "label"], "admin_level": lanes.at[x.doc_id, "admin_level"],
                     "what": x.refers_to, "start": x.start, "end": x.end, "surface": x.surface,
                     "sent_id": x.sent_id})
    return pd.DataFrame(rows, columns=["doc_id", "lane", "label", "admin_level", "what", "start", "end", "surface",
                                       "sent_id"])


def _year_float(iso: str) -> float:
    d = date.fromisoformat(iso)
    return d.year + (d.timetuple().tm_yday - 1) / (366 if d.year % 4 == 0 else 365)


#: Marker per kind of point on the axis.
MARKERS = {"meeting": "D", "past_start": "|", "achievement": "o", "past": "o", "target": ">", "event": "s"}


def plot_swimlanes(corpus: Corpus, points: pd.DataFrame | None = None, name: str | None = "04_timeline_swimlanes"):
    """One time axis (earliest date found to the latest target), one lane per city.

    Within a lane each report has a band: its meeting (a diamond labelled with its stage) on the
    top row, then one row per dated item it states (past starts, achievements, events, targets),
    drawn as a bar over its interval and labelled with its surface form. Reports of the same city
    share a lane, labelled with their admin level. Saved with
    :func:`~analysis.plotting.save_figure` as ``name`` (with the points drawn) unless ``name`` is None.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from .plotting import colors_for, save_figure

    pts = timeline_points(corpus) if points is None else points
    colors = colors_for(corpus.doc_ids)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    docs = sorted(pts["doc_id"].unique(), key=lambda d: order.get(d, len(order)))
    lanes = list(dict.fromkeys(pts.drop_duplicates("doc_id").set_index("doc_id").loc[docs, "lane"]))
    step = 0.32
    bands = []   # (doc_id, items) top to bottom
    for ln in lanes:
        for d in docs:
            g = pts[pts["doc_id"] == d]
            if g["lane"].iloc[0] == ln:
                items = g[g["what"] != "meeting"].drop_duplicates(["what", "start", "end", "surface"])
                bands.append((d, g[g["what"] == "meeting"], items.sort_values(["start", "end"]), ln))
    height = sum(1 + len(items) for _, _, items, _ in bands) * step + 0.6 * len(lanes)
    fig, ax = plt.subplots(figsize=(11, 1.2 + height * 0.62))
    y, yticks, ylabels, prev_lane = 0.0, [], [], None
    shared = pts.drop_duplicates("doc_id")["lane"].value_counts()
    for d, meeting, items, ln in bands:
        if prev_lane is not None and ln != prev_lane:
            ax.axhline(y + step * 0.3, color="grey", lw=0.6)
            y -= 0.6
        prev_lane = ln
        c = colors[d]
        row = pts[pts["doc_id"] == d].iloc[0]
        yticks.append(y)
        ylabels.append(row["label"] + (f"\n({row['admin_level']})" if shared[ln] > 1 else ""))
        for m in meeting.itertuples():
            x = _year_float(m.start)
            ax.plot(x, y, "D", color=c, mec="black", ms=9, zorder=3)
            ax.annotate(str(m.surface).replace("_", " "), (x, y), xytext=(8, -3), textcoords="offset points",
                        fontsize=7, fontstyle="italic")
        for p in items.itertuples():
            y -= step
            x0, x1 = _year_float(p.start), _year_float(p.end) + 1 / 365
            ax.plot([x0, x1], [y, y], color=c, lw=4, alpha=0.45 if p.what == "event" else 0.85,
                    solid_capstyle="butt")
            xm = x1 if p.what == "target" else x0
            ax.plot(xm, y, MARKERS.get(p.what, "o"), color=c, ms=10 if p.what == "past_start" else 6, mew=2,
                    zorder=3)
            text = p.surface if len(p.surface) <= 12 else p.surface[:11] + "…"
            ax.annotate(text, (x1, y), xytext=(5, -3), textcoords="offset points", fontsize=6.5)
        y -= step
    ax.set_yticks(yticks, ylabels, fontsize=8)
    ax.set_ylim(y, step * 1.5)
    ax.set_xlabel("Year")
    ax.set_title("Campaign timelines: each meeting and the past starts, achievements, events and targets it states")
    handles = [Line2D([], [], marker=MARKERS[k], ls="", color="grey", mec="black" if k == "meeting" else "grey",
                      label=k.replace("_", " ")) for k in ["meeting", "past_start", "achievement", "event", "target"]]
    ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False, ncols=5,
              bbox_to_anchor=(0, -0.1 - 0.5 / max(height, 1)))
    lo = int(np.floor(min(_year_float(s) for s in pts["start"])))
    hi = int(np.ceil(max(_year_float(s) for s in pts["end"]))) + 1
    ax.set_xlim(lo - 0.3, hi)
    ax.set_xticks(range(lo, hi + 1))
    ax.tick_params(axis="x", labelsize=8, rotation=45)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    if name:
        save_figure(fig, name, data=pts.reset_index(drop=True))
    return fig


def plot_orientation(corpus: Corpus, table: pd.DataFrame | None = None, name: str | None = "04_orientation"):
    """Share of sentences about the past, present and future per report, with Wilson intervals
    (saved as ``name`` with the table drawn, unless ``name`` is None)."""
    import matplotlib.pyplot as plt

    from .plotting import colors_for, save_figure

    t = orientation(corpus) if table is None else table
    colors = colors_for(corpus.doc_ids)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    width = 0.8 / max(1, len(corpus.doc_ids))
    for i, doc_id in enumerate(corpus.doc_ids):
        label = corpus.labels[doc_id]
        g = t[t["doc_id"] == doc_id].set_index("orientation").loc[ORIENTATIONS]
        x = np.arange(len(ORIENTATIONS)) + (i - (len(corpus.doc_ids) - 1) / 2) * width
        ax.bar(x, g["share"], width, color=colors[doc_id], label=f"{label} (n={int(g['n_total'].iloc[0])})")
        ax.errorbar(x, g["share"], yerr=[g["share"] - g["ci_low"], g["ci_high"] - g["share"]], fmt="none",
                    ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_xticks(range(len(ORIENTATIONS)), ["past (achievements)", "present (tasks now)", "future (targets)"])
    ax.set_ylabel("Share of the report's sentences")
    ax.set_xlabel("Temporal orientation (a sentence can have several)")
    ax.set_ylim(0, 1)
    ax.set_title("Temporal orientation of each speech, with 95% Wilson intervals")
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    fig.tight_layout()
    if name:
        save_figure(fig, name, data=t.reset_index(drop=True))
    return fig
