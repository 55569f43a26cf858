"""How the reports speak: directives, lists, set phrases, parallelism, quotations, register, voices.

Every word list lives in ``data/lexicon/`` (``directives.yaml``, ``register.yaml``,
``speakers.yaml``); this module only reads them. Every function takes a :class:`~analysis.Corpus`
(any number of reports) and returns a pandas DataFrame.

Words are matched on TOKEN boundaries (the corpus tokens: jieba with the domain dictionary): a
lexicon entry equals one token, or a run of consecutive tokens within one sentence, and at each
position the longest entry wins. So 要 inside the single tokens 重要, 需要, 主要 or 要求 is never the
modal 要. Register terms marked ``match: substring`` (single-character prefixes such as 最) are
counted in the sentence text instead.

Rates are per 1,000 Han characters of the cleaned body (``documents.n_chars``).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.loading.chars import HAN, HAN_RE
from analysis.loading.config import DATA_DIR
from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised
from analysis.loading.segmenter import jieba_dict_path
from analysis.loading.tokenize import DICTIONARY_FILE, stopwords
from analysis.measures.directives import DIRECTIVES_FILE, sentence_directives, token_offsets
from analysis.measures.directives import directive_markers as _directive_markers
from analysis.measures.keyness import keyness
from analysis.measures.matching import count_substring, index_entries, match_runs
from analysis.measures.matching import sentence_token_lists as _sentence_token_lists
from analysis.measures.outline import OUTLINE_FILE, frame_re, outline, outline_summary
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers, known_speakers, mask_spans, name_spans
from analysis.measures.stats import bootstrap_rate
from analysis.measures.text import cn_numeral

REGISTER_FILE = "register.yaml"
FORMULAS_FILE = "formulas.yaml"
WORDCLOUDS_FILE = "wordclouds.yaml"


# --------------------------------------------------------------------------------------------
# shared inputs, computed once per corpus


def directive_markers(data, tokens=None, lexicon=None) -> pd.DataFrame:
    """:func:`analysis.measures.directives.directive_markers`, called with every argument spelled out
    as :func:`~analysis.measures.directives.sentence_directives` calls it, so that the profile, the
    strength shares and the marker tables share one stored result per corpus."""
    return _directive_markers(data, tokens, lexicon)


@memoised()
def sentence_token_lists(corpus: Corpus) -> pd.DataFrame:
    """:func:`analysis.measures.matching.sentence_token_lists` of the corpus (``doc_id, sent_id,
    text, tokens``), built once for the register, the idioms and the other token measures of this
    module: each token placed in its sentence's row by one index lookup over the whole token table,
    then the table cut at the sentence boundaries (the same lists, in the same order)."""
    sents = corpus.sentences[["doc_id", "sent_id", "text"]].reset_index(drop=True)
    tok = corpus.tokens
    keys = pd.MultiIndex.from_arrays([sents["doc_id"], sents["sent_id"]])
    if not keys.is_unique:   # the general path of the matching module
        return _sentence_token_lists(corpus)
    row = pd.Series(np.arange(len(sents)), index=keys)
    pos = row.reindex(pd.MultiIndex.from_arrays([tok["doc_id"], tok["sent_id"]])).to_numpy()
    keep = ~np.isnan(pos)
    pos = pos[keep].astype("int64")
    words = tok["token"].to_numpy(dtype=object)[keep]
    order = np.argsort(pos, kind="stable")   # sentence by sentence, tokens in their table order
    counts = np.bincount(pos[order], minlength=len(sents))
    lists = [a.tolist() for a in np.split(words[order], np.cumsum(counts)[:-1])] if len(sents) else []
    return sents.assign(tokens=pd.Series(lists, index=sents.index, dtype=object))


# --------------------------------------------------------------------------------------------
# register


@memoised(REGISTER_FILE)
def register_hits(corpus: Corpus) -> pd.DataFrame:
    """One row per register term: ``doc_id, sent_id, category, term``.

    Token terms match token runs (longest first within a category); ``match: substring`` terms are
    counted in the sentence text, except inside the words listed under their ``exclude``. Nothing
    is counted inside the names of documents and meetings (register.yaml ``scope``).
    """
    lex = corpus.lexicon.yaml(REGISTER_FILE)
    sents = sentence_token_lists(corpus)
    names = [re.compile(e["pattern"]) for e in lex.get("scope", {}).get("exclude_spans", [])]
    records = list(sents.itertuples())
    scoped = [name_spans(r.text, names) for r in records]
    token_sets = [set(t) for t in sents["tokens"]]   # a run can only match where its first token stands
    rows = []
    for category, terms in lex["categories"].items():
        token_terms = [t for t in terms if t.get("match", "token") == "token"]
        index = index_entries(token_terms, "term")
        firsts = {run[0] for run in index}
        substring_terms = [t for t in terms if t.get("match") == "substring"]
        for r, spans, tokset in zip(records, scoped, token_sets):
            if firsts.isdisjoint(tokset):
                hits = []
            else:
                offsets = token_offsets(r.text, r.tokens) if spans else []
                hits = [e["term"] for i, _, e in match_runs(r.tokens, index)
                        if not (spans and any(a <= offsets[i] < b for a, b in spans))]
            text = mask_spans(r.text, spans)
            hits += [t["term"] for t in substring_terms for _ in range(count_substring(text, t))]
            rows += [{"doc_id": r.doc_id, "sent_id": r.sent_id, "category": category, "term": h} for h in hits]
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "category", "term"]).astype({"sent_id": "int64"})


# --------------------------------------------------------------------------------------------
# speakers


# --------------------------------------------------------------------------------------------
# enumerations


@memoised(DIRECTIVES_FILE)
def list_items(corpus: Corpus) -> pd.DataFrame:
    """Every sentence that opens a list item: ``doc_id, para_id, sent_id, style, level, num, text``.

    Styles and their patterns come from the ``enumerations`` section of directives.yaml; ``num`` is
    the item's number (0 for a bullet, whose lists are numbered by position).
    """
    styles = corpus.lexicon.yaml(DIRECTIVES_FILE)["enumerations"]
    compiled = [(s, re.compile(s["pattern"])) for s in styles]
    rows = []
    for r in corpus.sentences.itertuples():
        for s, rx in compiled:
            m = rx.match(r.text)
            if m:
                rows.append({"doc_id": r.doc_id, "para_id": r.para_id, "sent_id": r.sent_id, "style": s["style"],
                             "level": s["level"], "num": _item_number(m, s), "text": r.text})
                break
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "sent_id", "style", "level", "num", "text"])


def _item_number(m: re.Match, style: dict) -> int:
    """The item's number: a Chinese numeral, a position in ``sequence``, or 0 for a bullet."""
    num = m.groupdict().get("num")
    if num is None:
        return 0
    if "sequence" in style:
        return style["sequence"].index(num) + 1
    return cn_numeral(num)


@memoised(DIRECTIVES_FILE, SPEAKERS_FILE)
def enumerations(corpus: Corpus) -> pd.DataFrame:
    """The numbered and bulleted lists: ``doc_id, list_id, style, n_items, depth, parent, first_sent,
    last_sent, first_para, last_para, items``.

    A list is a run of items of one style numbered 1, 2, 3… (bullets: consecutive bullets). It may
    span paragraphs; it ends at a speech boundary (a new speaker or a non-speech sentence, see
    :func:`attribute_speakers`), at the next item of an enclosing list or at a new list of its own
    style. A list opened inside another list's item has depth 2 (``parent`` names that list).
    ``last_sent`` is the last sentence of the last item: for sentence-level styles the end of its
    paragraph at most.
    """
    items = list_items(corpus)
    speech = attribute_speakers(corpus)
    boundaries = set(zip(speech.loc[speech["attribution"] != "carried", "doc_id"],
                         speech.loc[speech["attribution"] != "carried", "sent_id"]))
    rows = []
    by_doc = dict(tuple(items.groupby("doc_id", sort=False)))   # once, not a filter of the table per report
    for doc_id, sents in corpus.sentences.groupby("doc_id", sort=False):
        doc_items = by_doc.get(doc_id, items.iloc[:0]).set_index("sent_id")
        rows += _lists_in_doc(doc_id, sents, doc_items, boundaries)
    cols = ["doc_id", "list_id", "style", "n_items", "depth", "parent", "first_sent", "last_sent",
            "first_para", "last_para", "items"]
    return pd.DataFrame(rows, columns=cols).astype({"parent": "str"})


