"""Metadata inferred from a report's text, with its evidence (issue 12).

A researcher with hundreds of scraped reports cannot type a metadata row for each. This module
reads what a row of ``metadata.csv`` holds — the meeting's date, the place and level of the body
that held it, who spoke and who chaired, the campaigns, the reporters and the outlet — from the
cleaned report, and says for each field what it rests on::

    res = clean_text(raw, file)
    meta = infer_metadata(res.title, res.text, res.audit.to_dict(), source_row)
    meta["meeting_date"]  # {'value': '2015-04-24', 'basis': 'inferred', 'evidence': '…', 'rule': '…'}

Every field is a dict ``{value, basis, evidence, rule}``: ``basis`` says where the value comes
from (for dates: ``stated``, ``dateline``, ``relative``, ``inferred``, ``source``, ``unknown``; for
other fields ``text``, ``gazetteer``, ``source`` or ``unknown``), ``evidence`` quotes the words it
was read from (and the reasoning, for inferred years), ``rule`` names the lexicon entry used.
What cannot be read stays ``None`` with basis ``unknown``: nothing is guessed.

All patterns and word lists live in ``data/lexicon/`` (``dates.yaml``, ``people.yaml``,
``places.yaml``, ``campaigns.yaml``, each entry with a note); the gazetteer is jionlp's
(``jionlp.china_location_loader``). Input may still hold furniture that cleaning missed
(datelines, bylines, stamps at the start of the body): the readers expect it.

Imports only from the loading layer (``analysis.config``, ``analysis.clean``) so that the module
can move to ``analysis.loading.infer``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from analysis.loading.clean import HAN
from analysis.loading.config import LEXICON_DIR
from analysis.loading.lexicon import as_lexicon

LEXICON_FILES = ("dates.yaml", "people.yaml", "places.yaml", "campaigns.yaml")

#: Fields returned by :func:`infer_metadata`, in metadata.csv's order where they exist there.
FIELDS = (
    "province",
    "city",
    "county",
    "province_source",
    "issuing_unit",
    "admin_level",
    "meeting_date",
    "publication_date",
    "meeting_name",
    "campaigns",
    "main_speaker",
    "main_speaker_title",
    "chair",
    "chair_title",
    "other_speakers",
    "source_outlet",
    "author",
    "officials",
)

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SENT_END = "。！？"


def field(value=None, basis: str = "unknown", evidence: str = "", rule: str = "") -> dict:
    """One inferred field."""
    return {
        "value": value,
        "basis": basis if value not in (None, "", []) else "unknown",
        "evidence": evidence,
        "rule": rule,
    }


# --------------------------------------------------------------------------------------------
# lexicon and gazetteer


def load_lexicon(lexicon_dir=LEXICON_DIR) -> dict:
    """The four inference files of ``lexicon_dir`` (through the one lexicon reader: re-read when one
    of them changes)."""
    lex = as_lexicon(lexicon_dir)
    return {name.split(".")[0]: lex.yaml(name) for name in LEXICON_FILES}


def _short(name: str) -> str:
    """A place name without its suffix where it stands alone (荥阳市 -> 荥阳, 市中区 -> 市中)."""
    for suf in (
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
        "盟",
        "地区",
        "县",
        "区",
        "旗",
    ):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


#: Short name of each province and prefecture, from jionlp (楚雄彝族自治州 -> 楚雄).
_ALIASES: dict[str, str] = {}
#: jionlp's pseudo-prefectures for county-level units directly under a province (琼海, 济源).
PSEUDO_CITIES = ("省直辖县级行政区划", "省直辖行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位")


def _alias(name: str) -> str:
    gazetteer()
    return _ALIASES.get(name) or _short(name)


@lru_cache(maxsize=1)
def gazetteer() -> dict:
    """jionlp's administrative divisions as ``{name: [node, ...]}``.

    A node is a dict with ``level`` (province, city, county, town), ``kind`` (for counties:
    district, county, county-level city; for towns: street, township), the chain ``province``,
    ``city``, ``county``, ``town`` (full names) and ``alias`` (whether the key is an alias).
    Full names are keys for every level; aliases (萍乡, 荥阳) for provinces, cities and counties.
    """
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp

    loc = jionlp.china_location_loader(detail=True)
    index: dict[str, list[dict]] = {}

    def add(key, node):
        if key and len(key) >= 2:
            index.setdefault(key, []).append(node)

    for prov, pv in loc.items():
        pnode = {"level": "province", "kind": "province", "province": prov, "city": None, "county": None, "town": None}
        _ALIASES[prov] = pv["_alias"]
        add(prov, pnode)
        add(pv["_alias"], {**pnode, "alias": True})
        for city, cv in pv.items():
            if city.startswith("_"):
                continue
            cnode = {
                "level": "city",
                "kind": "prefecture-level city",
                "province": prov,
                "city": city,
                "county": None,
                "town": None,
            }
            _ALIASES[city] = cv["_alias"][0]
            if city != prov:
                add(city, cnode)
                for a in cv["_alias"]:
                    if a != city:
                        add(a, {**cnode, "alias": True})
            for county, kv in cv.items():
                if county.startswith("_"):
                    continue
                kind = (
                    "district" if county.endswith("区") else "county-level city" if county.endswith("市") else "county"
                )
                knode = {
                    "level": "county",
                    "kind": kind,
                    "province": prov,
                    "city": city,
                    "county": county,
                    "town": None,
                }
                add(county, knode)
                if kv["_alias"] != county:
                    add(kv["_alias"], {**knode, "alias": True})
                for town in kv:
                    if town.startswith("_") or len(town) < 3:
                        continue
                    tkind = "street" if town.endswith(("街道", "街道办事处")) else "township"
                    add(
                        town,
                        {
                            "level": "town",
                            "kind": tkind,
                            "province": prov,
                            "city": city,
                            "county": county,
                            "town": town,
                        },
                    )
    return index


def _gazetteer_matches(
    text: str, stop: frozenset, street_after: str | None = None
) -> list[tuple[int, str, list[dict]]]:
    """Longest-first scan of ``text`` for gazetteer names: ``(offset, name, nodes)``.

    A name in ``stop`` is skipped, and so is one followed by ``street_after`` (北京路, 人民广场):
    part of a street or landmark name, not the unit."""
    index = gazetteer()
    street = re.compile(street_after) if street_after else None
    out, i, n = [], 0, len(text)
    while i < n:
        for length in range(min(12, n - i), 1, -1):
            key = text[i : i + length]
            nodes = index.get(key)
            if nodes:
                if key not in stop and not (street and street.match(text, i + length)):
                    out.append((i, key, nodes))
                    i += length
                    break
        else:
            i += 1
    return out


# --------------------------------------------------------------------------------------------
# text helpers


def _norm(s: str) -> str:
    """ASCII punctuation to full-width, keeping ``12:45`` and ``1,000``."""
    s = s.replace("(", "（").replace(")", "）").replace(";", "；")
    s = re.sub(r"(?<!\d):(?!//)|(?<=\d):(?!\d)", "：", s)
    s = re.sub(r"(?<!\d),|,(?!\d)", "，", s)
    # sentence ends after Han text (archive copies and some outlets): 会议召开.市长… ; not 3.5 or www.x.cn
    s = re.sub(rf"(?<=[{HAN}”’）」])\.(?=[{HAN}“‘（「\s]|$)", "。", s)
    s = re.sub(rf"(?<=[{HAN}”’）」])!", "！", s)
    s = re.sub(rf"(?<=[{HAN}”’）」])\?(?=[{HAN}“‘（「\s]|$)", "？", s)
    return s


def _cn_number(s: str) -> int | None:
    """一 … 九十九 or Arabic digits."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGITS and c != "十" for c in s):
        return None
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s)


