"""Temporal expressions: every one in the corpus, resolved against each report's meeting date.

The parser is jionlp's time extractor (``jionlp.ner.extract_time``), run on each sentence with the
report's own meeting date (``meeting_date``, with ``date_basis`` saying how its year is known) as
the time base, so ``今年`` or a bare ``10月24日`` resolve against the right year. Where jionlp is
wrong on these texts the rules of ``data/lexicon/temporal.yaml`` take over (``力争用三年时间``,
``持续八年``, ``自2007年…以来``, ``今后一个时期``; ``三年行动`` is a plan, not a duration); jionlp's own
reading is kept next to the rule's. Named events (``党的二十大``, a province's ``三年行动``) come from
``data/lexicon/events.csv``, each with a source note.

Nothing is dropped: an expression that cannot be dated is kept with ``resolved=False``. Dates are
ISO strings (``YYYY-MM-DD``); a year is the interval 1 January to 31 December. The table is
computed once per corpus (:func:`expressions` is memoised); jionlp runs once per distinct
sentence and time base.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon, read_yaml
from analysis.loading.memo import memoised
from analysis.measures import jionlp_store
from analysis.measures.text import numeral

TEMPORAL_FILE = "temporal.yaml"


EVENTS_FILE = "events.csv"


#: Columns of :func:`expressions`, in order.
EXPRESSION_COLUMNS = ["doc_id", "sent_id", "part", "start_char", "end_char", "surface", "kind", "start", "end",
                      "period", "refers_to", "resolved", "source", "event_id", "jionlp", "base_date", "base_basis",
                      "published", "note", "sentence"]

#: ``sent_id`` of the headline and of the publication-date row (body sentences count from 0).
TITLE_SENT_ID = -1
BYLINE_SENT_ID = -2


#: Placeholder time base for jionlp when a report has no meeting date (its relative results are discarded).
NO_BASE = date(2000, 1, 1)


#: An ISO date as jionlp writes one (it writes an open end as "inf").
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Clause boundaries used to cut the "what" of a promise out of its sentence.
CLAUSE_RE = re.compile(r"[，；：。！？,;:]")


def load_temporal(lexicon: Lexicon | None = None) -> dict:
    """The rules, rejections and cue words of ``temporal.yaml`` (regexes compiled; re-read when the
    file changes)."""
    lex = as_lexicon(lexicon)
    return _compiled_temporal(lex.path(TEMPORAL_FILE), lex.stamp((TEMPORAL_FILE,)))


@lru_cache(maxsize=8)
def _compiled_temporal(path, stamp) -> dict:
    import copy

    lex = copy.deepcopy(read_yaml(path))
    for rule in lex["rules"] + lex["reject"]:
        rule["regex"] = re.compile(rule["pattern"])
    idioms = [i["idiom"] for i in lex.get("idioms", [])]
    lex["idiom_regex"] = re.compile("|".join(map(re.escape, sorted(idioms, key=len, reverse=True)))) if idioms else None
    return lex


def load_events(lexicon: Lexicon | None = None) -> pd.DataFrame:
    """External events of ``events.csv``: ``event_id, pattern, label_en, start, end, province, source_note``.

    Empty ``start``/``end`` mean the date is not established: mentions stay unresolved.
    """
    ev = pd.read_csv(as_lexicon(lexicon).path(EVENTS_FILE), dtype=str, keep_default_na=False)
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


@lru_cache(maxsize=200_000)
def _jionlp_cached(text: str, base: date) -> tuple[dict, ...]:
    jio = _jionlp()
    stamp = datetime.combine(base, dtime()).timestamp()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        found = jio.ner.extract_time(text, time_base=stamp, with_parsing=True)
    return tuple({"surface": x["text"], "start_char": x["offset"][0], "end_char": x["offset"][1],
                  "type": x["detail"]["type"], "time": x["detail"]["time"]} for x in found)


def jionlp_times(text: str, base: date) -> list[dict]:
    """jionlp's time expressions in ``text`` against ``base``: ``surface, start_char, end_char, type, time``.

    ``type`` is jionlp's (``time_point``, ``time_span``, ``time_delta``, ``time_period``); ``time``
    its normalised value (a ``[start, end]`` pair of datetime strings, or a delta dict).
    """
    import copy

    store = jionlp_store.active()   # the corpus's persistent cache, while its expressions are computed
    found = store.get(text, base) if store is not None else None
    if found is None:
        found = _jionlp_cached(text, base)
        if store is not None:
            store.put(text, base, found)
    return copy.deepcopy(list(found))


def date_bounds(value: str) -> tuple[str, str]:
    """First and last day of a date known to the day, the month or the year (``2008-04`` ->
    ``2008-04-01``, ``2008-04-30``); a full ISO date is both."""
    value = str(value).strip()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01", f"{value}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        y, m = map(int, value.split("-"))
        return f"{value}-01", f"{value}-{calendar.monthrange(y, m)[1]:02d}"
    return value, value


def _add_years(d: date, n: int) -> date:
    """``d`` moved by ``n`` years (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def _parse_day(raw) -> date | None:
    """A date known to the day, or None (empty, partial or malformed)."""
    try:
        return date.fromisoformat(str(raw).strip()) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        return None


def _meeting_bases(corpus: Corpus) -> dict[str, dict]:
    """``doc_id -> {base, bounds, basis, published}`` from the documents table.

    ``base``: the meeting day (None unless known to the day); ``bounds``: first and last day of a
    meeting known only to the month or year (:func:`date_bounds`), else None; ``published``: the
    publication date (documents.publication_date: byline, stamp or metadata) or None.
    """
    out = {}
    for doc in corpus.documents.to_dict("records"):
        raw = doc.get("meeting_date")
        base = _parse_day(raw)
        bounds = None
        if base is None and isinstance(raw, str) and re.fullmatch(r"\d{4}(?:-\d{2})?", raw.strip()):
            lo, hi = date_bounds(raw)
            bounds = (date.fromisoformat(lo), date.fromisoformat(hi))
        out[doc["doc_id"]] = {"base": base, "bounds": bounds, "basis": str(doc.get("date_basis") or ""),
                              "raw": str(raw or "") if isinstance(raw, str) else "",
                              "published": _parse_day(doc.get("publication_date"))}
    return out


def resolve_rule(rule: dict, match: re.Match, base: date | None,
                 published: date | None = None) -> tuple[str | None, str | None, str]:
    """``(start, end, note)`` for a rule match against the meeting date ``base`` and the
    publication date ``published`` (see temporal.yaml)."""
    how = rule["resolve"]
    if how == "year_of":
        y = int(match.group("year"))
        return f"{y}-01-01", f"{y}-12-31", ""
    if how == "recurrence":
        return None, None, f"recurring, period {rule.get('period', 'not stated')}; no date"
    if how == "unresolvable":
        return None, None, "temporal, but the text fixes no date"
    if how == "ordinal_event":
        return None, None, "event named by ordinal; not dated in events.csv"
    if how == "on_schedule":
        return None, None, "如期: no dated target of the report to tie to"
    if how == "publication_offset":
        if published is None:
            return None, None, "relative to the publication date, which is not known"
        day = (published + timedelta(days=int(rule.get("days", 0)))).isoformat()
        return day, day, f"publication date {published.isoformat()} {int(rule.get('days', 0)):+d} day(s)"
    if how == "publication_recent":
        if published is None:
            return None, None, "shortly before the publication date, which is not known"
        return None, published.isoformat(), "open start: shortly before the publication date"
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
    if how == "open_past":
        return None, base.isoformat(), "open-ended: no start stated"
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
        return f"{hit['type']} {str(t[0])[:10]}..{str(t[1])[:10]}"
    return f"{hit['type']} {t}"


def _from_jionlp(hit: dict) -> dict:
    """An expression row from a jionlp hit that no rule overrides."""
    t, kind, note = hit["time"], "point", ""
    start = end = None
    if hit["type"] in ("time_point", "time_span") and isinstance(t, list):
        start, end = str(t[0])[:10], str(t[1])[:10]
        kind = "point" if start == end or hit["type"] == "time_point" else "interval"
        # jionlp writes an open end as "inf" / "-inf" (``2020年以来`` against a base before it): kept open
        if not ISO_DATE_RE.match(start) or not ISO_DATE_RE.match(end):
            note = f"jionlp {t[0]}..{t[1]}: open-ended"
            start, end, kind = (start if ISO_DATE_RE.match(start) else None), (end if ISO_DATE_RE.match(end) else None), "interval"
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


#: The lexicon file with the administrative suffixes of province names.
PLACES_FILE = "places.yaml"


@lru_cache(maxsize=8)
def _suffix_re(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def province_name(name: str | None, lexicon: Lexicon | None = None) -> str:
    """A province as written without its suffix (places.yaml ``province_suffix``), for matching
    metadata to events.csv (辽宁省 -> 辽宁)."""
    pattern = as_lexicon(lexicon).yaml(PLACES_FILE)["province_suffix"]["pattern"]
    return _suffix_re(pattern).sub("", (name or "").strip())


def _events_with_provinces(lex: Lexicon) -> tuple:
    """The rows of :func:`load_events` with each event's :func:`province_name`, read once per
    version of events.csv and places.yaml (not once per sentence)."""
    return _event_rows(lex, lex.stamp((EVENTS_FILE, PLACES_FILE)))


@lru_cache(maxsize=8)
def _event_rows(lex: Lexicon, stamp: tuple) -> tuple:
    return tuple((ev, province_name(ev.province, lex)) for ev in load_events(lex).itertuples())


def sentence_expressions(text: str, base: date | None, province: str = "", lexicon: Lexicon | None = None,
                         include_rejected: bool = False, published: date | None = None) -> list[dict]:
    """Temporal expressions in one sentence, resolved against the meeting date ``base`` (news words
    such as 昨天, 日前 against the publication date ``published``).

    Order of precedence on overlapping spans: idioms of temporal.yaml (not time; kept as
    ``rejected``), events of events.csv, then temporal.yaml rules, then jionlp. A jionlp hit covered
    by an event or rule is merged into that row (its reading kept in ``jionlp``); one that a
    ``reject`` entry or an idiom rules out is returned only with ``include_rejected``.
    """
    lex = load_temporal(lexicon)
    rows: list[dict] = []
    taken: list[tuple[int, int]] = []
    idiom_spans = [(m.start(), m.end(), m.group(0)) for m in lex["idiom_regex"].finditer(text)] \
        if lex.get("idiom_regex") is not None else []
    for s, e, idiom in idiom_spans:
        taken.append((s, e))
        if include_rejected:
            rows.append({"start_char": s, "end_char": e, "surface": idiom, "kind": "rejected", "start": None,
                         "end": None, "refers_to": "not_temporal", "resolved": False, "source": "reject:idiom",
                         "event_id": "", "note": "idiom, not a time expression"})
    own_province = province_name(province, lexicon)
    for ev, ev_province in _events_with_provinces(as_lexicon(lexicon)):
        if ev.province and ev_province != own_province:
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
            start, end, note = resolve_rule(rule, m, base, published)
            rows.append({"start_char": span[0], "end_char": span[1], "surface": m.group(0),
                         "kind": rule["kind"], "start": start, "end": end, "refers_to": rule["refers_to"],
                         "period": rule.get("period"),
                         "resolved": start is not None and end is not None, "source": f"rule:{rule['id']}",
                         "event_id": "", "note": note})
    rejects = [(m.start(), m.end(), r) for r in lex["reject"] for m in r["regex"].finditer(text)]
    # without a meeting date, jionlp still finds the expressions (on a placeholder base); only those
    # that state a four-digit year keep their dates, the rest stay unresolved
    hits = jionlp_times(text, base if base is not None else NO_BASE)
    for hit in hits:
        span = (hit["start_char"], hit["end_char"])
        if any(_overlaps(span, (s, e)) for s, e, _ in idiom_spans):
            continue
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
               "event_id": "", "jionlp": _jionlp_reading(hit), "period": _jionlp_period(hit), **_from_jionlp(hit)}
        if base is None and not re.search(r"\d{4}", hit["surface"]):
            row.update(start=None, end=None, note="relative; report has no meeting date")
        row["refers_to"] = _refers_to(row, clause_at(text, *span), base, lex) if row["kind"] in ("point", "interval") \
            else ("present" if row["kind"] == "recurrence" else "unknown")
        row["resolved"] = row["start"] is not None and row["end"] is not None
        rows.append(row)
    for row in rows:
        row.setdefault("jionlp", "")
        row.setdefault("period", None)
        if published is not None and row["source"] == "jionlp" and row["start"] == row["end"] == published.isoformat() \
                and (base is None or row["start"] != base.isoformat()) and re.search(r"[日号]|\d-\d", row["surface"]):
            row.update(refers_to="publication", kind="point", note="dateline: the publication date")
        if row["kind"] == "point" and row["refers_to"] == "target" and row["start"] and base is not None:
            row.update(kind="deadline", start=base.isoformat())   # a future year stated as a target
        if row["source"] in ("rule:yesterday", "rule:day_before_yesterday", "rule:today") and base is not None \
                and row["start"] == base.isoformat():
            row["refers_to"] = "meeting"   # 昨天上午，我市召开…: the day the report's meeting met
    return sorted(rows, key=lambda r: (r["start_char"], r["end_char"]))


def _jionlp_period(hit: dict) -> str | None:
    """The period of a jionlp ``time_period`` hit as ISO 8601 (``{'delta': {'day': 7}}`` -> ``P7D``)."""
    t = hit.get("time")
    if hit.get("type") != "time_period" or not isinstance(t, dict) or not isinstance(t.get("delta"), dict):
        return None
    units = {"year": "Y", "month": "M", "day": "D"}
    parts = [f"{int(v)}{units[k]}" for k, v in t["delta"].items() if k in units and v]
    return "P" + "".join(parts) if parts else None


def expressions(corpus: Corpus, include_rejected: bool = False) -> pd.DataFrame:
    """Every temporal expression in the corpus (see :func:`all_expressions`), without the jionlp
    hits that a ``reject`` entry of temporal.yaml rules out unless ``include_rejected``."""
    table = all_expressions(corpus)
    if include_rejected:
        return table
    return table[table["kind"] != "rejected"].reset_index(drop=True)


def _merge_readings(lo_rows: list[dict], hi_rows: list[dict], known: str) -> list[dict]:
    """Join the readings of one sentence against the first and the last day of a meeting known
    only to the month or year: earliest start, latest end (a date that does not depend on the
    base reads the same both times)."""
    out = []
    for a, b in zip(lo_rows, hi_rows):
        row = dict(a)
        if (a["start"], a["end"]) != (b["start"], b["end"]):
            starts = [x for x in (a["start"], b["start"]) if x]
            ends = [x for x in (a["end"], b["end"]) if x]
            row["start"] = min(starts) if len(starts) == 2 else None
            row["end"] = max(ends) if len(ends) == 2 else None
            row["resolved"] = row["start"] is not None and row["end"] is not None
            row["note"] = "; ".join(x for x in (a.get("note"), f"meeting known only to {known}: "
                                    "readings against its first and last day joined") if x)
            if row["refers_to"] == "meeting" and row["start"] != row["end"]:
                row["kind"] = "interval"
        out.append(row)
    return out


def _expressions_in(text: str, info: dict, province: str, lexicon) -> list[dict]:
    """:func:`sentence_expressions` for one text of a report, against its meeting day, or against
    both ends of a meeting known only to the month or year."""
    if info["base"] is None and info["bounds"] is not None:
        lo = sentence_expressions(text, info["bounds"][0], province, lexicon, include_rejected=True,
                                  published=info["published"])
        hi = sentence_expressions(text, info["bounds"][1], province, lexicon, include_rejected=True,
                                  published=info["published"])
        if [(r["start_char"], r["end_char"]) for r in lo] == [(r["start_char"], r["end_char"]) for r in hi]:
            return _merge_readings(lo, hi, info["raw"])
        return lo
    return sentence_expressions(text, info["base"], province, lexicon, include_rejected=True,
                                published=info["published"])


def _tie_on_schedule(out: pd.DataFrame) -> pd.DataFrame:
    """``如期`` takes the dates of the report's resolved target nearest to it (by sentence; ties:
    the earlier), noted as ``ties to 「…」 (sentence n)``."""
    rows = out.index[out["source"] == "rule:on_schedule"]
    if not len(rows):
        return out
    # the candidate targets of every report, split once (not a filter of the whole table per 如期)
    targets = out[(out["refers_to"] == "target") & out["resolved"].astype(bool) & (out["source"] != "rule:on_schedule")]
    by_doc = dict(tuple(targets.groupby("doc_id", sort=False)))
    changed, dates, notes = [], [], []
    for i in rows:
        doc, sent = out.at[i, "doc_id"], out.at[i, "sent_id"]
        cand = by_doc.get(doc)
        if cand is None or cand.empty:
            continue
        j = (cand["sent_id"] - sent).abs().sort_values(kind="mergesort").index[0]
        where = "the headline" if cand.at[j, "sent_id"] == TITLE_SENT_ID else f"sentence {cand.at[j, 'sent_id']}"
        changed.append(i)
        dates.append((cand.at[j, "start"], cand.at[j, "end"]))
        notes.append(f"如期 ties to 「{cand.at[j, 'surface']}」 ({where})")
    if changed:   # written at once, not one indexed assignment per 如期
        out.loc[changed, "start"] = [a for a, _ in dates]
        out.loc[changed, "end"] = [b for _, b in dates]
        out.loc[changed, "resolved"] = True
        out.loc[changed, "note"] = notes
    return out


@memoised(TEMPORAL_FILE, EVENTS_FILE, PLACES_FILE)
def all_expressions(corpus: Corpus) -> pd.DataFrame:
    """Every temporal expression in the corpus, one row each (columns :data:`EXPRESSION_COLUMNS`).

    Read: the headline (``part='title'``, ``sent_id`` -1), every body sentence (``part='body'``)
    and the publication date itself (``part='byline'``, ``sent_id`` -2, ``refers_to='publication'``).
    ``kind``: point, interval, deadline, duration or recurrence (``period`` ISO 8601 where known);
    ``start``/``end``: ISO dates (one of them empty for an open interval); ``refers_to``: meeting,
    publication, target, achievement, past_start, past, present, after_meeting, event or unknown;
    ``resolved``: both dates known; ``source``: ``jionlp``, ``rule:<id>``, ``event:<id>`` or
    ``publication_date``; ``base_date``/``base_basis``: the meeting date used (as known: a day, a
    month or a year) and how it is known; ``published``: the publication date used for 昨天/日前.
    Sorted by report (corpus order), sentence and position.
    """
    bases = _meeting_bases(corpus)
    provinces = dict(zip(corpus.documents["doc_id"], corpus.documents.get("province", pd.Series(dtype=str))))
    titles = dict(zip(corpus.documents["doc_id"], corpus.documents.get("title", pd.Series(dtype=str))))
    rows = []
    # a sentence read against the same dates and province gives the same rows: read each distinct
    # one once (a corpus repeats its formulas, and reposts repeat whole reports); the rows are
    # copied into the table, never changed in place
    readings: dict[tuple, list[dict]] = {}

    def add(doc_id, sent_id, part, text, info):
        prov = provinces.get(doc_id)
        prov = prov if isinstance(prov, str) else ""
        key = (text, info["base"], info["bounds"], info["raw"], info["published"], prov)
        found = readings.get(key)
        if found is None:
            found = readings[key] = _expressions_in(text, info, prov, corpus.lexicon)
        for x in found:
            rows.append({"doc_id": doc_id, "sent_id": sent_id, "part": part, **x,
                         "base_date": info["raw"] or None, "base_basis": info["basis"],
                         "published": info["published"].isoformat() if info["published"] else None,
                         "sentence": text})

    with jionlp_store.session(getattr(corpus, "root", None)):   # jionlp's results, cached by content on disk
        empty = {"base": None, "bounds": None, "basis": "", "raw": "", "published": None}
        for doc_id in corpus.doc_ids:
            info = bases.get(doc_id, empty)
            if info["published"] is not None:
                day = info["published"].isoformat()
                rows.append({"doc_id": doc_id, "sent_id": BYLINE_SENT_ID, "part": "byline", "start_char": 0,
                             "end_char": len(day), "surface": day, "kind": "point", "start": day, "end": day,
                             "period": None, "refers_to": "publication", "resolved": True, "source": "publication_date",
                             "event_id": "", "jionlp": "", "base_date": info["raw"] or None, "base_basis": info["basis"],
                             "published": day, "note": "the publication date (documents.publication_date)",
                             "sentence": day})
            title = titles.get(doc_id)
            if isinstance(title, str) and title.strip():
                add(doc_id, TITLE_SENT_ID, "title", title, info)
        for r in corpus.sentences.itertuples():
            add(r.doc_id, int(r.sent_id), "body", r.text, bases.get(r.doc_id, empty))
    out = pd.DataFrame(rows, columns=EXPRESSION_COLUMNS)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.sort_values(["doc_id", "sent_id", "start_char"], key=lambda s: s.map(order) if s.name == "doc_id" else s,
                          kind="mergesort")
    out = out.reset_index(drop=True).astype({"resolved": "bool", "published": object, "period": object})
    for c in ("published", "period"):
        out[c] = out[c].where(out[c].notna(), None)
    return _tie_on_schedule(out)