def _lists_in_doc(doc_id: str, sents: pd.DataFrame, items: pd.DataFrame, boundaries: set) -> list[dict]:
    """Group one report's list items into lists with a stack of open lists (see :func:`enumerations`)."""
    para_of = dict(zip(sents["sent_id"], sents["para_id"]))
    para_end = sents.groupby("para_id")["sent_id"].max().to_dict()
    stack, done = [], []

    def close(upto: int, keep: int) -> None:
        while len(stack) > keep:
            lst = stack.pop()
            end = upto - 1
            if lst["level"] == "sentence":
                end = min(end, para_end[para_of[lst["item_sents"][-1]]])
            lst["last_sent"] = end
            done.append(lst)

    for sid in sents["sent_id"]:
        if sid in items.index:
            it = items.loc[sid]
            pos = next((k for k in range(len(stack) - 1, -1, -1) if _continues(stack[k], it)), None)
            if pos is not None:
                close(sid, pos + 1)
                stack[pos]["item_sents"].append(sid)
                stack[pos]["item_texts"].append(it["text"])
                stack[pos]["last_num"] = it["num"]
                continue
            if it["num"] in (0, 1):
                same = next((k for k, lst in enumerate(stack) if lst["style"] == it["style"]), None)
                if same is not None:
                    close(sid, same)
                parent = stack[-1]["list_id"] if stack else None
                stack.append({"doc_id": doc_id, "list_id": f"{doc_id}:{len(done) + len(stack) + 1}",
                              "style": it["style"], "level": it["level"], "depth": len(stack) + 1,
                              "parent": parent, "item_sents": [sid], "item_texts": [it["text"]],
                              "last_num": it["num"]})
        elif (doc_id, sid) in boundaries and stack:
            close(sid, 0)
    close(int(sents["sent_id"].max()) + 1, 0)
    out = []
    for lst in sorted(done, key=lambda x: x["item_sents"][0]):
        out.append({"doc_id": doc_id, "list_id": lst["list_id"], "style": lst["style"],
                    "n_items": len(lst["item_sents"]), "depth": lst["depth"], "parent": lst["parent"],
                    "first_sent": lst["item_sents"][0], "last_sent": lst["last_sent"],
                    "first_para": para_of[lst["item_sents"][0]], "last_para": para_of[lst["last_sent"]],
                    "items": " | ".join(lst["item_texts"])})
    return out


def _continues(lst: dict, item: pd.Series) -> bool:
    """Whether ``item`` is the next item of the open list ``lst``."""
    if lst["style"] != item["style"]:
        return False
    if item["num"] == 0:
        return True
    return item["num"] == lst["last_num"] + 1


# --------------------------------------------------------------------------------------------
# set phrases, parallelism, quotations

#: Quotation marks: transparent for segmenting (“最好准备、最佳状态” gives 最好准备 and 最佳状态).
QUOTES = "“”‘’「」『』\"'"
#: Punctuation that delimits the segments of a sentence for 四字格 (any punctuation or space but quotes).
SEGMENT_DELIMITERS_RE = re.compile(r"[^\w“”‘’「」『』\"']+")
#: Punctuation at the edges of a segment.
EDGE_PUNCT_RE = re.compile(r"^[^\w]+|[^\w]+$")
#: Delimiters of the members of a parallel construction.
PARALLEL_DELIMITERS_RE = re.compile(r"[、，；]")
#: Marks a varying position in a parallel template.
SLOT = "＿"


@memoised(FORMULAS_FILE, SPEAKERS_FILE, DICTIONARY_FILE)
def four_char_phrases(corpus: Corpus) -> pd.DataFrame:
    """四字格: segments of exactly four Han characters delimited by punctuation.

    ``doc_id, sent_id, phrase`` (认清形势、提高认识、明确任务、狠抓落实 gives four rows). Quotation marks
    do not delimit but are dropped at a segment's edges (“最严要求” counts, 用干部的“辛苦指数” does not
    split). A segment with digits or Latin letters is not a 四字格, nor are names, titles and speech
    frames (see ``data/lexicon/formulas.yaml`` and :func:`not_set_phrase_test`).
    """
    rows = [{"doc_id": r.doc_id, "sent_id": r.sent_id, "phrase": seg}
            for r in corpus.sentences.itertuples()
            for seg in (x.strip(QUOTES) for x in SEGMENT_DELIMITERS_RE.split(r.text))
            if len(seg) == 4 and len(HAN_RE.findall(seg)) == 4]
    out = pd.DataFrame(rows, columns=["doc_id", "sent_id", "phrase"]).astype({"sent_id": "int64"})
    reject = not_set_phrase_test(corpus)
    return out[~out["phrase"].map(reject)].reset_index(drop=True)


def not_set_phrase_test(corpus: Corpus):
    """A predicate telling which four-character segments are NOT set phrases (formulas.yaml): names,
    places and organisations of the domain dictionary, speech frames (会议指出), titles, listed nouns."""
    lex = corpus.lexicon.yaml(FORMULAS_FILE)
    tags = set(lex["exclude_tags"])
    named = set()
    for line in corpus.lexicon.lines(DICTIONARY_FILE):
        parts = line.split()
        if len(parts) >= 3 and parts[2] in tags:
            named.add(parts[0])
    spk = corpus.lexicon.yaml(SPEAKERS_FILE)
    people = {name for doc in known_speakers(corpus).values() for name in doc}
    voices = people | {p["pronoun"] for p in spk["pronouns"]} | {v["voice"] for v in spk["collective_voices"]}
    verbs = [v["verb"] for v in spk["speech_verbs"]]
    titles = tuple(t["suffix"] for t in lex["title_suffixes"])
    listed = {p["phrase"] for p in lex["not_set_phrases"]}

    longest = max(map(len, named), default=0)

    def contains_name(seg: str) -> bool:
        # every substring of the (short) segment looked up, not every name scanned
        return any(seg[i:j] in named for i in range(len(seg)) for j in range(i + 1, min(len(seg), i + longest) + 1))

    def reject(seg: str) -> bool:
        if seg in listed or seg.endswith(titles) or contains_name(seg):
            return True
        return any(seg.endswith(v) and seg[: -len(v)] in voices for v in verbs)

    return reject


def parallel_template(members: list[str]) -> str:
    """Shared template of equal-length members, ``＿`` where they differ (更加＿＿的＿＿)."""
    return "".join(chars[0] if len(set(chars)) == 1 else SLOT for chars in zip(*members))


def min_parallel_members(lexicon: Lexicon | None = None) -> int:
    """The fewest members of a parallel construction (formulas.yaml ``parallel.min_members``)."""
    return int(as_lexicon(lexicon).yaml(FORMULAS_FILE)["parallel"]["min_members"]["value"])


def find_parallel_runs(text: str, min_members: int | None = None) -> list[dict]:
    """Runs of at least ``min_members`` consecutive 、/，/；-separated segments of equal length that
    share a template (at least one fixed and one varying position).

    The first segment may carry leading words (全市上下要以更加坚定的决心): its last characters are
    compared; likewise the last may carry trailing words (人人参与创建的良好局面): its first characters.
    A trimmed last member is kept only if it leaves the template of the others unchanged; a trimmed
    first member that blurs the template is dropped when ``min_members`` others remain without it.
    Returns ``{template, members, length}`` for each maximal run, left to right. ``min_members``
    defaults to formulas.yaml (see :func:`min_parallel_members`).
    """
    min_members = min_parallel_members() if min_members is None else min_members
    segs = [EDGE_PUNCT_RE.sub("", s) for s in PARALLEL_DELIMITERS_RE.split(text)]
    runs, i = [], 0
    while i + min_members <= len(segs):
        length = len(segs[i + 1])
        members = [segs[i][-length:]] if length >= 2 and len(segs[i]) >= length else []
        j = i + 1
        while members and j < len(segs) and len(segs[j]) == length and _has_template(members + [segs[j]]):
            members.append(segs[j])
            j += 1
        if len(segs[i]) > length and len(members) > min_members and \
                parallel_template(members) != parallel_template(members[1:]):
            members = members[1:]  # a trimmed first member may not blur the template of the others
        if len(members) >= 2 and j < len(segs) and len(segs[j]) > length and \
                parallel_template(members + [segs[j][:length]]) == parallel_template(members):
            members.append(segs[j][:length])  # the last member may carry trailing words: …人人参与创建的良好局面
            j += 1
        if len(members) >= min_members:
            runs.append({"template": parallel_template(members), "members": members, "length": length})
            i = j - 1
        else:
            i += 1
    return runs


def _has_template(members: list[str]) -> bool:
    """Whether members agree in at least one position and differ in at least one."""
    template = parallel_template(members)
    return SLOT in template and template.strip(SLOT) != "" and all(HAN_RE.fullmatch(c) for m in members for c in m)


@memoised(FORMULAS_FILE)
def parallel_constructions(corpus: Corpus, min_members: int | None = None) -> pd.DataFrame:
    """排比 within sentences: ``doc_id, sent_id, template, n_members, length, members`` (runs of at
    least ``min_members``, by default formulas.yaml's ``parallel.min_members``).

    立必胜之志、下务实之功、聚全民之力、担千钧之责 -> ``＿＿＿之＿``; 更加坚定的决心、更加饱满的热情、
    更加务实的举措、更加过硬的作风 -> ``更加＿＿的＿＿``. Members are joined with ``、``.
    """
    members = min_parallel_members(corpus.lexicon) if min_members is None else min_members
    rows = [{"doc_id": r.doc_id, "sent_id": r.sent_id, "template": run["template"],
             "n_members": len(run["members"]), "length": run["length"], "members": "、".join(run["members"])}
            for r in corpus.sentences.itertuples() for run in find_parallel_runs(r.text, members)]
    cols = ["doc_id", "sent_id", "template", "n_members", "length", "members"]
    return pd.DataFrame(rows, columns=cols).astype({"sent_id": "int64", "n_members": "int64", "length": "int64"})