def _date(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])|\n", text) if s.strip()]


def _md_split(md: str) -> tuple[int, int] | None:
    """A month/day run that lost its 月 and 日 (221 -> 2, 21), when exactly one split is valid."""
    valid = set()
    for cut in (1, 2):
        m, d = md[:cut], md[cut:]
        if 1 <= len(d) <= 2 and not m.startswith("0") and not d.startswith("0") and _date(2000, m, d):
            valid.add((int(m), int(d)))
    return valid.pop() if len(valid) == 1 else None


# --------------------------------------------------------------------------------------------
# dates


def _stamps(lines: list[tuple[str, str]], lex: dict) -> list[dict]:
    """Publication stamps in furniture and stamp-like body lines, in order: ``{date, text, where}``."""
    labels = re.compile(lex["dates"]["stamp_labels"])
    out = []
    for where, line in lines:
        for rule in lex["dates"]["stamps"]:
            for m in re.finditer(rule["pattern"], line):
                date = _date(m["y"], m["m"], m["d"])
                if not date or not (1990 <= date.year <= 2035):
                    continue
                is_furniture = where != "body"
                # a full date that opens a sentence of the lead (2023年5月18日上午，…召开) dates the meeting
                opens_lead = where == "body" and re.match(
                    r"\s*(?:上午|下午|晚上|早上|晚|，[^。]{0,40}?(?:召开|举行|会议|大会))", line[m.end() :]
                )
                has_time = bool(m.groupdict().get("H"))
                labelled = bool(labels.search(line[max(0, m.start() - 12) : m.start()]))
                no_sentence = not any(c in line for c in _SENT_END)
                # a date standing alone in brackets: （2023-05-19） closing a paragraph
                bracketed = line[max(0, m.start() - 1) : m.start()] in ("（", "【", "[") and line[
                    m.end() : m.end() + 1
                ] in ("）", "】", "]")
                if is_furniture or has_time or labelled or bracketed or (no_sentence and not opens_lead):
                    out.append(
                        {"date": date, "text": m.group(0), "where": where, "span": (m.start(), m.end()), "line": line}
                    )
    return out


def _url_date(url: str, lex: dict) -> tuple[dt.date | None, str, str]:
    """The date in a source address: ``(date, precision 'day'|'month', matched text)``."""
    if not url:
        return None, "", ""
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for rule in lex["dates"]["url"]:
        m = re.search(rule["pattern"], path)
        if not m:
            continue
        g = m.groupdict()
        if rule.get("kind") == "timestamp":
            secs = int(g["ts"])
            date = dt.datetime.fromtimestamp(secs, dt.timezone(dt.timedelta(hours=8))).date()
            if 2005 <= date.year <= 2029:
                return date, "day", m.group(0)
            continue
        if g.get("md"):
            md = _md_split(g["md"])
            if md:
                return dt.date(int(g["y"]), *md), "day", m.group(0)
            continue
        if g.get("d"):
            date = _date(g["y"], g["m"], g["d"])
            if date:
                return date, "day", m.group(0)
            continue
        if g.get("m"):
            return dt.date(int(g["y"]), int(g["m"]), 1), "month", m.group(0)
    return None, "", ""


def _year_before(month: int, day: int | None, pub: dt.date, pub_precision: str = "day") -> int:
    """The meeting's year, given it was reported at ``pub``: the year before if the day is later."""
    if pub_precision == "month":
        return pub.year - 1 if month > pub.month else pub.year
    meeting = _date(pub.year, month, day or 1)
    return pub.year - 1 if meeting is None or meeting > pub else pub.year


def _plan_pattern(lex: dict) -> str:
    """The ``plan`` rule's pattern: a plan of ``dates.yaml`` plans, then a first- or last-year cue."""
    pl = lex["dates"]["plans"]
    names = "|".join(map(re.escape, sorted((p["name"] for p in pl["names"]), key=len, reverse=True)))
    first = "|".join(map(re.escape, pl["first_cues"]))
    last = "|".join(map(re.escape, pl["last_cues"]))
    return rf'[“"]?(?P<plan>{names})[”"]?(?:规划|时期)?[^，。；]{{0,4}}?(?:(?P<first>{first})|(?P<last>{last}))'


