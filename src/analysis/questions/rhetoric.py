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

import pandas as pd

from analysis.loading.chars import HAN, HAN_RE
from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised
from analysis.loading.tokenize import DICTIONARY_FILE, stopwords
from analysis.measures.directives import DIRECTIVES_FILE, directive_markers, sentence_directives
from analysis.measures.keyness import keyness
from analysis.measures.matching import count_substring, index_entries, match_runs, sentence_token_lists
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers, known_speakers
from analysis.measures.stats import bootstrap_rate
from analysis.measures.text import cn_numeral

REGISTER_FILE = "register.yaml"
FORMULAS_FILE = "formulas.yaml"
WORDCLOUDS_FILE = "wordclouds.yaml"


# --------------------------------------------------------------------------------------------
# register


@memoised(REGISTER_FILE)
def register_hits(corpus: Corpus) -> pd.DataFrame:
    """One row per register term: ``doc_id, sent_id, category, term``.

    Token terms match token runs (longest first within a category); ``match: substring`` terms are
    counted in the sentence text, except inside the words listed under their ``exclude``.
    """
    lex = corpus.lexicon.yaml(REGISTER_FILE)
    sents = sentence_token_lists(corpus)
    rows = []
    for category, terms in lex["categories"].items():
        token_terms = [t for t in terms if t.get("match", "token") == "token"]
        index = index_entries(token_terms, "term")
        substring_terms = [t for t in terms if t.get("match") == "substring"]
        for r in sents.itertuples():
            hits = [e["term"] for _, _, e in match_runs(r.tokens, index)]
            hits += [t["term"] for t in substring_terms for _ in range(count_substring(r.text, t))]
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
    with open(corpus.lexicon.path(DICTIONARY_FILE), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] in tags:
                named.add(parts[0])
    spk = corpus.lexicon.yaml(SPEAKERS_FILE)
    people = {name for doc in known_speakers(corpus).values() for name in doc}
    voices = people | {p["pronoun"] for p in spk["pronouns"]} | {v["voice"] for v in spk["collective_voices"]}
    verbs = [v["verb"] for v in spk["speech_verbs"]]
    titles = tuple(t["suffix"] for t in lex["title_suffixes"])
    listed = {p["phrase"] for p in lex["not_set_phrases"]}

    def reject(seg: str) -> bool:
        if seg in listed or seg.endswith(titles) or any(n in seg for n in named):
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
    lists = enumerations(corpus)
    reg = register_hits(corpus)
    quotes = quoted_phrases(corpus)
    counts = {
        "directive_markers": directives.groupby("doc_id").size(),
        "bare_imperatives": directives[directives["kind"] == "imperative"].groupby("doc_id").size(),
        **{f"directives_grade{g}": directives[directives["grade"] == g].groupby("doc_id").size() for g in (3, 2, 1)},
        "enumerations": lists.groupby("doc_id").size(),
        "enumeration_items": lists.groupby("doc_id")["n_items"].sum(),
        "four_char_phrases": four_char_phrases(corpus).groupby("doc_id").size(),
        "parallel_constructions": parallel_constructions(corpus).groupby("doc_id").size(),
        "quotations": quotes.groupby("doc_id")["count"].sum(),
    }
    for category in corpus.lexicon.yaml(REGISTER_FILE)["categories"]:
        counts[category] = reg[reg["category"] == category].groupby("doc_id").size()
    return counts


def profile(corpus: Corpus) -> pd.DataFrame:
    """Reports x measures: each count, its rate per 1,000 Han characters (``<measure>_per_1k``), and
    the denominators ``n_chars`` and ``n_sentences``; plus the share of sentences with a directive,
    their mean strength, and the deepest list nesting.
    """
    docs = corpus.documents.set_index("doc_id")[["n_chars", "n_sentences"]]
    out = docs.copy()
    for name, series in _per_doc_counts(corpus).items():
        count = series.reindex(docs.index, fill_value=0).astype("int64")
        out[name] = count
        out[f"{name}_per_1k"] = (count / docs["n_chars"] * 1000).round(2)
    strength = sentence_directives(corpus).groupby("doc_id")["strength"]
    out["share_directive_sentences"] = strength.apply(lambda s: (s > 0).mean()).reindex(docs.index).round(3)
    out["mean_directive_strength"] = strength.mean().reindex(docs.index).round(2)
    depth = enumerations(corpus).groupby("doc_id")["depth"].max()
    out["max_list_depth"] = depth.reindex(docs.index, fill_value=0).astype("int64")
    return out.loc[corpus.doc_ids]


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
        "four_char_phrases": four_char_phrases(corpus),
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

    One row per report and role (``party_secretary``, ``government_head``, ``meeting_collective``…;
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
    lex = corpus.lexicon.yaml(WORDCLOUDS_FILE)
    tags = set(lex["exclude_tags"])
    with open(corpus.lexicon.path(DICTIONARY_FILE), encoding="utf-8") as f:
        names = {p[0] for p in (line.split() for line in f) if len(p) >= 3 and p[2] in tags}
    drop = names | (set(stopwords(corpus.lexicon.root, bureaucratic=True)) if lex["drop_bureaucratic"] else set())
    k = keyness(corpus)
    han_only = k["term"].str.fullmatch(f"[{HAN}]{{{int(lex['min_chars'])},}}")
    k = k[(k["count"] >= lex["min_count"]) & han_only & ~k["term"].isin(drop)]
    return k[["doc_id", "term", "count", "per_1k", "per_1k_rest", "g2", "log_ratio"]].reset_index(drop=True)


def kwic(corpus: Corpus, term: str, width: int = 12) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` in the cleaned texts.

    ``doc_id, sent_id, start, left, term, right``; ``width`` characters each side (line breaks shown
    as ``¶``).
    """
    rows = []
    by_doc = dict(tuple(corpus.sentences.groupby("doc_id", sort=False)))   # once, not a filter per report
    empty = corpus.sentences.iloc[:0]
    for doc_id, text in zip(corpus.documents["doc_id"], corpus.documents["text"]):
        sents = by_doc.get(doc_id, empty)
        for m in re.finditer(re.escape(term), text):
            sent = sents[(sents["start"] <= m.start()) & (sents["end"] > m.start())]["sent_id"]
            rows.append({"doc_id": doc_id, "sent_id": int(sent.iloc[0]) if len(sent) else -1, "start": m.start(),
                         "left": text[max(0, m.start() - width) : m.start()].replace("\n", "¶"), "term": term,
                         "right": text[m.end() : m.end() + width].replace("\n", "¶")})
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "start", "left", "term", "right"])