QUOTE_RE = re.compile(r"“([^“”]+)”")


def quoted_phrases(corpus: Corpus) -> pd.DataFrame:
    """Phrases in “…” per report: ``doc_id, phrase, count, first_sent`` (reports in corpus order, most
    frequent first)."""
    hits = quotation_hits(corpus)
    out = hits.groupby(["doc_id", "phrase"], sort=False).agg(count=("sent_id", "size"), first_sent=("sent_id", "min"))
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.reset_index().assign(_doc=lambda t: t["doc_id"].map(order))
    out = out.sort_values(["_doc", "count", "first_sent"], ascending=[True, False, True], ignore_index=True)
    return out.drop(columns="_doc").astype({"count": "int64", "first_sent": "int64"})


# --------------------------------------------------------------------------------------------
# profile, intervals, concordance


def _per_doc_counts(corpus: Corpus) -> dict[str, pd.Series]:
    """Count of each measure per report (measure name -> Series indexed by doc_id)."""
    directives = directive_markers(corpus)
    items = outline(corpus)
    reg = register_hits(corpus)
    quotes = quoted_phrases(corpus)
    counts = {
        "directive_markers": directives.groupby("doc_id").size(),
        "bare_imperatives": directives[directives["kind"] == "imperative"].groupby("doc_id").size(),
        **{f"directives_grade{g}": directives[directives["grade"] == g].groupby("doc_id").size() for g in (3, 2, 1)},
        "enumerations": items.groupby("doc_id")["list_id"].nunique(),
        "enumeration_items": items.groupby("doc_id").size(),
        "four_char_phrases": four_char_idioms(corpus).groupby("doc_id").size(),
        "parallel_constructions": parallel_constructions(corpus).groupby("doc_id").size(),
        "parallel_across": parallel_across(corpus).groupby("doc_id").size(),
        "quotations": quotes.groupby("doc_id")["count"].sum(),
    }
    for category in corpus.lexicon.yaml(REGISTER_FILE)["categories"]:
        counts[category] = reg[reg["category"] == category].groupby("doc_id").size()
    return counts


#: Decimals of the derived columns of :func:`profile` (rates, shares, strengths).
PROFILE_DECIMALS = {"_per_1k": 2, "share_directive_sentences": 3, "mean_directive_strength": 2}


def profile_values(corpus: Corpus) -> pd.DataFrame:
    """:func:`profile` unrounded (the per-report values the group views average over reports)."""
    docs = corpus.documents.set_index("doc_id")[["n_chars", "n_sentences"]]
    out = docs.copy()
    for name, series in _per_doc_counts(corpus).items():
        count = series.reindex(docs.index, fill_value=0).astype("int64")
        out[name] = count
        out[f"{name}_per_1k"] = count / docs["n_chars"] * 1000
    sd = sentence_directives(corpus)
    out["share_directive_sentences"] = (sd["strength"] > 0).groupby(sd["doc_id"]).mean().reindex(docs.index)
    out["mean_directive_strength"] = sd.groupby("doc_id")["strength"].mean().reindex(docs.index)
    depth = outline(corpus).groupby("doc_id")["level"].max()
    out["max_list_depth"] = depth.reindex(docs.index, fill_value=0).astype("int64")
    return out.loc[corpus.doc_ids]


def profile(corpus: Corpus) -> pd.DataFrame:
    """Reports x measures: each count, its rate per 1,000 Han characters (``<measure>_per_1k``), and
    the denominators ``n_chars`` and ``n_sentences``; plus the share of sentences with a directive,
    their mean strength, and the deepest list nesting (rounded: :data:`PROFILE_DECIMALS`).
    """
    out = profile_values(corpus)
    for col in out.columns:
        digits = next((d for k, d in PROFILE_DECIMALS.items() if col.endswith(k)), None)
        if digits is not None:
            out[col] = out[col].round(digits)
    return out


#: The measures of :func:`measure_hits` that are not register categories, in order (their display
#: names are in register.yaml's ``labels``, with the categories').
OTHER_MEASURES = ("directive_markers", "four_char_phrases", "parallel_constructions", "quotations")


def measure_labels(corpus: Corpus) -> dict[str, str]:
    """``measure -> display name`` for every measure of :func:`measure_hits`, in their order
    (register.yaml ``labels``; a measure without a label is shown by its name)."""
    reg = corpus.lexicon.yaml(REGISTER_FILE)
    labels = reg.get("labels", {})
    return {m: labels.get(m, m) for m in (*OTHER_MEASURES, *reg["categories"])}


def directive_strength_shares(corpus: Corpus) -> pd.DataFrame:
    """Reports x strength (0 none, 1 softer, 2 exhortation, 3 obligation): sentences at each strength,
    as counts and as shares of the report's sentences (``n_sentences`` is the denominator)."""
    sd = sentence_directives(corpus)
    counts = pd.crosstab(sd["doc_id"], sd["strength"]).reindex(index=corpus.doc_ids, columns=[0, 1, 2, 3], fill_value=0)
    counts.columns = [f"strength_{c}" for c in counts.columns]
    n = counts.sum(axis=1)
    shares = counts.div(n, axis=0).round(3).add_prefix("share_")
    return pd.concat([n.rename("n_sentences"), counts, shares], axis=1).rename_axis("doc_id")


def register_terms(corpus: Corpus, top: int = 6) -> pd.DataFrame:
    """The ``top`` most frequent terms of each register category: ``category, term, n`` and the
    count in each report (columns in corpus order)."""
    hits = register_hits(corpus)
    per_doc = pd.crosstab([hits["category"], hits["term"]], hits["doc_id"]).reindex(columns=corpus.doc_ids, fill_value=0)
    out = per_doc.assign(n=per_doc.sum(axis=1)).reset_index()
    out = out.sort_values(["category", "n", "term"], ascending=[True, False, True], kind="mergesort")
    out = out.groupby("category", sort=False).head(top)
    return out[["category", "term", "n", *corpus.doc_ids]].reset_index(drop=True)


@memoised()
def quotation_hits(corpus: Corpus) -> pd.DataFrame:
    """One row per quotation (“…”) occurrence: ``doc_id, sent_id, phrase`` (see :func:`quoted_phrases`)."""
    rows = [{"doc_id": r.doc_id, "sent_id": r.sent_id, "phrase": m.group(1)}
            for r in corpus.sentences.itertuples() for m in QUOTE_RE.finditer(r.text)]
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "phrase"]).astype({"sent_id": "int64"})