def _rule_year(rule: dict, g: dict, month: int | None, lex: dict) -> int | None:
    """The year one inferred rule gives from its match groups ``g`` (None when it does not apply)."""
    formula = rule.get("formula")
    if formula == "y_plus_n":
        n = _cn_number(g.get("n", ""))
        return int(g["y"]) + n if n else None
    if formula == "y_plus_1":
        return int(g["y"]) + 1
    if formula == "quarter":
        q = _cn_number(g["q"])
        if q == 4:
            return int(g["y"]) + 1
        return int(g["y"]) if q and (month is None or month > 3 * q) else None
    if formula == "n_plus_base":
        n = _cn_number(g.get("n", ""))
        return rule["base"] + n if n else None
    if formula == "cycle":
        n = _cn_number(g.get("n") or g.get("n2") or "")
        table = {c["n"]: c["assessed"] for c in lex["dates"]["civilised_city_cycles"]}
        return table.get(n)
    if formula == "plan":
        plan = next(p for p in lex["dates"]["plans"]["names"] if p["name"] == g["plan"])
        return plan["first"] if g.get("first") else plan["last"]
    return None


def _inferred_years(text: str, month: int | None, lex: dict) -> list[tuple[int, str, str]]:
    """Years from context: ``(year, rule id, evidence)`` for every inferred rule that fires.

    A rule fires on its first match whose 10 preceding characters do not hold its ``not_after``
    cue (去年是…开局之年 is about last year)."""
    out = []
    for rule in lex["dates"]["inferred"]:
        pattern = _plan_pattern(lex) if rule.get("formula") == "plan" else rule["pattern"]
        for m in re.finditer(pattern, text):
            if rule.get("not_after") and re.search(rule["not_after"], text[max(0, m.start() - 10) : m.start()]):
                continue
            g = {k: v for k, v in m.groupdict().items() if v}
            year = _rule_year(rule, g, month, lex)
            if year:
                why = rule["note"].split(" — ", 1)[0]
                out.append((year, rule["id"], f"{m.group(0)} — {why}"))
            break
    return out


def _meeting_day(body: str, lex: dict, dateline_md) -> dict | None:
    """The meeting's day as written in the lead: ``{kind, m, d, y, sentence, text}``.

    ``kind``: ``md`` (month and day, maybe with year), ``day`` (day only, month of the dateline),
    ``relative`` (昨天…), ``recent`` (日前/近日), ``same_day`` (上午/下午 with no date).
    """
    dl = lex["dates"]
    md_rx, day_rx = re.compile(dl["month_day"]), re.compile(dl["day_only"])
    lost_rx = re.compile(dl["lost_month_day"]["pattern"], re.M)
    rel = {r["word"]: r["offset"] for r in dl["relative_days"]}
    rel_rx = re.compile("|".join(map(re.escape, sorted(rel, key=len, reverse=True))))
    recent_rx = re.compile("|".join(map(re.escape, dl["recent_words"])))
    same_rx = re.compile("|".join(map(re.escape, dl["same_day_words"])))
    meeting_rx = re.compile(r"会|召开|举行")
    for sent in _sentences(body)[:8]:
        cands = []
        if m := md_rx.search(sent):
            cands.append(
                (m.start(), {"kind": "md", "y": m["y"], "m": int(m["m"]), "d": int(m["d"]), "text": m.group(0)})
            )
        if m := lost_rx.search(sent.strip()):
            md = _md_split(m["md"])
            if md:
                cands.append(
                    (
                        sent.find(m["md"]),
                        {"kind": "md", "y": None, "m": md[0], "d": md[1], "text": m.group(0), "lost": True},
                    )
                )
        if dateline_md and (m := day_rx.search(sent)):
            cands.append(
                (m.start(), {"kind": "day", "y": None, "m": dateline_md[0], "d": int(m["d"]), "text": m.group(0)})
            )
        if m := rel_rx.search(sent):
            cands.append((m.start(), {"kind": "relative", "offset": rel[m.group(0)], "text": m.group(0)}))
        if m := recent_rx.search(sent):
            cands.append((m.start(), {"kind": "recent", "text": m.group(0)}))
        if (
            not cands
            and meeting_rx.search(sent)
            and (m := same_rx.search(sent))
            and not re.search(r"[\d日]\s*$", sent[: m.start()])  # 121上午: a date not read, not "today"
        ):
            cands.append((m.start(), {"kind": "same_day", "offset": 0, "text": m.group(0)}))
        if cands:
            found = min(cands, key=lambda c: c[0])[1]
            found["sentence"] = sent.strip()
            return found
    return None


def infer_dates(title: str, body: str, furniture: list[tuple[str, str]], url: str, lex: dict) -> dict:
    """``meeting_date`` and ``publication_date`` fields, plus the lead with stamps blanked."""
    dl = lex["dates"]
    lines = list(furniture) + [("body", ln) for ln in body.split("\n")]
    stamps = _stamps(lines, lex)
    # blank stamps, addresses and datelines in the body before reading the meeting's day
    blanked = body
    for st in stamps:
        if st["where"] == "body":
            blanked = blanked.replace(st["text"], " " * len(st["text"]), 1)
    for rule in dl["blank"]:
        blanked = re.sub(rule["pattern"], lambda m: " " * len(m.group(0)), blanked)
    dateline_md, dateline_text = None, ""
    for rule in dl["datelines"]:
        for where, line in [("body", blanked)] + list(furniture):
            if m := re.search(rule["pattern"], line):
                dateline_md, dateline_text = (int(m["m"]), int(m["d"])), m.group(0)
                if where == "body":
                    blanked = blanked[: m.start()] + " " * len(m.group(0)) + blanked[m.end() :]
                break
        if dateline_md:
            break
    url_date, url_prec, url_text = _url_date(url, lex)

    # publication date
    pub, pub_prec, pub_basis, pub_ev = None, "day", "unknown", ""
    if stamps:
        pub, pub_basis, pub_ev = stamps[0]["date"], "dateline", f"stamp {stamps[0]['text'].strip()}"
    elif dateline_md and url_date:
        y = _year_before(dateline_md[0], dateline_md[1], url_date, url_prec) if url_prec == "day" else url_date.year
        pub = _date(y, *dateline_md)
        pub_basis, pub_ev = "source", f"dateline {dateline_text} + year of the source address {url_text}"
    elif url_date:
        pub, pub_prec, pub_basis, pub_ev = url_date, url_prec, "source", f"source address {url_text}"
    if pub and dateline_md and stamps and (pub.month, pub.day) != dateline_md:
        pub_ev += f" (dateline {dateline_text})"
    pub_value = None if pub is None else pub.isoformat() if pub_prec == "day" else pub.strftime("%Y-%m")
    publication = field(pub_value, pub_basis, pub_ev, "stamps" if pub_basis == "dateline" else "url" if pub else "")

    day = _meeting_day(blanked, lex, dateline_md)
    text_all = title + "\n" + body
    month = day.get("m") if day else None
    inferred = _inferred_years(text_all, month, lex)
    meeting = _resolve_meeting_date(day, pub, pub_prec, pub_basis, pub_ev, inferred, url_date, url_prec, url_text, lex)
    return {"meeting_date": meeting, "publication_date": publication, "blanked": blanked}


