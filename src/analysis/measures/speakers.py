"""Who speaks each sentence: the named officials of the metadata, speech verbs and frames, relays.

Names come from the metadata (``main_speaker``, ``chair``, ``other_speakers``); titles from the text
before each name (else the metadata); speech verbs, frames, the meeting's voice (会议, the wire
report's paraphrase of the leading official), pronouns, relay signals, the title-to-role and
title-to-level rules from ``data/lexicon/speakers.yaml``.

Three layers per sentence: who speaks (``speaker``, with ``role``, ``office``, ``speaker_level``,
``speaker_rank``), who relays that speech to this meeting (``relayed_by``, ``relayer_rank``), and
whose words the meeting's voice paraphrases (``paraphrase_of``). Comparisons between levels use
``speaker_level``, not the report's level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised

SPEAKERS_FILE = "speakers.yaml"
SPEAKER_COLUMNS = ["doc_id", "para_id", "sent_id", "speaker", "role", "title", "office", "speaker_level",
                   "speaker_rank", "cue", "attribution", "relayed", "relayed_by", "relayer_rank", "paraphrase_of"]


@dataclass(frozen=True)
class _Speaker:
    name: str
    title: str
    role: str
    office: str = ""
    level: str = ""

    @property
    def rank(self) -> str:
        """``<level> <role>`` (``district party_secretary``); the role alone when the level is unknown."""
        return f"{self.level} {self.role}".strip()


def _title_parts(title: str, lex: dict) -> list[str]:
    return [p.strip() for p in re.split(lex["metadata"]["title_separators"], title or "") if p.strip()]


def speaker_office(title: str, lexicon: Lexicon | None = None) -> tuple[str, str]:
    """``(role, office)`` for a title by the ordered rules of speakers.yaml ``roles``: the first rule
    whose pattern ends a part of the title (split at 、) gives the role, that part is the office.
    ``市委副书记、市长`` -> ``("government_head", "市长")``; no rule: ``other_official`` with the first
    part; no title: ``("unknown", "")``."""
    lex = as_lexicon(lexicon).yaml(SPEAKERS_FILE)
    parts = _title_parts(title, lex)
    for rule in lex["roles"]:
        rx = re.compile(f"(?:{rule['pattern']})$")
        hits = [p for p in parts if rx.search(p)]
        if hits:
            return rule["role"], hits[-1] if rule["role"] != "party_secretary" else _highest(hits, lex)
    return (lex["default_role"], parts[0]) if parts else ("unknown", "")


def _highest(parts: list[str], lex: dict) -> str:
    """Of several parts giving the same role (长沙经开区党工委书记、长沙县委书记), the one of the highest level."""
    rank = {lv: i for i, lv in enumerate(["national", "province", "prefecture-level city", "county-level city",
                                           "county", "district", "township"])}
    return min(parts, key=lambda p: rank.get(office_level(p, "", lex), len(rank)))


def speaker_role(title: str, lexicon: Lexicon | None = None) -> str:
    """Role for a title (``市委副书记、市长`` -> ``government_head``), by the ordered rules of speakers.yaml."""
    return speaker_office(title, lexicon)[0]


def office_level(office: str, report_level: str = "", lexicon: Lexicon | dict | None = None) -> str:
    """Administrative level of an office from its title (speakers.yaml ``levels``): ``区委书记`` ->
    ``district``, ``市委书记`` -> ``prefecture-level city`` (``county-level city`` in such a city's
    report); a title without a level word (``党委书记``) is an office of the meeting's own body:
    ``report_level``."""
    lex = lexicon if isinstance(lexicon, dict) else as_lexicon(lexicon).yaml(SPEAKERS_FILE)
    if not office:
        return ""
    for rule in lex["levels"]:
        if re.search(rule["pattern"], office):
            return (rule.get("in_report") or {}).get(report_level, rule["level"])
    return report_level or ""


def level_order(lexicon: Lexicon | None = None) -> dict[str, int]:
    """``level -> rank`` (0 = national, 1 = province … 4 = township): codebook.yaml ``admin_levels``
    plus speakers.yaml ``extra_level_ranks``."""
    lex = as_lexicon(lexicon)
    ranks = {e["level"]: int(e["rank"]) for e in lex.yaml("codebook.yaml")["admin_levels"]}
    ranks.update({k: int(v) for k, v in lex.yaml(SPEAKERS_FILE).get("extra_level_ranks", {}).items()})
    return ranks


def title_in_text(text: str, name: str, lexicon: Lexicon | dict | None = None) -> str:
    """The longest title written just before ``name`` in ``text`` (speakers.yaml ``titles``):
    ``传达区委书记康峰会上讲话精神`` -> ``区委书记``; ``""`` when the text writes none."""
    lex = lexicon if isinstance(lexicon, dict) else as_lexicon(lexicon).yaml(SPEAKERS_FILE)
    rules = lex["titles"]
    ending = "|".join(map(re.escape, sorted(rules["endings"], key=len, reverse=True)))
    part = f"[^{_STOP}、]{{0,24}}?(?:{ending})"
    title_re = re.compile(f"(?:{part}、)*{part}$")
    leads = sorted(rules["lead_words"], key=len, reverse=True)
    best = ""
    for m in re.finditer(re.escape(name), text):
        before = re.split(f"[{_STOP}]", text[max(0, m.start() - 60): m.start()])[-1]
        t = title_re.search(before)
        if not t:
            continue
        title = t.group(0)
        stripped = True
        while stripped:
            stripped = False
            for w in leads:
                if title.startswith(w) and len(title) > len(w):
                    title, stripped = title[len(w):], True
        if len(title) > len(best):
            best = title
    return best


def is_official_title(span: str, lexicon: Lexicon | None = None) -> bool:
    """Whether ``span`` is only official titles (``市委副书记、市长``, ``市委书记``): every part (split at
    、) is at most ``titles.max_chars`` long and ends in an office of speakers.yaml ``roles``
    (``深入贯彻习近平总书记`` is not: 总书记 is no territorial secretary and the part is a clause)."""
    lex = as_lexicon(lexicon).yaml(SPEAKERS_FILE)
    parts = [p for p in span.split("、") if p]
    rules = [re.compile(f"(?:{r['pattern']})$") for r in lex["roles"] if r["role"] != "meeting_paraphrase"]
    return bool(parts) and all(len(p) <= int(lex["titles"]["max_chars"]) and any(rx.search(p) for rx in rules)
                               for p in parts)


def name_spans(text: str, patterns: list[re.Pattern]) -> list[tuple[int, int]]:
    """Character spans of ``text`` that are names of documents or meetings (``patterns``: the
    register.yaml ``scope`` patterns): quoted titles, not the report's own words."""
    return [(m.start(), m.end()) for rx in patterns for m in rx.finditer(text) if m.end() > m.start()]


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` blanked (offsets unchanged)."""
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "\u3000" * (b - a)
    return "".join(chars)


#: Punctuation that ends a title's context (not 、, which joins posts).
_STOP = "，。；：！？,.;:!?“”‘’\"（）()《》【】\\s"


def other_speakers(field: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """``(name, title)`` of each item of a metadata ``other_speakers`` field (speakers.yaml ``metadata``):
    ``康峰 (区委书记; speech relayed by 吴国荣); 李英`` -> ``[("康峰", "区委书记"), ("李英", "")]``."""
    rules = as_lexicon(lexicon).yaml(SPEAKERS_FILE)["metadata"]
    item_re = re.compile(rules["item"])
    people = []
    sep = re.escape(rules["item_separator"])
    for item in re.split(f"{sep}(?![^()（）]*[)）])", field):  # not at a separator inside (…)
        m = item_re.match(item)
        if m:
            people.append((m.group("name"), m.group("title")))
        elif item.strip() and "(" not in item:
            people.append((item.strip(), ""))
    return people


@memoised(SPEAKERS_FILE)
def known_speakers(corpus: Corpus) -> dict[str, dict[str, _Speaker]]:
    """``doc_id -> name -> speaker`` from metadata: main_speaker, chair and other_speakers.

    ``other_speakers`` is ``name (title; note); name (title)``, parsed by speakers.yaml's
    ``metadata`` rules; the title is the part before ``;``. A title written before the name in the
    text (:func:`title_in_text`) wins over the metadata's; role and office come from the title
    (:func:`speaker_office`), the level from the office (:func:`office_level`).
    """
    lex = corpus.lexicon.yaml(SPEAKERS_FILE)
    out = {}
    for doc in corpus.documents.to_dict("records"):
        people = [(doc.get("main_speaker"), doc.get("main_speaker_title")), (doc.get("chair"), doc.get("chair_title"))]
        people += other_speakers(str(doc.get("other_speakers") or ""), corpus.lexicon)
        text = doc["text"] if "text" in doc else corpus.text(doc["doc_id"])   # the records carry it: no lookup
        report_level = str(doc.get("admin_level") or "")
        found: dict[str, _Speaker] = {}
        for n, t in people:
            if not (isinstance(n, str) and n.strip()) or (n in found and not t):
                continue
            title = title_in_text(text, n, lex) or (t if isinstance(t, str) else "") or ""
            role, office = speaker_office(title, corpus.lexicon)
            found[n] = _Speaker(n, title, role, office, office_level(office, report_level, lex))
        out[doc["doc_id"]] = found
    return out


def _attribution_re(names: list[str], lex: dict) -> re.Pattern:
    """Speaker (name, pronoun or collective voice), a short gap, then a speech verb + ，： or a frame."""
    who = sorted(names + [p["pronoun"] for p in lex["pronouns"]] + [v["voice"] for v in lex["collective_voices"]],
                 key=len, reverse=True)
    verbs = sorted((v["verb"] for v in lex["speech_verbs"]), key=len, reverse=True)
    frames = sorted((f["frame"] for f in lex["speech_frames"]), key=len, reverse=True)
    gap = int(lex["max_gap"])
    return re.compile(
        f"(?P<who>{'|'.join(map(re.escape, who))})(?P<gap>[^。！？，；：]{{0,{gap}}}?)"
        f"(?:(?P<frame>{'|'.join(map(re.escape, frames))})|(?P<verb>{'|'.join(map(re.escape, verbs))})[，：:,])")


@memoised(SPEAKERS_FILE, "codebook.yaml")
def attribute_speakers(corpus: Corpus) -> pd.DataFrame:
    """Per sentence: who speaks. ``doc_id, para_id, sent_id, speaker, role, title, office,
    speaker_level, speaker_rank, cue, attribution, relayed, relayed_by, relayer_rank, paraphrase_of``.

    ``attribution`` is ``explicit`` (the sentence names the speaker and a speech verb), ``carried``
    (carried forward from an earlier sentence of the same speech) or ``none``. A speech is carried
    across sentences and paragraphs until another attribution or a non-speech sentence (chairing,
    attendance, bylines, datelines, 会议通报了…: narration, never attributed).

    ``relayed`` marks a speech passed on by ``relayed_by`` (传达…讲话精神): the sentences are the
    relayed official's, with his ``speaker_level`` and ``speaker_rank``; ``relayer_rank`` is the
    relayer's. The meeting's voice (会议指出/强调/要求) has role ``meeting_paraphrase``: the report's
    paraphrase of its leading official (``paraphrase_of``: the main speaker, else the chair), whose
    office, level and rank it carries. ``speaker_level`` is the level of the speaker's office
    (speakers.yaml ``levels``), not the report's.
    """
    lex = corpus.lexicon.yaml(SPEAKERS_FILE)
    people = known_speakers(corpus)
    docs = _doc_fields(corpus)   # once, not once per report
    rows = []
    for doc_id, g in corpus.sentences.groupby("doc_id", sort=False):
        rows += _attribute_doc(doc_id, g, people.get(doc_id, {}), corpus, lex, docs)
    out = pd.DataFrame(rows, columns=SPEAKER_COLUMNS)
    # the column types and empty cells of the table as built report by report and concatenated: a
    # text column empty in some report is of type object, its empty cells None in the reports where
    # it is empty throughout and NaN in the others
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) and out[col].dtype != object:
            filled = out[col].notna().groupby(out["doc_id"], sort=False).any()
            if not filled.all():
                has = out["doc_id"].map(filled).to_numpy()
                out[col] = pd.Series([r[col] if r[col] is not None else (np.nan if h else None)
                                      for r, h in zip(rows, has)], index=out.index, dtype=object)
    return out.astype({"relayed_by": "str"})


def _doc_fields(corpus: Corpus) -> dict[str, dict]:
    """``field -> doc_id -> value`` for the metadata fields the attribution reads (``main_speaker``,
    ``chair``; fields the documents lack are left out), read once per corpus."""
    docs = corpus.documents
    return {f: dict(zip(docs["doc_id"].tolist(), docs[f].tolist())) for f in ("main_speaker", "chair")
            if f in docs}


def _leading_official(doc_id: str, people: dict[str, _Speaker], corpus: Corpus,
                      docs: dict[str, dict] | None = None) -> _Speaker | None:
    """The official whose speech the meeting's voice paraphrases: the main speaker, else the chair
    (``docs``: :func:`_doc_fields`, if already at hand)."""
    docs = _doc_fields(corpus) if docs is None else docs
    for field in ("main_speaker", "chair"):
        name = docs[field][doc_id] if field in docs else None
        if isinstance(name, str) and name in people:
            return people[name]
    return None


def _attribute_doc(doc_id: str, sents: pd.DataFrame, people: dict[str, _Speaker], corpus: Corpus,
                   lex: dict, docs: dict[str, dict]) -> list[dict]:
    """Speaker attribution for the sentences of one report (see :func:`attribute_speakers`): its rows
    (``docs``: :func:`_doc_fields`)."""
    names = list(people)
    attr_re = _attribution_re(names, lex)
    name_re = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))) if names else None
    voices = {v["voice"]: v["role"] for v in lex["collective_voices"]}
    pronouns = {p["pronoun"] for p in lex["pronouns"]}
    non_speech = [re.compile(p["pattern"]) for p in lex["non_speech"]]
    relay_re = re.compile(lex["relay"]["signal"])
    main = docs["main_speaker"][doc_id] if "main_speaker" in docs else ""
    leader = _leading_official(doc_id, people, corpus, docs)
    current, relay, last_name, relayer = None, None, None, None  # relay: (speaker name or None, relayer)
    rows = []
    for para_id, sent_id, text in zip(sents["para_id"].tolist(), sents["sent_id"].tolist(), sents["text"].tolist()):
        m = attr_re.search(text)
        row = {"doc_id": doc_id, "para_id": para_id, "sent_id": sent_id, "cue": ""}
        mentions = [x.group(0) for x in name_re.finditer(text)] if name_re else []
        if name_re and lex["relay"]["relayer_verb"] in text:
            before = text.split(lex["relay"]["relayer_verb"], 1)[0]
            found = name_re.findall(before)
            relayer = found[-1] if found else relayer
        if m and not (m.group("who") in pronouns and not (last_name or mentions)):
            who = m.group("who")
            if who in pronouns:
                prior = name_re.findall(text[: m.start()]) if name_re else []
                who = prior[-1] if prior else last_name
            current = _voice(who, voices[who], leader) if who in voices else people[who]
            if relay and relay[0] not in (None, current.name):
                relay = None
            elif relay and relay[0] is None:
                relay = (current.name, relay[1])
            row.update(cue=m.group("frame") or m.group("verb"), attribution="explicit")
        elif relay_re.search(text):
            inside = name_re.findall(text) if name_re else []
            relay = (inside[-1] if inside else None, relayer or main)
            current = None
            row["attribution"] = "none"
        elif any(p.search(text) for p in non_speech):
            current, relay = None, None
            row["attribution"] = "none"
        else:
            row["attribution"] = "carried" if current else "none"
        if mentions:
            last_name = mentions[-1]
        relayed = bool(current and relay and relay[0] == current.name)
        by = people.get(relay[1]) if relayed and relay[1] in people else None
        row.update(speaker=current.name if current else None, role=current.role if current else None,
                   title=current.title if current else None, office=current.office if current else None,
                   speaker_level=(current.level or None) if current else None,
                   speaker_rank=current.rank if current else None,
                   relayed=relayed, relayed_by=relay[1] if relayed else None,
                   relayer_rank=by.rank if by else None,
                   paraphrase_of=getattr(current, "paraphrase_of", None) if current else None)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class _Voice(_Speaker):
    """The meeting's voice: the paraphrase of ``paraphrase_of`` (carrying his office and level)."""
    paraphrase_of: str | None = None

    leader_role: str = ""

    @property
    def rank(self) -> str:
        """The leading official's rank: the meeting's voice speaks for him."""
        return f"{self.level} {self.leader_role or self.role}".strip()


def _voice(voice: str, role: str, leader: _Speaker | None) -> _Voice:
    """The meeting's voice ``voice`` (会议) as the paraphrase of the leading official ``leader``."""
    if leader is None:
        return _Voice(voice, "", role)
    return _Voice(voice, leader.title, role, leader.office, leader.level, leader.name, leader.role)


def directives_by_speaker_level(corpus: Corpus) -> pd.DataFrame:
    """For each report of a same-city pair at two levels (:func:`analysis.measures.levels.level_pairs`),
    its directive sentences by the level of the office of whoever speaks them.

    Columns: ``city, doc_id, report_level, speaker_level, speakers`` (names; ``(relayed by X)`` for a
    relayed speech, ``会议 = X`` for the meeting's paraphrase of X), ``n_directive_sentences``,
    ``n_report_directive_sentences`` (the denominator: the report's sentences with a directive
    marker, directives.yaml), ``share``. Narration with a directive marker is ``speaker_level`` =
    ``narration``. Unit: the sentence. A comparison of two levels of one city compares the levels of
    the speakers only where ``speaker_level`` equals ``report_level``: in pingxiang_suburb_2020 most
    directive sentences are the district secretary's relayed speech.
    """
    from analysis.measures.directives import sentence_directives
    from analysis.measures.levels import level_pairs

    pairs = level_pairs(corpus)
    cols = ["city", "doc_id", "report_level", "speaker_level", "speakers", "n_directive_sentences",
            "n_report_directive_sentences", "share"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    spk = attribute_speakers(corpus)
    sd = sentence_directives(corpus)[["doc_id", "sent_id", "strength"]]
    s = spk.merge(sd, on=["doc_id", "sent_id"])
    s = s[s["strength"] > 0].copy()
    s["speaker_level"] = s["speaker_level"].where(s["speaker"].notna(), "narration").fillna("unknown")
    s["who"] = [_who(r) for r in s[["speaker", "relayed", "office", "relayed_by", "paraphrase_of"]]
                .itertuples(index=False)]
    report_level = dict(zip(corpus.documents["doc_id"], corpus.documents["admin_level"]))
    # each report's groups, computed once from one pass over the directive sentences (a report is in
    # several pairs; only its first appearance survives the drop_duplicates below)
    groups: dict[str, list[tuple[str, list[str]]]] = {}
    for doc_id, level, who in zip(s["doc_id"].tolist(), s["speaker_level"].tolist(), s["who"].tolist()):
        levels = groups.setdefault(doc_id, {})
        levels.setdefault(level, []).append(who)
    rows, seen = [], set()
    for city, higher, lower in zip(pairs["city"].tolist(), pairs["higher"].tolist(), pairs["lower"].tolist()):
        for doc_id in (higher, lower):
            if doc_id in seen:
                continue
            seen.add(doc_id)
            by_level = groups.get(doc_id, {})
            n = sum(len(w) for w in by_level.values())
            for level, who in by_level.items():
                rows.append({"city": city, "doc_id": doc_id, "report_level": report_level[doc_id],
                             "speaker_level": level, "speakers": "、".join(dict.fromkeys(who)),
                             "n_directive_sentences": len(who), "n_report_directive_sentences": n,
                             "share": round(len(who) / n, 3) if n else 0.0})
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["doc_id", "speaker_level"]).reset_index(drop=True)


def _who(r) -> str:
    """A speaker as shown in :func:`directives_by_speaker_level`."""
    if not isinstance(r.speaker, str):
        return "narration"
    if r.relayed:
        return f"{r.speaker} ({r.office}, relayed by {r.relayed_by})"
    if isinstance(r.paraphrase_of, str):
        return f"{r.speaker} = {r.paraphrase_of} ({r.office})"
    return f"{r.speaker} ({r.office})" if isinstance(r.office, str) and r.office else r.speaker


def speaker_table(corpus: Corpus) -> pd.DataFrame:
    """One row per report and voice: ``doc_id, speaker, role, office, speaker_level, speaker_rank,
    relayed_by, relayer_rank, paraphrase_of, n_sentences`` (sentences attributed, unit: the sentence),
    in corpus and first-appearance order. Shows the three layers of :func:`attribute_speakers`: who
    speaks, who relays, whose words the meeting's voice paraphrases."""
    cols = ["doc_id", "speaker", "role", "office", "speaker_level", "speaker_rank", "relayed_by", "relayer_rank",
            "paraphrase_of"]
    a = attribute_speakers(corpus)
    a = a[a["speaker"].notna()].copy()
    a["relayed_by"] = a["relayed_by"].where(a["relayed"], None)
    out = (a.fillna({c: "" for c in cols}).groupby(cols, sort=False).size().rename("n_sentences").reset_index())
    return out.replace({"": None})