def measure_hits(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Occurrences behind each rate of the profile, ``measure -> DataFrame(doc_id, sent_id, …)``:
    directive markers, 四字格, parallel constructions, quotations and each register category."""
    reg = register_hits(corpus)
    out = {
        "directive_markers": directive_markers(corpus),
        "four_char_phrases": four_char_idioms(corpus),
        "parallel_constructions": parallel_constructions(corpus),
        "quotations": quotation_hits(corpus),
    }
    for category in corpus.lexicon.yaml(REGISTER_FILE)["categories"]:
        out[category] = reg[reg["category"] == category]
    return out


def rate_intervals(corpus: Corpus, n_boot: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Every measure of :func:`measure_hits` as a rate per 1,000 Han characters with a bootstrap
    interval (sentences resampled per report; see :func:`bootstrap_rate`). Long format: ``measure,
    doc_id, count, n_chars, rate_per_1k, ci_low, ci_high, n_boot, seed``. Each measure uses its own
    generator seeded with ``seed``, so adding a measure does not change the others' intervals.
    ``n_boot`` and ``seed`` default to statistics.yaml."""
    frames = [bootstrap_rate(corpus, hits, n_boot=n_boot, seed=seed).assign(measure=name)
              for name, hits in measure_hits(corpus).items()]
    out = pd.concat(frames, ignore_index=True)
    return out[["measure"] + [c for c in out.columns if c != "measure"]]


def role_profile(corpus: Corpus) -> pd.DataFrame:
    """Directive force by speaker role within each report.

    One row per report and role (``party_secretary``, ``government_head``, ``meeting_paraphrase``…;
    sentences no one is said to speak are ``narration``): ``n_sentences, n_chars, directive_markers,
    directives_per_1k, share_directive_sentences, mean_strength, speakers`` (names, ``relayed`` when
    passed on by another official).
    """
    spk = attribute_speakers(corpus)[["doc_id", "sent_id", "speaker", "role", "relayed"]]
    sd = sentence_directives(corpus)
    s = corpus.sentences[["doc_id", "sent_id", "text"]].merge(spk, on=["doc_id", "sent_id"]).merge(
        sd, on=["doc_id", "sent_id"])
    s["role"] = s["role"].fillna("narration")
    s["n_chars"] = s["text"].str.count(f"[{HAN}]")
    s["who"] = [("" if pd.isna(n) else n + (" (relayed)" if r else "")) for n, r in zip(s["speaker"], s["relayed"])]
    g = s.groupby(["doc_id", "role"], sort=False)
    out = g.agg(n_sentences=("sent_id", "size"), n_chars=("n_chars", "sum"), directive_markers=("n_markers", "sum"),
                share_directive_sentences=("strength", lambda x: round((x > 0).mean(), 3)),
                mean_strength=("strength", lambda x: round(x.mean(), 2)),
                speakers=("who", lambda x: "、".join(dict.fromkeys(w for w in x if w)))).reset_index()
    out["directives_per_1k"] = (out["directive_markers"] / out["n_chars"] * 1000).round(2)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.sort_values(["doc_id", "role"], key=lambda c: c.map(order) if c.name == "doc_id" else c)
    cols = ["doc_id", "role", "speakers", "n_sentences", "n_chars", "directive_markers", "directives_per_1k",
            "share_directive_sentences", "mean_strength"]
    return out[cols].reset_index(drop=True)


def wordcloud_weights(corpus: Corpus) -> pd.DataFrame:
    """Words to draw in each report's cloud and their weights: keyness G² against the other reports
    (:func:`analysis.compare.keyness`), minus names, places, organisations, bureaucratic stopwords
    and words shorter than ``min_chars`` Han characters, for words used at least ``min_count`` times
    (``data/lexicon/wordclouds.yaml``).

    Returns ``doc_id, term, count, per_1k, per_1k_rest, g2, log_ratio`` sorted by report and weight.
    """
    k = _cloud_terms(corpus, keyness(corpus))
    return k[["doc_id", "term", "count", "per_1k", "per_1k_rest", "g2", "log_ratio"]].reset_index(drop=True)


def kwic(corpus: Corpus, term: str, width: int = 12) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` in the cleaned texts.

    ``doc_id, sent_id, start, left, term, right``; ``width`` characters each side (line breaks shown
    as ``¶``).
    """
    rows = []
    # each report's sentence starts and ends once; a match finds its sentence by binary search
    bounds = {d: (g["start"].to_numpy(), g["end"].to_numpy(), g["sent_id"].to_numpy())
              for d, g in corpus.sentences.sort_values(["doc_id", "start"], kind="stable").groupby("doc_id", sort=False)}
    none = (np.array([], dtype="int64"),) * 3
    pattern = re.compile(re.escape(term))
    for doc_id, text in zip(corpus.documents["doc_id"], corpus.documents["text"]):
        starts, ends, ids = bounds.get(doc_id, none)
        for m in pattern.finditer(text):
            k = int(np.searchsorted(starts, m.start(), side="right")) - 1
            sent_id = int(ids[k]) if k >= 0 and ends[k] > m.start() else -1
            rows.append({"doc_id": doc_id, "sent_id": sent_id, "start": m.start(),
                         "left": text[max(0, m.start() - width) : m.start()].replace("\n", "¶"), "term": term,
                         "right": text[m.end() : m.end() + width].replace("\n", "¶")})
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "start", "left", "term", "right"])


# --------------------------------------------------------------------------------------------
# four-character idioms, parallelism across sentences, the outline's counts, sensitivity


def idiom_set(corpus: Corpus) -> frozenset[str]:
    """Four-Han-character idioms and fixed expressions (formulas.yaml ``four_char_idioms``): entries of
    jieba's dict.txt and of the domain dictionary with one of the listed tags."""
    tags = tuple(corpus.lexicon.yaml(FORMULAS_FILE)["four_char_idioms"]["tags"])
    paths = (jieba_dict_path(), corpus.lexicon.path(DICTIONARY_FILE))
    return _idioms(tuple(str(p) for p in paths), tuple(p.stat().st_mtime_ns for p in paths), tags)


@lru_cache(maxsize=4)
def _idioms(paths: tuple[str, ...], stamps: tuple[int, ...], tags: tuple[str, ...]) -> frozenset[str]:
    words = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2] in tags and len(parts[0]) == 4 and HAN_RE.fullmatch(parts[0][0]) \
                        and len(HAN_RE.findall(parts[0])) == 4:
                    words.add(parts[0])
    return frozenset(words)


@memoised(FORMULAS_FILE, DICTIONARY_FILE)
def four_char_idioms(corpus: Corpus) -> pd.DataFrame:
    """四字格 on tokens: ``doc_id, sent_id, phrase`` for every token, or run of consecutive tokens in a
    sentence, that is a four-character idiom of :func:`idiom_set` (宜居宜业 inside a slogan counts;
    a list item such as 社会稳定 does not). The measure ``four_char_phrases`` of the profile; the
    segment definition (:func:`four_char_phrases`) is its alternative in :func:`sensitivity`."""
    cfg = corpus.lexicon.yaml(FORMULAS_FILE)["four_char_idioms"]
    reject = not_set_phrase_test(corpus)
    dropped = {e["phrase"] for e in cfg.get("not_idioms", [])}
    idioms = frozenset(w for w in idiom_set(corpus) if w not in dropped and not reject(w))
    firsts = {w[0] for w in idioms}
    rows = []
    for r in sentence_token_lists(corpus).itertuples():
        toks, i = r.tokens, 0
        while i < len(toks):
            if toks[i] and toks[i][0] not in firsts:   # no idiom starts here
                i += 1
                continue
            run, n = "", 0
            while n < 4 and i + n < len(toks):   # tokens from i until four characters or more
                run += toks[i + n]
                n += 1
                if len(run) >= 4:
                    break
            if len(run) == 4 and run in idioms:
                rows.append({"doc_id": r.doc_id, "sent_id": r.sent_id, "phrase": run})
                i += n
            else:
                i += 1
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "phrase"]).astype({"sent_id": "int64"})


#: Where a unit's opening ends.
OPENING_END_RE = re.compile(r"[，；：。！？,;:!?]")
#: A list marker at the start of an item's heading (一、 （一） 一要 -> 要, —— , 一方面 …).
ITEM_MARKER_RE = re.compile(r"^(?:[（(]?[一二三四五六七八九十]+[）)、]?|——|另一方面|一方面|首先|其次|再次|最后|"
                            r"第[一二三四五六七八九十]+)[，、,]?")


def opening(text: str) -> str:
    """A unit's opening: its words up to the first ，；：。 (quotes kept)."""
    return OPENING_END_RE.split(text, 1)[0].strip()


def across_template(openings: list[str], lexicon: Lexicon | None = None) -> str | None:
    """The template the openings share (formulas.yaml ``parallel_across``), or ``None``: positional
    (``要让＿＿＿＿更加＿＿``... equal lengths) or an affix (``处理好…的关系``)."""
    return _shared_template(openings, as_lexicon(lexicon).yaml(FORMULAS_FILE)["parallel_across"])


def _shared_template(openings: list[str], cfg: dict) -> str | None:
    """:func:`across_template` with formulas.yaml's ``parallel_across`` section already read."""
    if len(set(openings)) < len(openings) or any(len(o) < 2 for o in openings):
        return None
    if len({len(o) for o in openings}) == 1:
        t = parallel_template(openings)
        if SLOT in t and len(t) - t.count(SLOT) >= int(cfg["min_fixed"]):
            return t
    prefix = ""
    for chars in zip(*openings):
        if len(set(chars)) > 1:
            break
        prefix += chars[0]
    rests = [o[len(prefix):] for o in openings]
    suffix = ""
    for chars in zip(*(r[::-1] for r in rests)):
        if len(set(chars)) > 1:
            break
        suffix = chars[0] + suffix
    if len(prefix) + len(suffix) >= int(cfg["min_affix"]) and all(len(r) > len(suffix) for r in rests):
        return f"{prefix}…{suffix}"
    return None


def _across_runs(units: list[dict], min_members: int, lexicon) -> list[list[dict]]:
    """Greedy maximal runs of units sharing a template; a unit that does not match and stands in the
    paragraph of the run's last member is skipped (the member's continuation)."""
    cfg = as_lexicon(lexicon).yaml(FORMULAS_FILE)["parallel_across"]   # read once, not once per comparison
    runs, i = [], 0
    while i < len(units):
        if not units[i]["eligible"]:
            i += 1
            continue
        members, j, last = [units[i]], i + 1, i
        while j < len(units):
            u = units[j]
            if u["eligible"] and u["kind"] == members[0]["kind"] and \
                    _shared_template([m["opening"] for m in members] + [u["opening"]], cfg):
                members.append(u)
                last = j
            elif u["para_id"] != members[-1]["para_id"]:
                break
            j += 1
        if len(members) >= min_members:
            runs.append(members)
            i = last + 1
        else:
            i += 1
    return runs


@memoised(FORMULAS_FILE, OUTLINE_FILE, SPEAKERS_FILE)
def parallel_across(corpus: Corpus, min_members: int | None = None) -> pd.DataFrame:
    """排比 across sentences: ``doc_id, unit, first_sent, last_sent, sent_ids, n_members, template, members``.

    ``unit`` is ``items`` (sibling items of one outline list, compared on their headings without the
    list marker: ——要立必胜之志 / ——要下务实之功 … -> ``要＿＿＿之＿``) or ``sentences`` (consecutive
    sentences that are not outline items, compared on their openings after a speech frame: Panjin's
    要让城市形象更加靓丽 … five times). A framed sentence (会议要求，要统筹兼顾、系统推进，…) pairs only
    with framed sentences: it heads the section, it is not one of the tasks that follow. See
    formulas.yaml ``parallel_across``; ``min_members`` defaults to ``parallel.min_members``.
    """
    need = min_parallel_members(corpus.lexicon) if min_members is None else min_members
    items = outline(corpus)
    frame = frame_re(corpus.lexicon)
    rows = []
    # one pass over each corpus-wide table, its rows gathered by list and by report in table order
    lists: dict[tuple, list] = {}
    for r in items[["doc_id", "list_id", "first_sent", "item_id", "style", "heading"]].itertuples(index=False):
        lists.setdefault((r.doc_id, r.list_id), []).append(r)
    for (doc_id, _), sib in lists.items():
        units = [{"sent_id": r.first_sent, "para_id": r.item_id, "kind": "item", "eligible": True,
                  "opening": opening(ITEM_MARKER_RE.sub("", r.heading) if r.style not in ("announced", "headline_echo")
                                     else r.heading)} for r in sib]
        rows += [_across_row(doc_id, "items", run) for run in _across_runs(units, need, corpus.lexicon)]
    item_sents = set(zip(items["doc_id"], items["first_sent"]))
    by_doc: dict[str, list] = {}
    for r in corpus.sentences[["doc_id", "sent_id", "para_id", "text"]].itertuples(index=False):
        by_doc.setdefault(r.doc_id, []).append(r)
    for doc_id, sents in by_doc.items():
        units = []
        for r in sents:
            m = frame.match(r.text)
            units.append({"sent_id": r.sent_id, "para_id": r.para_id, "kind": "framed" if m else "plain",
                          "eligible": (doc_id, r.sent_id) not in item_sents,
                          "opening": opening(r.text[m.end():] if m else r.text)})
        rows += [_across_row(doc_id, "sentences", run) for run in _across_runs(units, need, corpus.lexicon)]
    cols = ["doc_id", "unit", "first_sent", "last_sent", "sent_ids", "n_members", "template", "members"]
    out = pd.DataFrame(rows, columns=cols)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.sort_values(["doc_id", "first_sent"], key=lambda c: c.map(order) if c.name == "doc_id" else c)
    return out.reset_index(drop=True).astype({"first_sent": "int64", "last_sent": "int64", "n_members": "int64"})


def _across_row(doc_id: str, unit: str, run: list[dict]) -> dict:
    openings = [m["opening"] for m in run]
    return {"doc_id": doc_id, "unit": unit, "first_sent": run[0]["sent_id"], "last_sent": run[-1]["sent_id"],
            "sent_ids": ",".join(str(m["sent_id"]) for m in run), "n_members": len(run),
            "template": across_template(openings), "members": " / ".join(openings)}


def flat_list_counts(corpus: Corpus) -> pd.DataFrame:
    """Per report, lists and items counted both ways: ``flat_lists, flat_items, flat_depth`` (the
    sentence-initial styles of directives.yaml, :func:`enumerations`) and ``outline_lists,
    outline_items, outline_depth`` (:func:`analysis.measures.outline.outline`)."""
    flat = enumerations(corpus)
    summary = outline_summary(corpus)
    out = pd.DataFrame(index=pd.Index(corpus.doc_ids, name="doc_id"))
    out["flat_lists"] = flat.groupby("doc_id").size().reindex(out.index, fill_value=0)
    out["flat_items"] = flat.groupby("doc_id")["n_items"].sum().reindex(out.index, fill_value=0)
    out["flat_depth"] = flat.groupby("doc_id")["depth"].max().reindex(out.index, fill_value=0)
    out["outline_lists"] = summary["n_lists"]
    out["outline_items"] = summary["n_items"]
    out["outline_depth"] = summary["depth"]
    return out.astype("int64")


#: The definitions compared in :func:`sensitivity`: ``(measure, definition, is_current)``.
SENSITIVITY_DEFINITIONS = (
    ("四字格 four-character phrases", "idioms on tokens", True),
    ("四字格 four-character phrases", "four characters between punctuation", False),
    ("directive markers", "modal markers and bare imperatives", True),
    ("directive markers", "modal markers only", False),
    ("list items", "outline items, any depth", True),
    ("list items", "flat lists (sentence-initial markers)", False),
    ("parallel constructions", "within and across sentences", True),
    ("parallel constructions", "within sentences only", False),
)


def _sensitivity_counts(corpus: Corpus) -> dict[tuple[str, str], pd.Series]:
    markers = directive_markers(corpus)
    lists = flat_list_counts(corpus)
    within = parallel_constructions(corpus).groupby("doc_id").size()
    across = parallel_across(corpus).groupby("doc_id").size()
    idx = pd.Index(corpus.doc_ids)
    z = dict(fill_value=0)
    d = SENSITIVITY_DEFINITIONS
    return {
        d[0][:2]: four_char_idioms(corpus).groupby("doc_id").size().reindex(idx, **z),
        d[1][:2]: four_char_phrases(corpus).groupby("doc_id").size().reindex(idx, **z),
        d[2][:2]: markers.groupby("doc_id").size().reindex(idx, **z),
        d[3][:2]: markers[markers["kind"] == "modal"].groupby("doc_id").size().reindex(idx, **z),
        d[4][:2]: lists["outline_items"].reindex(idx, **z),
        d[5][:2]: lists["flat_items"].reindex(idx, **z),
        d[6][:2]: within.reindex(idx, **z) + across.reindex(idx, **z),
        d[7][:2]: within.reindex(idx, **z),
    }


def sensitivity(corpus: Corpus) -> pd.DataFrame:
    """How each report's rank moves when a measure's definition changes. Long format: ``measure,
    definition, current, doc_id, count, n_chars, rate_per_1k, rank`` (1 = highest rate per 1,000 Han
    characters; ties share the better rank). The definitions are :data:`SENSITIVITY_DEFINITIONS`."""
    n_chars = corpus.documents.set_index("doc_id")["n_chars"].reindex(corpus.doc_ids)
    current = {(m, d): c for m, d, c in SENSITIVITY_DEFINITIONS}
    rows = []
    for (measure, definition), counts in _sensitivity_counts(corpus).items():
        rate = (counts / n_chars * 1000).round(2)
        rank = rate.rank(ascending=False, method="min").astype("int64")
        rows += [{"measure": measure, "definition": definition, "current": current[(measure, definition)],
                  "doc_id": d, "count": int(counts[d]), "n_chars": int(n_chars[d]), "rate_per_1k": float(rate[d]),
                  "rank": int(rank[d])} for d in corpus.doc_ids]
    return pd.DataFrame(rows)


def sensitivity_table(corpus: Corpus) -> pd.DataFrame:
    """:func:`sensitivity` as a reading table: one row per measure and definition, one column per
    report (``rank (rate)``), and ``moves``: the reports whose rank differs between the measure's
    definitions (``none`` when the order holds, ``every report`` when no rank holds), given once per
    measure on its first row."""
    long = sensitivity(corpus)
    labels = corpus.labels
    long["cell"] = [f"{r} ({v:g})" for r, v in zip(long["rank"], long["rate_per_1k"])]
    wide = long.pivot_table(index=["measure", "definition"], columns="doc_id", values="cell", aggfunc="first",
                            sort=False)[corpus.doc_ids]
    ranks = long.pivot_table(index=["measure", "definition"], columns="doc_id", values="rank", sort=False)
    moves = {}
    for measure, grp in ranks.groupby(level="measure", sort=False):
        moved = [labels.get(d, d) for d in corpus.doc_ids if grp[d].nunique() > 1]
        moves[measure] = ("every report" if len(moved) == len(corpus.doc_ids) > 1
                          else ", ".join(moved) if moved else "none")
    wide.columns = [labels.get(d, d) for d in wide.columns]
    measures = wide.index.get_level_values("measure")
    # said once per measure, on its first definition's row (not repeated on the alternative's)
    wide["moves"] = [moves[m] if i == 0 or measures[i - 1] != m else "" for i, m in enumerate(measures)]
    wide.columns.name = None
    return wide


def is_bundled(corpus: Corpus) -> bool:
    """Whether ``corpus`` is the five bundled reports (its root is the package's data folder)."""
    return Path(corpus.root).resolve() == Path(DATA_DIR).resolve()


# --------------------------------------------------------------------------------------------
# group views (issue 15): above a dozen reports, groups of reports compared, the report the unit
#
# ``groups`` is a Series doc_id -> group label (a view's ``groups``); every group number below is a
# sum or a mean over the group's reports, and intervals come from a bootstrap over reports.


def _group_of(corpus: Corpus, groups: pd.Series) -> pd.Series:
    """``groups`` on the corpus's reports (in corpus order), as strings; reports it lacks: ``unknown``."""
    return groups.reindex(corpus.doc_ids).fillna("unknown").astype(str)


def _group_order(groups: pd.Series) -> list[str]:
    """Group labels in order of first appearance."""
    return list(dict.fromkeys(groups))


def report_rates(corpus: Corpus) -> pd.DataFrame:
    """Reports x measures of :func:`measure_labels`: each report's rate per 1,000 Han characters
    (its count over ``documents.n_chars``, unrounded), computed once over the corpus-wide tables. The
    per-report observation of the group views (no bootstrap over sentences)."""
    p = profile_values(corpus)
    return pd.DataFrame({m: p[f"{m}_per_1k"] for m in measure_labels(corpus)}, index=p.index)


def group_rate_means(corpus: Corpus, groups: pd.Series, rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Group means of every measure's per-report rate: ``measure, label, group, n_reports, mean,
    ci_low, ci_high`` (percentile bootstrap over the group's REPORTS, statistics.yaml; each measure
    with its own generator seeded alike). Groups in order of first appearance."""
    from analysis.measures.stats import group_means

    rates = report_rates(corpus) if rates is None else rates
    g = _group_of(corpus, groups).reindex(rates.index)
    labels = measure_labels(corpus)
    frames = [group_means(rates[m], g).assign(measure=m, label=labels.get(m, m)) for m in rates.columns]
    out = pd.concat(frames, ignore_index=True)
    return out[["measure", "label", "group", "n_reports", "mean", "ci_low", "ci_high"]]


def _mean_interval(mean: float, lo: float, hi: float, digits: int = 1) -> str:
    """``12.3 (10.1–14.6)``, or the mean alone where there is no interval (a group of one report)."""
    if pd.isna(lo):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def group_profile_table(corpus: Corpus, groups: pd.Series, means: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rhetoric profile by group, for reading: one row per measure (its display name), one
    column per group, each cell the mean over the group's reports of the rate per 1,000 characters
    with its bootstrap interval over reports (``mean (low–high)``); the first row is the number of
    reports in each group."""
    means = group_rate_means(corpus, groups) if means is None else means
    means = means.assign(cell=[_mean_interval(m, lo, hi) for m, lo, hi in
                               zip(means["mean"], means["ci_low"], means["ci_high"])])
    order = _group_order(means["group"])
    wide = means.pivot_table(index="label", columns="group", values="cell", aggfunc="first", sort=False)
    wide = wide.reindex(columns=order)
    n = means.drop_duplicates("group").set_index("group")["n_reports"].reindex(order)
    top = pd.DataFrame([n.astype(int).astype(str).to_numpy()], index=["reports (n)"], columns=order)
    out = pd.concat([top, wide])
    out.index.name, out.columns.name = "measure (per 1,000 characters)", None
    return out


#: The measures whose group differences notebook 02 tests (a small family: Holm over all its pairs).
KEY_MEASURES = ("directive_markers", "four_char_phrases", "parallel_constructions", "quotations")


def group_rate_differences(corpus: Corpus, groups: pd.Series, measures=KEY_MEASURES,
                           rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pair of groups on each of ``measures``: difference of the mean per-report rates with a
    bootstrap interval over reports and Welch's p (:func:`analysis.measures.stats.group_differences`);
    ``p_holm`` is Holm's adjustment over the whole family (every pair of every measure shown).
    Columns ``measure, label, group_a, group_b, n_a, n_b, difference, ci_low, ci_high, p_value,
    p_holm``, the smallest ``p_holm`` first."""
    from analysis.measures.stats import group_differences, holm

    rates = report_rates(corpus) if rates is None else rates
    g = _group_of(corpus, groups).reindex(rates.index)
    labels = measure_labels(corpus)
    with warnings.catch_warnings():   # groups whose reports share one value: Welch's test warns, p stays defined
        warnings.filterwarnings("ignore", message="Precision loss occurred", category=RuntimeWarning)
        frames = [group_differences(rates[m], g).drop(columns="p_holm").assign(measure=m, label=labels.get(m, m))
                  for m in measures]
    out = pd.concat(frames, ignore_index=True)
    out["p_holm"] = holm(out["p_value"]) if len(out) else []
    cols = ["measure", "label", "group_a", "group_b", "n_a", "n_b", "difference", "ci_low", "ci_high", "p_value",
            "p_holm"]
    return out[cols].sort_values(["p_holm", "p_value"], kind="mergesort").reset_index(drop=True)


def directive_strength_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """Per group: ``n_reports``, ``n_sentences`` (summed) and, for each strength of
    :func:`directive_strength_shares`, the mean over the group's reports of the report's share of
    sentences at that strength (``share_strength_<g>``; the report is the unit, so a long report
    weighs as much as a short one). Indexed by group, in order of first appearance."""
    sd = sentence_directives(corpus)
    counts = pd.crosstab(sd["doc_id"], sd["strength"]).reindex(index=corpus.doc_ids, columns=[0, 1, 2, 3], fill_value=0)
    n = counts.sum(axis=1)
    shares = counts.div(n.where(n > 0), axis=0)
    shares.columns = [f"share_strength_{c}" for c in shares.columns]
    g = _group_of(corpus, groups)
    out = shares.groupby(g, sort=False).mean()
    out.insert(0, "n_sentences", n.groupby(g, sort=False).sum())
    out.insert(0, "n_reports", g.groupby(g, sort=False).size())
    out.index.name = "group"
    return out.reindex(_group_order(g))


def markers_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """The directive markers by group: one row per ``grade, kind, marker``; for each group the
    markers counted in its reports (``count``) and the number of its reports that use the marker
    (``reports``, of the group's ``n`` in the column name); the total first. Most frequent first."""
    m = directive_markers(corpus)
    g = _group_of(corpus, groups)
    m = m.assign(group=m["doc_id"].map(g))
    keys = ["grade", "kind", "marker"]
    order = _group_order(g)
    size = g.value_counts()
    count = m.groupby(keys + ["group"], sort=False).size().unstack("group", fill_value=0).reindex(columns=order,
                                                                                                 fill_value=0)
    used = m.drop_duplicates(keys + ["doc_id"]).groupby(keys + ["group"], sort=False).size().unstack(
        "group", fill_value=0).reindex(columns=order, fill_value=0)
    out = pd.DataFrame({("all", "count"): count.sum(axis=1),
                        ("all", f"reports (of {len(g)})"): used.sum(axis=1)})
    for grp in order:
        out[(grp, "count")] = count[grp]
        out[(grp, f"reports (of {size[grp]})")] = used[grp]
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out.sort_values(("all", "count"), ascending=False, kind="mergesort")


def outline_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """The outline by group (:func:`outline_summary` per report, then over the group's reports):
    ``n_reports``, ``reports_with_outline`` (at least one item), ``mean_items``, ``mean_lists``,
    ``mean_depth`` (0 for a report without an outline) and ``max_depth``."""
    summ = outline_summary(corpus).reindex(corpus.doc_ids)
    g = _group_of(corpus, groups)
    by = summ.groupby(g, sort=False)
    out = pd.DataFrame({"n_reports": by.size(), "reports_with_outline": by["n_items"].apply(lambda x: int((x > 0).sum())),
                        "mean_items": by["n_items"].mean().round(1), "mean_lists": by["n_lists"].mean().round(1),
                        "mean_depth": by["depth"].mean().round(2), "max_depth": by["depth"].max()})
    out.index.name = "group"
    return out.reindex(_group_order(g))


def top_by_group(corpus: Corpus, groups: pd.Series, hits: pd.DataFrame, column: str, top: int = 8,
                 weight: str | None = None) -> pd.DataFrame:
    """The ``top`` most frequent values of ``column`` in each group's reports (``hits`` has one row per
    occurrence and ``doc_id``, or a ``weight`` column counting occurrences): ``group, <column>,
    count, reports`` (the group's reports that use it) and ``n_reports`` (the group's size).
    Ties broken by the number of reports, then the value."""
    g = _group_of(corpus, groups)
    h = hits.assign(group=hits["doc_id"].map(g), _w=hits[weight] if weight else 1)
    agg = h.groupby(["group", column], sort=False).agg(count=("_w", "sum"), reports=("doc_id", "nunique")).reset_index()
    rank = {grp: i for i, grp in enumerate(_group_order(g))}
    agg = agg.assign(_g=agg["group"].map(rank)).sort_values(["_g", "count", "reports", column],
                                                            ascending=[True, False, False, True], kind="mergesort")
    out = agg.groupby("group", sort=False).head(top).drop(columns="_g")
    out["n_reports"] = out["group"].map(g.value_counts()).astype("int64")
    return out.astype({"count": "int64", "reports": "int64"}).reset_index(drop=True)


def register_terms_by_group(corpus: Corpus, groups: pd.Series, top: int = 6) -> pd.DataFrame:
    """The ``top`` most frequent terms of each register category (as :func:`register_terms`), counted
    by group: ``category, term, n, reports`` (reports using it) and one column per group."""
    hits = register_hits(corpus)
    g = _group_of(corpus, groups)
    order = _group_order(g)
    per = pd.crosstab([hits["category"], hits["term"]], hits["doc_id"].map(g)).reindex(columns=order, fill_value=0)
    used = hits.drop_duplicates(["category", "term", "doc_id"]).groupby(["category", "term"]).size()
    out = per.assign(n=per.sum(axis=1), reports=used.reindex(per.index).astype("int64")).reset_index()
    out = out.sort_values(["category", "n", "term"], ascending=[True, False, True], kind="mergesort")
    out = out.groupby("category", sort=False).head(top)
    out = out[["category", "term", "n", "reports", *order]].reset_index(drop=True)
    out.columns.name = None
    return out


def role_profile_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """Directive force by speaker role, by group (:func:`role_profile` per report and role, then over
    reports): ``group, role, n_reports`` (the group's reports where the role speaks), ``n_sentences``
    (summed), ``mean_directives_per_1k`` and ``mean_share_directive_sentences`` (means over those
    reports). The unit is the report."""
    r = role_profile(corpus)
    g = _group_of(corpus, groups)
    r = r.assign(group=r["doc_id"].map(g))
    out = r.groupby(["group", "role"], sort=False).agg(
        n_reports=("doc_id", "nunique"), n_sentences=("n_sentences", "sum"),
        mean_directives_per_1k=("directives_per_1k", "mean"),
        mean_share_directive_sentences=("share_directive_sentences", "mean")).reset_index()
    rank = {grp: i for i, grp in enumerate(_group_order(g))}
    out = out.sort_values(["group", "n_sentences"], key=lambda c: c.map(rank) if c.name == "group" else -c,
                          kind="mergesort")
    return out.round({"mean_directives_per_1k": 2, "mean_share_directive_sentences": 3}).reset_index(drop=True)


def _cloud_terms(corpus: Corpus, k: pd.DataFrame) -> pd.DataFrame:
    """Keyness rows a word cloud may draw (wordclouds.yaml): used at least ``min_count`` times, Han
    words of at least ``min_chars`` characters, not names, places, organisations or (if so set)
    bureaucratic stopwords."""
    lex = corpus.lexicon.yaml(WORDCLOUDS_FILE)
    tags = set(lex["exclude_tags"])
    names = {p[0] for p in (line.split() for line in corpus.lexicon.lines(DICTIONARY_FILE)) if len(p) >= 3 and p[2] in tags}
    drop = names | (set(stopwords(corpus.lexicon.root, bureaucratic=True)) if lex["drop_bureaucratic"] else set())
    han_only = k["term"].str.fullmatch(f"[{HAN}]{{{int(lex['min_chars'])},}}")
    return k[(k["count"] >= lex["min_count"]) & han_only & ~k["term"].isin(drop)]


def group_wordcloud_weights(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """Words to draw in each GROUP's cloud: keyness G² of the group's content tokens (its reports
    pooled) against the other groups' (:func:`analysis.measures.keyness.keyness_from_counts` on a
    group x term matrix), filtered as :func:`wordcloud_weights`. Returns ``group, term, count,
    reports`` (the group's reports using the word), ``per_1k, per_1k_rest, g2, log_ratio``, by group
    and weight. The unit of G² is the token; ``reports`` says how widely a word is shared."""
    from analysis.measures.keyness import content_tokens, keyness_from_counts, term_matrix

    g = _group_of(corpus, groups)
    order = _group_order(g)
    tok = content_tokens(corpus)
    tok = tok.assign(group=tok["doc_id"].map(g))
    mat, vocab = term_matrix(tok[["group", "token"]].rename(columns={"group": "doc_id"}), order)
    k = _cloud_terms(corpus, keyness_from_counts(mat, vocab, order, corpus.lexicon))
    used = tok.drop_duplicates(["doc_id", "token"]).groupby(["group", "token"]).size()
    k = k.rename(columns={"doc_id": "group"})
    k["reports"] = used.reindex(pd.MultiIndex.from_arrays([k["group"], k["term"]])).fillna(0).astype("int64").to_numpy()
    return k[["group", "term", "count", "reports", "per_1k", "per_1k_rest", "g2", "log_ratio"]].reset_index(drop=True)


def sensitivity_by_group(corpus: Corpus, groups: pd.Series) -> pd.DataFrame:
    """How the GROUPS' order moves when a measure's definition changes (:data:`SENSITIVITY_DEFINITIONS`):
    one row per measure and definition, one column per group (``rank (mean rate)``: rank of the
    group's mean per-report rate per 1,000 characters, 1 = highest), ``moves`` (the groups whose rank
    differs between the definitions, once per measure) and ``report_rank_correlation``: Spearman's
    correlation over all reports between the two definitions' rates (1: no report moves)."""
    n_chars = corpus.documents.set_index("doc_id")["n_chars"].reindex(corpus.doc_ids)
    g = _group_of(corpus, groups)
    order = _group_order(g)
    rates = {key: counts / n_chars * 1000 for key, counts in _sensitivity_counts(corpus).items()}
    rows, ranks = [], {}
    for (measure, definition), rate in rates.items():
        mean = rate.groupby(g, sort=False).mean().reindex(order)
        rank = mean.rank(ascending=False, method="min").astype("int64")
        ranks[(measure, definition)] = rank
        rows.append({"measure": measure, "definition": definition,
                     **{grp: f"{rank[grp]} ({mean[grp]:.2f})" for grp in order}})
    out = pd.DataFrame(rows).set_index(["measure", "definition"])
    moves, corr = [], []
    for i, (measure, _definition) in enumerate(out.index):
        first = i == 0 or out.index[i - 1][0] != measure
        keys = [k for k in rates if k[0] == measure]
        if first:
            frame = pd.DataFrame({k: ranks[k] for k in keys})
            moved = [grp for grp in order if frame.loc[grp].nunique() > 1]
            moves.append("every group" if len(moved) == len(order) > 1 else ", ".join(moved) if moved else "none")
            a, b = (rates[k] for k in keys[:2])
            corr.append(round(float(a.corr(b, method="spearman")), 3) if len(keys) == 2 else float("nan"))
        else:
            moves.append("")
            corr.append(float("nan"))
    out["moves"] = moves
    out["report_rank_correlation"] = corr
    return out


def group_interval_note(corpus: Corpus, group_by: str) -> str:
    """The group view's note on its intervals (every number from the corpus and statistics.yaml)."""
    from analysis.measures.stats import setting

    n = len(corpus.doc_ids)
    return (f"Each of the {n:,} reports is one observation: its rate per 1,000 characters (count over the "
            f"report's Han characters). A group's value is the mean over its reports, grouped by `{group_by}`; its "
            f"{setting('confidence_level', corpus.lexicon):.0%} interval comes from resampling the group's reports "
            f"with replacement {int(setting('n_boot', corpus.lexicon)):,} times (fixed seed), so it says how well the "
            "group mean is known from these reports, not how precisely one report's rate is measured.")


def differences_note(differences: pd.DataFrame, group_by: str, level: float = 0.05) -> str:
    """A sentence on the differences table: how many comparisons, how many hold after Holm."""
    if differences.empty:
        return f"*No two groups by `{group_by}` have two reports or more: no differences between groups are tested.*"
    sig = differences[differences["p_holm"] < level]
    by = ", ".join(f"{m}: {n}" for m, n in sig.groupby("label", sort=False).size().items()) or "none"
    return (f"Differences between groups by `{group_by}` (groups of two reports or more) on the key measures: the "
            f"difference of mean per-report rates with a bootstrap interval over reports, Welch's p and Holm's "
            f"correction over all {len(differences):,} comparisons. {len(sig):,} differ at p < {level} after "
            f"correction ({by}); smallest adjusted p first.")


def group_findings(corpus: Corpus, groups: pd.Series, group_by: str, means: pd.DataFrame | None = None,
                   differences: pd.DataFrame | None = None) -> str:
    """Markdown bullets of what the measures show by group on ANY corpus, every number computed: the
    unit (the report) and the groups; for each key measure the groups with the highest and lowest
    mean rate (with intervals over reports) and how many pairs of groups differ after Holm's
    correction; the outline and the parallels across sentences by group."""
    means = group_rate_means(corpus, groups) if means is None else means
    diffs = group_rate_differences(corpus, groups) if differences is None else differences
    g = _group_of(corpus, groups)
    level = 0.05
    lines = [f"- *Unit and groups*: each of the {len(g):,} reports is one observation; reports are grouped by "
             f"`{group_by}` into {g.nunique()} groups. Rates are per 1,000 Han characters of each report; a group's "
             "value is the mean over its reports, with a bootstrap interval over reports."]
    for measure in KEY_MEASURES:
        m = means[(means["measure"] == measure) & (means["n_reports"] > 1)]
        if len(m) < 2:
            lines.append(f"- *{measure_labels(corpus).get(measure, measure)}*: fewer than two groups have two reports "
                         "or more; no comparison of groups.")
            continue
        hi, lo = m.loc[m["mean"].idxmax()], m.loc[m["mean"].idxmin()]
        d = diffs[diffs["measure"] == measure]
        sig = int((d["p_holm"] < level).sum())
        lines.append(f"- *{hi['label']}*: among the {len(m)} groups of two reports or more, highest in {hi['group']} "
                     f"(mean {_mean_interval(hi['mean'], hi['ci_low'], hi['ci_high'])} per 1,000 characters, "
                     f"{int(hi['n_reports'])} reports), lowest in {lo['group']} "
                     f"({_mean_interval(lo['mean'], lo['ci_low'], lo['ci_high'])}, {int(lo['n_reports'])} reports); "
                     f"{sig} of {len(d)} pairs of groups differ at p < {level} after Holm's correction over the "
                     f"{len(diffs)} comparisons of the differences table.")
    og = outline_by_group(corpus, groups)
    if len(og):
        share = og["reports_with_outline"] / og["n_reports"]
        lines.append(f"- *Outline*: {int(og['reports_with_outline'].sum()):,} of {int(og['n_reports'].sum()):,} reports "
                     f"set out numbered or bulleted items; the share ranges from {_pct(share.min())} "
                     f"({share.idxmin()}) to {_pct(share.max())} ({share.idxmax()}); mean depth "
                     f"{og['mean_depth'].min():.2f} to {og['mean_depth'].max():.2f} levels.")
    across = parallel_across(corpus)
    if len(across):
        lines.append(f"- *Parallels across sentences*: {len(across):,} runs in {across['doc_id'].nunique():,} of "
                     f"{len(g):,} reports ({_pct(across['doc_id'].nunique() / len(g))}).")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# readings: prose whose every number is computed here


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _lab(corpus: Corpus, doc_id: str) -> str:
    return corpus.labels.get(doc_id, doc_id)


def computed_findings(corpus: Corpus) -> str:
    """Markdown bullets of what the measures show on ANY corpus (highest and lowest report on each
    measure, the outline's depth, parallels across sentences), every number computed from it."""
    p = profile(corpus)
    summ = outline_summary(corpus)
    across = parallel_across(corpus)
    lines = []
    for col, name in [("directive_markers_per_1k", "directive markers"), ("four_char_phrases_per_1k", "四字格 (idioms)"),
                      ("parallel_constructions_per_1k", "parallels within sentences"),
                      ("parallel_across_per_1k", "parallels across sentences"), ("quotations_per_1k", "quotations")]:
        hi, lo = p[col].idxmax(), p[col].idxmin()
        lines.append(f"- *{name}*: highest in {_lab(corpus, hi)} ({p.at[hi, col]:g} per 1,000 characters), "
                     f"lowest in {_lab(corpus, lo)} ({p.at[lo, col]:g}).")
    deep = summ["depth"].idxmax() if len(summ) else None
    if deep is not None:
        n_out = int((summ["n_items"] > 0).sum())
        lines.append(f"- *Outline*: {n_out} of {len(summ)} reports set out numbered or bulleted items; the deepest "
                     f"outline is {_lab(corpus, deep)}'s, {int(summ.at[deep, 'depth'])} levels "
                     f"({summ.at[deep, 'items_per_level']} items per level).")
    if len(across):
        big = across.loc[across["n_members"].idxmax()]
        lines.append(f"- *Parallels across sentences*: {len(across)} runs in {across['doc_id'].nunique()} reports; the "
                     f"longest has {int(big['n_members'])} members ({_lab(corpus, big['doc_id'])}: {big['template']}).")
    return "\n".join(lines)


def directive_form_note(corpus: Corpus, doc_id: str = "pingxiang_city_2022") -> str:
    """How much of a report's directive count its bare imperatives carry (bundled reading)."""
    m = directive_markers(corpus)
    d = m[m["doc_id"] == doc_id]
    imp = int((d["kind"] == "imperative").sum())
    n_items = int((outline(corpus)["doc_id"] == doc_id).sum())
    return (f"Without bare imperatives the {_lab(corpus, doc_id)} report would lose {imp} of its {len(d)} directive "
            f"markers ({_pct(imp / len(d))}), about a third, under the {n_items} ——要… headings of its outline.")


def bundled_reading(corpus: Corpus) -> str:
    """The interpretive reading of the five bundled reports, its numbers computed; on another corpus
    a note that the reading is about the bundled reports (the computed findings are shown instead)."""
    if not is_bundled(corpus):
        return ("*The written reading of this notebook interprets the five bundled reports and is not shown for "
                "this corpus; the findings above are computed from the corpus it ran on.*")
    p, summ = profile(corpus), outline_summary(corpus)
    sh = directive_strength_shares(corpus)
    items, across = outline(corpus), parallel_across(corpus)
    roles = role_profile(corpus).set_index(["doc_id", "role"])
    rate = p["directive_markers_per_1k"]
    others = rate.drop("pingxiang_city_2022")
    ch = items[items["doc_id"] == "changsha_county_2022"]
    xin = summ.loc["xinyang_2015"]
    pj = across[(across["doc_id"] == "panjin_2023") & (across["unit"] == "sentences")]
    obl = sh["share_strength_3"]
    x_mayor = roles.loc[("xinyang_2015", "government_head"), "share_directive_sentences"]
    x_sec = roles.loc[("xinyang_2015", "party_secretary"), "share_directive_sentences"]
    pj_voice = roles.loc[("panjin_2023", "meeting_paraphrase"), "directives_per_1k"]
    pj_lead = attribute_speakers(corpus).query("doc_id == 'panjin_2023' and role == 'meeting_paraphrase'")["paraphrase_of"]
    fc = p["four_char_phrases_per_1k"]
    return "\n".join([
        "**What differs.**",
        f"- *How hard they command.* Four of the five reports issue directives at {others.min():.0f} to "
        f"{others.max():.0f} markers per 1,000 characters; the Pingxiang city report (2022) is lower, at "
        f"{rate['pingxiang_city_2022']:.0f} ({int(p.at['pingxiang_city_2022', 'directive_markers'])} markers), even "
        "after counting its bare imperatives. Its interval overlaps the others', so five reports cannot show that it "
        "commands less; what differs is the form. " + directive_form_note(corpus),
        f"- *Obligation* (必须, 务必, 坚决) is commonest in Changsha County: {_pct(obl['changsha_county_2022'])} of its "
        f"sentences ({int(sh.at['changsha_county_2022', 'strength_3'])} of "
        f"{int(sh.at['changsha_county_2022', 'n_sentences'])}) against {_pct(obl['pingxiang_city_2022'])} "
        f"({int(sh.at['pingxiang_city_2022', 'strength_3'])} of {int(sh.at['pingxiang_city_2022', 'n_sentences'])}) "
        "in Pingxiang city.",
        f"- *Outline.* Xinyang's speech is {int(xin['depth'])} levels deep ({xin['items_per_level']} items per level): "
        "the headline's 凝聚共识、遵循规律、强化责任 (*build consensus, follow the rules, strengthen responsibility*) "
        "return as 要…抓创建 headings, each with 一要… points, and under two of those points stand short 要… headings. "
        f"Changsha County's 要着重理顺六大关系 (*straighten out six relations*) announces {int(ch['announced_count'].max())} "
        f"and the text gives {len(ch)} 处理好…的关系 (*handle well the relation between…*) items. "
        f"Panjin has {int(summ.at['panjin_2023', 'n_items'])} numbered items: its structure is in parallel sentences.",
        f"- *Parallels across sentences.* Panjin's tasks run as {len(pj)} constructions across sentences of "
        + " and ".join(str(int(n)) for n in pj["n_members"]) + " members ("
        + "; ".join(f"{t}" for t in pj["template"]) + "), which the within-sentence count cannot see.",
        f"- *Formulas.* Counted as dictionary idioms, 四字格 are densest in {_lab(corpus, fc.idxmax())} "
        f"({fc.max():g} per 1,000) and sparsest in {_lab(corpus, fc.idxmin())} ({fc.min():g}); the sensitivity "
        "table shows which ranks depend on the definition.",
        f"- *Voices.* In Xinyang {_pct(x_mayor)} of the mayor's sentences carry a directive, against {_pct(x_sec)} of the "
        f"party secretary's. In Panjin most directives come as the wire report's paraphrase of the meeting "
        f"(会议指出/强调/要求 *the meeting pointed out / stressed / required*), which gives the words of its leading "
        f"official {pj_lead.iloc[0] if len(pj_lead) else ''}, at {pj_voice:.0f} markers per 1,000 characters.",
    ])