def _resolve_meeting_date(day, pub, pub_prec, pub_basis, pub_ev, inferred, url_date, url_prec, url_text, lex) -> dict:
    dl = lex["dates"]
    if day is None:
        years = sorted({y for y, _, _ in inferred})
        if len(years) == 1:
            y, rule, ev = inferred[0]
            return field(str(y), "inferred", f"no day of the meeting in the text. Year from context: {ev}", rule)
        return field(None, "unknown", "no date of the meeting in the text", "")
    sent = day["sentence"]
    quote = sent if len(sent) <= 60 else sent[:60] + "…"
    kind = day["kind"]
    if kind in ("md", "day"):
        m, d = day["m"], day["d"]
        if day.get("y"):
            return field(_date(day["y"], m, d).isoformat(), "stated", quote, "month_day")
        name_year = re.search(dl["meeting_name_year"]["pattern"], sent)
        conflict = ""
        if name_year and pub is not None and pub_basis == "dateline":
            dl_year = _year_before(m, d, pub, pub_prec)
            if dl_year != int(name_year["y"]):  # the year named is not this meeting's: the dateline decides
                conflict = f"; the year {name_year['y']} in {name_year.group(0)} disagrees with the dateline"
                name_year = None
        if name_year:
            date = _date(name_year["y"], m, d)
            if date:
                return field(
                    date.isoformat(),
                    "stated",
                    f"{quote} (day in text; year in the meeting's name: {name_year.group(0)})",
                    "meeting_name_year",
                )
        if pub is not None and pub_basis == "dateline":
            y = _year_before(m, d, pub, pub_prec)
            return field(
                _date(y, m, d).isoformat(),
                "dateline",
                f"{quote} (day in text; year from the {pub_ev}){conflict}",
                "dateline_year",
            )
        years = sorted({y for y, _, _ in inferred})
        src_year = _year_before(m, d, url_date, url_prec) if url_date else None
        if len(years) == 1 and (src_year is None or src_year == years[0]):
            y, rule, ev = inferred[0]
            agree = f"; the source address {url_text} agrees" if src_year else ""
            return field(
                _date(y, m, d).isoformat(),
                "inferred",
                f"{quote} (no year in the text). Year from context: {ev}{agree}",
                rule,
            )
        if pub is not None:  # from the source address (or a dateline dated by it)
            y = _year_before(m, d, pub, pub_prec)
            conflict = f"; context rules said {years}, overruled by the address" if years else ""
            return field(
                _date(y, m, d).isoformat(),
                "source",
                f"{quote} (day in text; year from the {pub_ev}){conflict}",
                "url_year",
            )
        return field(
            None,
            "unknown",
            f"{quote}: month and day only, no year in the text or the source"
            + (f"; context rules disagree: {years}" if years else ""),
            "",
        )
    # relative words
    if pub is None or pub_prec != "day":
        return field(None, "unknown", f"{quote}: {day['text']} with no dateline to count from", "")
    basis = "relative" if pub_basis == "dateline" else "source"
    if kind in ("relative", "same_day"):
        date = pub + dt.timedelta(days=day["offset"])
        return field(date.isoformat(), basis, f"{quote} ({day['text']}, counted from the {pub_ev})", "relative_days")
    # 日前 / 近日
    window = dl["recent_window_days"]
    if pub.day > window:
        return field(
            pub.strftime("%Y-%m"),
            basis,
            f"{quote} ({day['text']}: shortly before the {pub_ev}; no day)",
            "recent_words",
        )
    if pub.month > 1 or pub.day > window:
        return field(
            str(pub.year),
            basis,
            f"{quote} ({day['text']}: shortly before the {pub_ev}, early in its month, so only the year)",
            "recent_words",
        )
    return field(
        None,
        "unknown",
        f"{quote} ({day['text']} before an early-January {pub_ev}: the year is not certain)",
        "recent_words",
    )


# --------------------------------------------------------------------------------------------
# people


@lru_cache(maxsize=4)
def _people_rx(lexicon_key: tuple) -> tuple[re.Pattern, re.Pattern]:
    suffixes, forbidden, after, max_seg, allow_four, compound, dots = lexicon_key
    suf = "|".join(map(re.escape, sorted(suffixes, key=len, reverse=True)))
    seg = rf"[{HAN}（）]{{0,{max_seg}}}?(?:{suf})"
    plain = rf"(?:(?![{re.escape(forbidden)}])[{HAN}])"
    dot = f"[{re.escape(dots)}]"
    name = (
        rf"(?:(?:{'|'.join(map(re.escape, compound))}){plain}{{1,2}}?"  # 欧阳晓明
        rf"|{plain}{{2,8}}?{dot}{plain}{{2,8}}?"  # 艾尔肯·吐尼亚孜
        rf"|{plain}{{2,{4 if allow_four else 3}}}?)"
    )
    aft = "|".join(map(re.escape, sorted(after, key=len, reverse=True)))
    boundary = rf"(?=(?:{aft})|[，。、；：（）“”\s<]|$)"
    person = re.compile(rf"(?P<title>(?:{seg}[、，])*{seg})、?(?P<name>{name}){boundary}")
    cont = re.compile(rf"、(?P<name>{name}){boundary}")
    return person, cont


