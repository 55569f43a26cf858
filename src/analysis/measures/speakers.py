"""Who speaks each sentence: the named officials of the metadata, speech verbs and frames, relays.

Names come from the metadata (``main_speaker``, ``chair``, ``other_speakers``); speech verbs,
frames, collective voices (会议), pronouns, relay signals and the title-to-role rules from
``data/lexicon/speakers.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised

SPEAKERS_FILE = "speakers.yaml"
SPEAKER_COLUMNS = ["doc_id", "para_id", "sent_id", "speaker", "role", "title", "cue", "attribution", "relayed",
                   "relayed_by"]


@dataclass(frozen=True)
class _Speaker:
    name: str
    title: str
    role: str


def speaker_role(title: str, lexicon: Lexicon | None = None) -> str:
    """Role for a title (``市委副书记、市长`` -> ``government_head``), by the ordered rules of speakers.yaml."""
    lex = as_lexicon(lexicon).yaml(SPEAKERS_FILE)
    parts = [p.strip() for p in re.split(lex["metadata"]["title_separators"], title or "") if p.strip()]
    for rule in lex["roles"]:
        if any(p.endswith(rule["keyword"]) for p in parts):
            return rule["role"]
    return lex["default_role"] if parts else "unknown"


def other_speakers(field: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """``(name, title)`` of each item of a metadata ``other_speakers`` field (speakers.yaml ``metadata``):
    ``康峰 (区委书记; speech relayed by 吴国荣); 李英`` -> ``[("康峰", "区委书记"), ("李英", "")]``."""
    rules = as_lexicon(lexicon).yaml(SPEAKERS_FILE)["metadata"]
    item_re = re.compile(rules["item"])
    people = []
    for item in field.split(rules["item_separator"]):
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
    ``metadata`` rules; the title is the part before ``;``.
    """
    out = {}
    for doc in corpus.documents.to_dict("records"):
        people = [(doc.get("main_speaker"), doc.get("main_speaker_title")), (doc.get("chair"), doc.get("chair_title"))]
        people += other_speakers(str(doc.get("other_speakers") or ""), corpus.lexicon)
        out[doc["doc_id"]] = {n: _Speaker(n, t or "", speaker_role(t or "", corpus.lexicon))
                              for n, t in people if isinstance(n, str) and n.strip()}
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


@memoised(SPEAKERS_FILE)
def attribute_speakers(corpus: Corpus) -> pd.DataFrame:
    """Per sentence: who speaks. ``doc_id, para_id, sent_id, speaker, role, title, cue, attribution,
    relayed, relayed_by``.

    ``attribution`` is ``explicit`` (the sentence names the speaker and a speech verb), ``carried``
    (carried forward from an earlier sentence of the same speech) or ``none``. A speech is carried
    across sentences and paragraphs until another attribution or a non-speech sentence (attendance,
    会议通报了…). ``relayed`` marks a speech passed on by ``relayed_by`` (传达…讲话精神).
    """
    lex = corpus.lexicon.yaml(SPEAKERS_FILE)
    people = known_speakers(corpus)
    frames = [_attribute_doc(doc_id, g, people.get(doc_id, {}), corpus, lex)
              for doc_id, g in corpus.sentences.groupby("doc_id", sort=False)]
    return pd.concat(frames, ignore_index=True).astype({"relayed_by": "str"})


def _attribute_doc(doc_id: str, sents: pd.DataFrame, people: dict[str, _Speaker], corpus: Corpus,
                   lex: dict) -> pd.DataFrame:
    """Speaker attribution for the sentences of one report (see :func:`attribute_speakers`)."""
    names = list(people)
    attr_re = _attribution_re(names, lex)
    name_re = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))) if names else None
    voices = {v["voice"]: v["role"] for v in lex["collective_voices"]}
    pronouns = {p["pronoun"] for p in lex["pronouns"]}
    non_speech = [re.compile(p["pattern"]) for p in lex["non_speech"]]
    relay_re = re.compile(lex["relay"]["signal"])
    main = corpus.documents.set_index("doc_id").at[doc_id, "main_speaker"] if "main_speaker" in corpus.documents else ""
    current, relay, last_name, relayer = None, None, None, None  # relay: (speaker name or None, relayer)
    rows = []
    for r in sents.itertuples():
        m = attr_re.search(r.text)
        row = {"doc_id": doc_id, "para_id": r.para_id, "sent_id": r.sent_id, "cue": ""}
        mentions = [x.group(0) for x in name_re.finditer(r.text)] if name_re else []
        if name_re and lex["relay"]["relayer_verb"] in r.text:
            before = r.text.split(lex["relay"]["relayer_verb"], 1)[0]
            found = name_re.findall(before)
            relayer = found[-1] if found else relayer
        if m and not (m.group("who") in pronouns and not (last_name or mentions)):
            who = m.group("who")
            if who in pronouns:
                prior = name_re.findall(r.text[: m.start()]) if name_re else []
                who = prior[-1] if prior else last_name
            current = _Speaker(who, "", voices[who]) if who in voices else people[who]
            if relay and relay[0] not in (None, current.name):
                relay = None
            elif relay and relay[0] is None:
                relay = (current.name, relay[1])
            row.update(cue=m.group("frame") or m.group("verb"), attribution="explicit")
        elif relay_re.search(r.text):
            inside = name_re.findall(r.text) if name_re else []
            relay = (inside[-1] if inside else None, relayer or main)
            current = None
            row["attribution"] = "none"
        elif any(p.search(r.text) for p in non_speech):
            current, relay = None, None
            row["attribution"] = "none"
        else:
            row["attribution"] = "carried" if current else "none"
        if mentions:
            last_name = mentions[-1]
        row.update(speaker=current.name if current else None, role=current.role if current else None,
                   title=current.title if current else None,
                   relayed=bool(current and relay and relay[0] == current.name),
                   relayed_by=relay[1] if (current and relay and relay[0] == current.name) else None)
        rows.append(row)
    return pd.DataFrame(rows, columns=SPEAKER_COLUMNS)