def _strip_openers(title: str, openers: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for o in sorted(openers, key=len, reverse=True):
            if title.startswith(o) and len(title) > len(o):
                title, changed = title[len(o) :], True
    return title.strip("、，")


def find_officials(text: str, lex: dict) -> list[dict]:
    """Officials named in ``text``: ``{name, title, at}`` in order of first mention (title may be '')."""
    pl = lex["people"]
    suffixes = [s["suffix"] for s in pl["title_suffixes"]]
    person, cont = _people_rx(
        (
            tuple(suffixes),
            pl["name_forbidden"],
            tuple(pl["after_name"]),
            pl["max_segment"],
            pl["allow_four"],
            tuple(pl.get("compound_surnames", ())),
            pl.get("name_dots", "·"),
        )
    )
    found: dict[str, dict] = {}

    def add(name, title, at):
        if name in found:
            if title and not found[name]["title"]:
                found[name]["title"] = title
            return
        if any(name.endswith(s) for s in suffixes) or name in pl["name_stop"]:
            return
        found[name] = {"name": name, "title": title, "at": at}

    for m in person.finditer(text):
        title = _strip_openers(m["title"], pl["title_openers"])
        add(m["name"], title, m.start("name"))
        pos = m.end()
        while c := cont.match(text, pos):
            if person.match(text, c.start("name")):
                break
            add(c["name"], title, c.start("name"))
            pos = c.end()
    for rule in pl["leaders_lists"]:
        for m in re.finditer(
            rf"(?:{rule['pattern']})(?P<names>(?:[{HAN}]{{2,3}}、)*[{HAN}]{{2,3}}?)(?=等|出席|参加|，|。)", text
        ):
            for name in m["names"].split("、"):
                if 2 <= len(name) <= 3 and not any(c in pl["name_forbidden"] for c in name):
                    add(name, "", m.start("names") + m["names"].find(name))
    return sorted(found.values(), key=lambda p: p["at"])


def score_speakers(text: str, officials: list[dict], lex: dict) -> tuple[dict, dict]:
    """Speech score per official (``{name: score}``) and the chair (``{name, evidence}`` or {})."""
    pl = lex["people"]
    cues = [(re.compile(c["pattern"]), c["weight"]) for c in pl["speech_cues"]]
    chair_rx = [re.compile(c["pattern"]) for c in pl["chair_cues"]]
    names = [p["name"] for p in officials]
    scores = {n: 0.0 for n in names}
    evidence: dict[str, list[str]] = {n: [] for n in names}
    chair = {}
    if not names:
        return {}, {}
    mention = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
    pron = re.compile("|".join(map(re.escape, pl["pronouns"])))
    refs = "|".join(map(re.escape, pl["surname_title_refs"]))
    ref_rx = re.compile(rf"(?P<sur>[{HAN}])(?P<ref>{refs})")
    events = [(m.start(), m.end(), m.group(0)) for m in mention.finditer(text)]
    events += [(m.start(), m.end(), "") for m in pron.finditer(text)]
    for m in ref_rx.finditer(text):
        cands = [p for p in officials if p["name"][0] == m["sur"] and m["ref"] in p["title"]]
        if cands and not any(s <= m.start() < e for s, e, _ in events):
            events.append((m.start(), m.end(), cands[0]["name"]))
    events.sort()
    last = None
    for start, end, name in events:
        who = name or last
        if name:
            last = name
        if not who:
            continue
        for rx, weight in cues:
            if (cm := rx.match(text, end)) and (name or weight >= 2):
                scores[who] += weight
                evidence[who].append(text[start : cm.end()])
                break
        if name and not chair:
            for rx in chair_rx:
                if cm := rx.match(text, end):
                    chair = {"name": name, "evidence": text[max(0, start - 20) : cm.end() + 4]}
                    break
    return scores, {"chair": chair, "evidence": evidence}


def infer_people(title: str, body: str, lex: dict) -> dict:
    text = body
    officials = find_officials(text, lex)
    known = {p["name"] for p in officials}
    for p in find_officials(title, lex):  # headline-only names (陈敏在…上强调)
        if p["name"] not in known and p["name"] in text:
            officials.append(p)
    scores, extra = score_speakers(text, officials, lex)
    # the headline names the speaker the report centres on (陈敏在…上强调, 郭瑞民强调)
    bonus = lex["people"]["headline_bonus"]
    for p in officials:
        if (m := re.search(re.escape(p["name"]) + lex["people"]["headline_cue"], title)) and scores.get(
            p["name"], 0
        ) > 0:
            scores[p["name"]] += bonus
            extra["evidence"][p["name"]].insert(0, f"headline: {m.group(0)}")
    chair = extra["chair"] if extra else {}
    ev = extra["evidence"] if extra else {}
    titles = {p["name"]: p["title"] for p in officials}
    out = {}
    ranked = sorted((p for p in officials if scores.get(p["name"], 0) > 0), key=lambda p: (-scores[p["name"]], p["at"]))
    main = ranked[0]["name"] if ranked else None
    if main is None and chair:
        main_ev = "only the chair is named doing anything: " + chair["evidence"]
        main = chair["name"] if re.search(r"主持召开", chair["evidence"]) else None
    else:
        main_ev = "; ".join(ev.get(main, [])[:3]) if main else ""
    out["main_speaker"] = field(
        main,
        "text",
        (f"{main_ev} (speech score {scores.get(main, 0):g})" if main else "no official is named speaking"),
        "speech_cues",
    )
    out["main_speaker_title"] = field(titles.get(main) or None, "text", main_ev, "title_suffixes")
    c = chair.get("name")
    out["chair"] = field(c, "text", chair.get("evidence", ""), "chair_cues")
    out["chair_title"] = field(titles.get(c) or None, "text", chair.get("evidence", ""), "title_suffixes")
    others = [p for p in ranked[1:] if p["name"] != c] if main else []
    out["other_speakers"] = field(
        "; ".join(f"{p['name']} ({p['title']})" if p["title"] else p["name"] for p in others) or None,
        "text",
        "; ".join(e for p in others for e in ev.get(p["name"], [])[:1]),
        "speech_cues",
    )
    out["officials"] = field(
        [{"name": p["name"], "title": p["title"]} for p in officials] or None,
        "text",
        "title + name patterns and leader lists",
        "title_suffixes",
    )
    return out


# --------------------------------------------------------------------------------------------
# reporters and outlet


OUTLET_RX = rf"来源[：:]\s*(?P<o>[{HAN}A-Za-z]{{2,16}}?(?:网|报|台|频道|信息港|在线|办|发布)(?![{HAN}]{{0,2}}[网报])|[^\s|｜）]{{2,20}})"


#: 据 + outlet + 报道/消息 at the head of a reposted report (据渭南日报报道，5月16日…).
REPOST_RX = (
    rf"(?:^|[，。\s）])据(?P<o>[{HAN}]{{2,12}}?(?:日报|晚报|报|网|电视台|广播电视台|台|新闻|新华社|客户端))"
    rf"(?:客户端|微信公众号)?(?:报道|消息)"
)


def infer_byline(body: str, furniture: list[tuple[str, str]], audit: dict, source: dict | None, lex: dict) -> dict:
    pl = lex["people"]
    stop = set(pl["reporter_stop"])
    pieces = [t for _, t in furniture] + body.split("\n")[:6] + body.split("\n")[-3:]
    names: list[str] = []
    evidence = []
    label_rx = "|".join(f"(?:{r['pattern']})" for r in pl["reporter_labels"])
    name_rx = rf"(?!(?:责任)?编辑|来源|作者|记者|通讯员|实习生|时间)[{HAN}*]{{2,3}}"
    for piece in pieces:
        piece = _norm(piece).replace("报道", " ").replace("摘编", " ")
        for m in re.finditer(rf"(?:{label_rx})\s*(?P<names>{name_rx}(?:\s+{name_rx})*)(?=[\s）】]|$|[^{HAN}])", piece):
            got = [n for n in m["names"].split() if n not in stop]
            if got:
                evidence.append(m.group(0).strip())
                names += [n for n in got if n not in names]
        for m in re.finditer(
            rf"(?:讯|消息)（(?P<n>[{HAN}]{{2,3}})）|（[{HAN}]{{2,12}}[：:]\s*(?P<n2>[{HAN}]{{2,3}})）", piece
        ):
            n = m["n"] or m["n2"]
            if n not in names and n not in stop:
                names.append(n)
                evidence.append(m.group(0))
    author = field("; ".join(names) or None, "text", "; ".join(evidence), "reporter_labels")

    outlet, basis, ev = None, "unknown", ""
    src_outlet = re.sub(r"\s*[（(].*$|\s+[a-z0-9.]+\.[a-z]{2,}.*$", "", (source or {}).get("outlet", "") or "").strip()
    for _where, t in furniture:
        if m := re.search(OUTLET_RX, _norm(t)):
            if m["o"] not in ("本站", "本网", "本站原创"):
                outlet, basis, ev = m["o"], "text", m.group(0)
                break
    if outlet is None:
        head = _norm(body[:300])
        m = re.search(
            rf"(?P<o>[{HAN}]{{2,12}}?(?:网|报|台|频道|信息港|在线|发布))(?:[{HAN}]{{0,3}}\d{{1,2}}月\d{{1,2}}日)?(?:全媒体)?(?:讯|电|消息)",
            head,
        )
        if outlet is None and m and not m["o"].startswith(("本报", "本网")):
            outlet, basis, ev = m["o"], "text", m.group(0)
        if (m2 := re.search(OUTLET_RX, head)) and m2["o"] not in ("本站", "本网", "本站原创"):
            outlet, basis, ev = m2["o"], "text", m2.group(0)
        # a reposted report credits its outlet: 据渭南日报报道 / 据新华社消息
        if outlet is None and (m3 := re.search(REPOST_RX, head)):
            outlet, basis, ev = m3["o"], "text", m3.group(0)
    if outlet is None and src_outlet:
        lead = "本报讯 + " if re.search(r"本报讯|本网讯", body[:300]) else ""
        outlet, basis, ev = src_outlet, "source", f"{lead}SOURCES.csv outlet {source.get('outlet')}"
    return {"author": author, "source_outlet": field(outlet, basis, ev, "outlet")}


# --------------------------------------------------------------------------------------------
# meeting, campaigns, place and level


def infer_meeting_name(title: str, sentence: str) -> dict:
    s = _norm(sentence or "")
    pats = [
        (r"从(?P<n>[^，。]{2,60}?会)上获悉", "reported from"),
        (r"召开(?:了)?(?P<n>[^，。；]{2,80}?(?:会议|大会|例会|座谈会|会))(?=[，。；]|$|，)", "召开…会"),
        (r"(?P<n>[^，。；：]{2,80}?(?:会议|大会|例会|座谈会|会|全会))(?:在[^，。]{1,16})?召开", "…会召开"),
    ]
    for pat, rule in pats:
        if m := re.search(pat, s):
            name = re.sub(r"^.*?(?:\d{1,2}月\d{1,2}日|上午|下午|日前|近日|昨天|昨日)(?:上午|下午)?[，]?", "", m["n"])
            name = re.sub(r"^(?:[^，]*?(?:召开|举行))", "", name).strip(" ，")
            name = re.sub(r"^(?:我|本)[市区县州盟镇乡省]", "", name)
            if len(name) >= 3:
                return field(name, "text", m.group(0), rule)
    if m := re.search(r"在(?P<n>[^，。]{4,60}?(?:会议|大会|会))上(?:强调|讲话|指出)", _norm(title)):
        return field(m["n"], "text", m.group(0), "headline 在…上强调")
    return field(None, "unknown", "", "")


def infer_campaigns(title: str, body: str, lex: dict) -> dict:
    names = {}
    for c in lex["campaigns"]["campaigns"]:
        for v in [c["name"], *c.get("variants", [])]:
            names[v] = c["name"]
    literal = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    # `patterns`: regular expressions for a family of spellings (四川省文明城市, 河南省文明城市 …)
    pats = [(p, c["name"]) for c in lex["campaigns"]["campaigns"] for p in c.get("patterns", [])]
    rx = re.compile("|".join([f"(?P<p{i}>{p})" for i, (p, _) in enumerate(pats)] + [f"(?:{literal})"]))
    canon_of = {f"p{i}": name for i, (_, name) in enumerate(pats)}
    found, ev = [], []
    for m in rx.finditer(title + "\n" + body):
        group = next((g for g, v in m.groupdict().items() if v), None)
        canon = canon_of[group] if group else names[m.group(0)]
        if canon not in found:
            found.append(canon)
            ev.append(m.group(0))
    return field(";".join(found) or None, "text", "; ".join(ev), "campaigns.yaml (longest match)")


def _subject(sentence: str) -> str:
    """The part of the meeting sentence that names who held it (before 召开/在…召开)."""
    s = _norm(sentence)
    for clause in s.split("，"):
        if "召开" in clause or "获悉" in clause:
            clause = re.sub(r"(?:在[^，。]{1,16})?(?:组织)?召开.*$|获悉.*$", "", clause)
            clause = re.sub(
                r"^.*?(?:\d{1,2}月\d{1,2}日|\d{1,2}日|日前|近日|昨天|昨日|今天)(?:上午|下午|晚上)?", "", clause
            )
            return clause.strip(" 　")
    return s[:40]


def _town_abbreviations(text: str, stop: frozenset, pc: dict) -> frozenset:
    """Short forms of street offices named after a road (嘉兴路街道 -> 嘉兴) named in ``text``.

    Once such a street office is named, its bare short form refers to it, not to the city
    (places.yaml ``town_abbreviation``)."""
    rx = re.compile(pc["town_abbreviation"]["pattern"])
    out = set()
    for _, key, nodes in _gazetteer_matches(text, stop):
        if all(n["level"] == "town" for n in nodes) and (m := rx.match(key)):
            out.add(m["short"])
    return frozenset(out)


def infer_place(
    title: str, body: str, sentence: str, furniture: list[tuple[str, str]], source: dict | None, lex: dict
) -> dict:
    """province, city, county, province_source, issuing_unit, admin_level."""
    pc = lex["places"]
    street_after = pc["street_after"]["pattern"]
    stop = frozenset(a["alias"] for a in pc["alias_stop"]) | _town_abbreviations(
        title + "\n" + body, frozenset(a["alias"] for a in pc["alias_stop"]), pc
    )
    w = pc["weights"]
    subject = _subject(sentence or "")
    votes: dict[tuple, float] = {}
    seen: dict[tuple, list[str]] = {}

    def vote(text, weight, where):
        for _, key, nodes in _gazetteer_matches(text, stop, street_after):
            short = len(key) == 2 and all(n["level"] == "county" for n in nodes)
            wt = (
                weight
                * (
                    w["short_county"]
                    if short
                    else w["alias"]
                    if all(n.get("alias") and n["level"] == "county" for n in nodes)
                    else 1
                )
                / len(nodes)
            )
            if all(n["level"] == "town" for n in nodes) and where != "issuing":
                wt *= 0.5
            for n in nodes:
                for k in (
                    ("p", n["province"]),
                    ("c", n["province"], n["city"]),
                    ("k", n["province"], n["city"], n["county"]),
                    ("t", n["province"], n["city"], n["county"], n["town"]),
                ):
                    if k[-1] is None:
                        break
                    votes[k] = votes.get(k, 0) + wt
                    seen.setdefault(k, []).append(f"{key} ({where})")

    vote(subject, w["issuing"], "issuing")
    vote(title, w["title"], "headline")
    vote(body, w["text"], "text")
    for where, t in furniture:
        if where != "title":
            vote(t, w["text"], "furniture")
    if source and source.get("outlet"):
        outlet = source["outlet"]
        if m := re.search(pc["reposted_outlet"]["pattern"], outlet):  # X reposting Y: only Y
            outlet = m["original"]
        vote(outlet, w["source"], "SOURCES.csv outlet")

    def best(prefix, *parent):
        cands = [(v, k) for k, v in votes.items() if k[0] == prefix and k[1 : 1 + len(parent)] == parent]
        if not cands:
            return None
        v, k = max(cands)
        return k if prefix != "p" or v >= w["min_province"] else None

    # level of the issuing body
    level, level_ev = None, ""
    subj_matches = [nd for _, _, nodes in _gazetteer_matches(subject, stop, street_after) for nd in nodes[:1]]
    low = ("village", "township-level management committee", "street", "township")
    for rule in pc["levels"]:
        if rule["level"] in low and re.search(rule["pattern"], subject):
            level, level_ev = rule["level"], f"{subject} ({rule['pattern']})"
            break
    if level is None:  # a subject that opens with a level word (州2018年度…, 全市…, 市委、市政府…)
        for rule in pc["levels"]:
            if rule["level"] not in low and re.match(f"(?:{rule['pattern']})", subject):
                level, level_ev = rule["level"], f"{subject} ({rule['note'].split(' (')[0]})"
                break
    if level == "national":  # a national body's meeting: the level of the place it addresses
        level = None
        probes = [title, sentence or ""]
    else:
        probes = [subject, title, body]
    if level is None and subj_matches and probes[0] is subject:
        nd = max(subj_matches, key=lambda n: ["province", "city", "county", "town"].index(n["level"]))
        level = {"province": "province", "city": "prefecture-level city", "county": nd["kind"], "town": nd["kind"]}[
            nd["level"]
        ]
        level_ev = f"{subject} (gazetteer: {nd['town'] or nd['county'] or nd['city'] or nd['province']})"
    if level is None:
        for probe in probes:
            for rule in pc["levels"]:
                if rule["level"] not in low + ("national",) and re.search(rule["pattern"], probe):
                    level, level_ev = rule["level"], f"{probe[:40]} ({rule['note'].split(' (')[0]})"
                    break
            if level is None and probe is not subject:
                hits = [
                    nd
                    for _, _, nodes in _gazetteer_matches(probe, stop, street_after)
                    for nd in nodes[:1]
                    if not nd.get("alias")
                ]
                if hits:
                    nd = min(hits, key=lambda n: ["province", "city", "county", "town"].index(n["level"]))
                    level = {
                        "province": "province",
                        "city": "prefecture-level city",
                        "county": nd["kind"],
                        "town": nd["kind"],
                    }[nd["level"]]
                    level_ev = (
                        f"{probe[:40]} (gazetteer: highest unit named: {nd['county'] or nd['city'] or nd['province']})"
                    )
            if level:
                break

    prov = best("p")
    city = best("c", prov[1]) if prov else None
    county = best("k", *city[1:]) if city else None
    town = best("t", *county[1:]) if county else None
    if level == "region":
        autonomous = prov and prov[1].endswith("自治区")
        level = "province" if autonomous and re.search(r"全区|自治区", subject + title) else "district"
    if level == "city":
        cnode = county if county and county[3].endswith("市") else None
        cscore, pscore = (votes.get(cnode, 0) if cnode else 0), (votes.get(city, 0) if city else 0)
        # a county-level city named about as often as its prefecture is the issuing city
        level = "county-level city" if cnode and cscore >= 0.5 * pscore else "prefecture-level city"
    out = {}
    keep_county = level not in (None, "province", "prefecture-level city")
    keep_city = level != "province" or bool(city and re.search(re.escape(_alias(city[2])), sentence or ""))
    if city and city[2] in PSEUDO_CITIES and county:  # 琼海: a county-level city under the province
        city_name, county_name = _short(county[3]), None
    else:
        city_name = _alias(city[2]) if city else None
        county_name = _short(county[3]) if county else None
    out["province"] = field(
        _alias(prov[1]) if prov else None,
        "gazetteer",
        "; ".join(dict.fromkeys(seen.get(prov, [])))[:200] if prov else "",
        "jionlp china_location",
    )
    out["city"] = field(
        city_name if city and keep_city else None,
        "gazetteer",
        "; ".join(dict.fromkeys(seen.get(city, [])))[:200] if city else "",
        "jionlp china_location",
    )
    out["county"] = field(
        county_name if county and keep_county else None,
        "gazetteer",
        "; ".join(dict.fromkeys(seen.get(county, [])))[:200] if county else "",
        "jionlp china_location",
    )
    if prov:
        named = [s for s in seen.get(prov, []) if s.split(" ")[0] in (prov[1], _short(prov[1]))]
        src = (
            f"text: {named[0]}"
            if named
            else f"gazetteer: {city_name or ''} is in {_alias(prov[1])} (the text names no province)"
        )
        out["province_source"] = field(src, "text" if named else "gazetteer", src, "")
    else:
        out["province_source"] = field(None)
    out["admin_level"] = field(level, "text", level_ev, "places.yaml levels")
    out["issuing_unit"] = field(
        _issuing_unit(subject, out, level),
        "text",
        f"subject of the meeting sentence: {subject}" if subject else "",
        "subject of 召开",
    )
    if town and level in ("street", "township"):
        out["issuing_unit"]["evidence"] += f" (gazetteer town: {town[4]})"
    return out


_LEVEL_SUFFIX = {
    "prefecture-level city": "市",
    "county-level city": "市",
    "county": "县",
    "district": "区",
    "province": "省",
}


def _issuing_unit(subject: str, place: dict, level: str | None) -> str | None:
    """The body that held the meeting: the subject of 召开, with 我市 and meeting names resolved."""
    if not subject:
        return None
    local = (
        place["county"]["value"]
        if level in ("county", "district", "county-level city")
        else place["city"]["value"]
        if level in ("prefecture-level city",)
        else place["province"]["value"]
        if level == "province"
        else None
    )
    own = f"{local}{_LEVEL_SUFFIX.get(level, '')}" if local else None
    if re.search(r"(?:会|会议|大会)$", subject):  # 长沙县文明委2022年第三次会议… -> 长沙县文明委
        if m := re.match(rf"[{HAN}、]*?(?:文明委|爱卫会|委员会|指挥部|领导小组|党委|政府)", subject):
            return m.group(0)
        return f"{own} ({subject[:12]}…召开)" if own else None
    if re.fullmatch(r"(?:我|全)[市区县州盟镇乡省局]", subject) and own:
        return f"{own} ({subject})"
    if re.match(r"[市区县州省镇]委|[市区县州省]政府", subject) and local:
        return f"{local}{subject} ({subject})"
    return subject


# --------------------------------------------------------------------------------------------
# entry point


def _furniture(title: str, audit: dict) -> list[tuple[str, str]]:
    out = []
    if audit.get("byline", {}).get("date"):
        b = audit["byline"]
        out.append(("byline", f"{b['date']} {b.get('time', '')}".strip()))
    for d in audit.get("dropped", []):
        out.append(("dropped", d.get("text", "")))
    for d in audit.get("inline_removed", []):
        out.append(("inline", d.get("text", "")))
    if title:
        out.append(("title", title))
    return out


def infer_metadata(title: str, text: str, audit: dict, source: dict | None = None, lexicon_dir=LEXICON_DIR) -> dict:
    """Metadata of one cleaned report, each field ``{value, basis, evidence, rule}`` (see module doc).

    ``title``/``text``: :func:`analysis.clean.clean_text`'s ``.title`` and ``.text``; ``audit``:
    its ``.audit.to_dict()`` (the furniture it removed: stamps, bylines, sources); ``source``: the
    report's row of the corpus folder's ``SOURCES.csv`` (``outlet``, ``source`` address), if any.
    """
    lex = load_lexicon(lexicon_dir)
    scope = int(lex["people"]["inference_scope"]["max_chars"])  # the lead and first paragraphs (people.yaml)
    title, body = _norm(title or ""), _norm((text or "")[:scope])
    furniture = [(w, _norm(t)) for w, t in _furniture(title, audit or {})]
    url = (source or {}).get("source", "") or ""
    dates = infer_dates(title, body, furniture, url, lex)
    sentence = _meeting_sentence(dates["blanked"], dates["meeting_date"], lex)
    out = {}
    out.update(infer_place(title, body, sentence, furniture, source, lex))
    out["meeting_date"] = dates["meeting_date"]
    out["publication_date"] = dates["publication_date"]
    out["meeting_name"] = infer_meeting_name(title, sentence)
    out["campaigns"] = infer_campaigns(title, body, lex)
    out.update(infer_people(title, body, lex))
    out.update(infer_byline(body, furniture, audit or {}, source, lex))
    return {k: out[k] for k in FIELDS}


def _meeting_sentence(blanked: str, meeting_date: dict, lex: dict) -> str:
    """The sentence that dates the meeting, else the first that holds 召开/会议."""
    day = _meeting_day(blanked, lex, None)
    sents = _sentences(blanked)
    if day and re.search(r"召开|会|举行|获悉", day["sentence"]):
        return day["sentence"].strip()
    for s in sents[:8]:
        if re.search(r"召开|举行", s):
            return s.strip()
    return day["sentence"].strip() if day else (sents[0].strip() if sents else "")
