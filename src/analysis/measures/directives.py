"""Directive force: graded markers (必须 3, 要 2, 积极 1 …), bare imperatives, strength per sentence.

The markers, their grades, the exclusions (重要, 要求 …) and the imperative openers live in
``data/lexicon/directives.yaml``; markers match on token boundaries (:mod:`analysis.measures.matching`).
Rhetoric, themes and timelines all score directives through this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.loading.chars import HAN_RE
from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon, read_yaml
from analysis.loading.memo import memoised
from analysis.measures.matching import index_entries, mask, match_plan, match_runs, sentence_token_lists

DIRECTIVES_FILE = "directives.yaml"
MARKER_COLUMNS = ["doc_id", "sent_id", "marker", "grade", "surface", "kind"]


def grades(lexicon: Lexicon | None = None) -> list[dict]:
    """The directive grades of directives.yaml, strongest first: ``{grade, name, color}`` each."""
    return [dict(g) for g in as_lexicon(lexicon).yaml(DIRECTIVES_FILE)["grades"]]


def _lexicon_of(data, lexicon: Lexicon | None) -> Lexicon:
    return data.lexicon if isinstance(data, Corpus) and lexicon is None else as_lexicon(lexicon)


@memoised(DIRECTIVES_FILE)
def directive_markers(data: Corpus | pd.DataFrame, tokens: pd.DataFrame | None = None,
                      lexicon: Lexicon | None = None) -> pd.DataFrame:
    """One row per directive marker: ``doc_id, sent_id, marker, grade, surface, kind``.

    ``surface`` is the matched token text (``切实加强`` for the marker 切实). ``kind`` is ``modal``
    for a lexicon marker and ``imperative`` for a bare imperative (a sentence opening with a verb of
    ``imperative_openers``, see :func:`imperative_opener`). A marker inside a quoted past lesson
    (directives.yaml ``context_exclusions``: 实践证明…必须) is not counted. ``data``: a corpus or
    any sentences table (see :func:`sentence_token_lists`).
    """
    lex = _lexicon_of(data, lexicon).yaml(DIRECTIVES_FILE)
    index = index_entries(lex["markers"], "marker")
    blocked = {tuple(e["tokens"]): e for e in lex.get("exclusions", [])}
    contexts = context_exclusions(lex)
    openers = lex.get("imperative_openers")
    plan = match_plan(index, blocked)
    prepared = prepare_openers(openers) if openers else None
    rows = []
    for r in sentence_token_lists(data, tokens).itertuples():
        spans = quoted_lesson_spans(r.text, contexts)
        offsets = token_offsets(r.text, r.tokens) if spans else []
        for i, run, e in match_runs(r.tokens, index, blocked, plan):
            if spans and _inside(offsets[i], e["marker"], spans):
                continue
            rows.append({"doc_id": r.doc_id, "sent_id": r.sent_id, "marker": e["marker"],
                         "grade": int(e["grade"]), "surface": "".join(run), "kind": "modal"})
        verb = imperative_opener(r.tokens, openers, prepared) if openers else None
        if verb:
            rows.append({"doc_id": r.doc_id, "sent_id": r.sent_id, "marker": verb,
                         "grade": int(openers["grade"]), "surface": verb, "kind": "imperative"})
    return pd.DataFrame(rows, columns=MARKER_COLUMNS).astype(
        {"sent_id": "int64", "grade": "int64"})


def context_exclusions(lex: dict) -> list[tuple[re.Pattern, frozenset[str]]]:
    """The ``context_exclusions`` of directives.yaml: ``(pattern, markers)`` pairs."""
    return [(re.compile(e["pattern"]), frozenset(e["markers"])) for e in lex.get("context_exclusions", [])]


def quoted_lesson_spans(text: str, contexts: list[tuple[re.Pattern, frozenset[str]]]) -> list[tuple[int, int, frozenset]]:
    """Character spans of ``text`` that quote a past lesson (``实践证明，…``; ``积累的“必须…”``):
    ``(start, end, markers)``; a marker of ``markers`` inside a span is not the speaker's directive."""
    out = []
    for rx, markers in contexts:
        for m in rx.finditer(text):
            out.append((m.start("span"), m.end("span"), markers))
    return out


def token_offsets(text: str, tokens: list[str]) -> list[int]:
    """Start offset of each token in ``text`` (tokens in order; a token not found keeps the last offset)."""
    out, pos = [], 0
    for t in tokens:
        j = text.find(t, pos)
        out.append(j if j >= 0 else pos)
        pos = j + len(t) if j >= 0 else pos
    return out


def _inside(start: int, marker: str, spans: list[tuple[int, int, frozenset]]) -> bool:
    return any(a <= start < b and marker in markers for a, b, markers in spans)


def imperative_opener(tokens: list[str], openers: dict, prepared: tuple | None = None) -> str | None:
    """The opener verb if a sentence is a bare imperative (``坚持系统谋划，…``), else ``None``.

    ``tokens`` are the sentence's tokens; ``openers`` is the ``imperative_openers`` block of
    directives.yaml. Leading list markers (numerals in ``skip``, punctuation) are passed over; the
    first word must be an opener verb (or, for ``match: prefix`` verbs, the text must start with it),
    and the first clause must not contain a copula (``提升…是…任务`` states, it does not instruct).
    ``prepared``: :func:`prepare_openers` of ``openers``, given when many sentences are tested.
    """
    skip, copulas, exact, prefixes = prepared if prepared is not None else prepare_openers(openers)
    i = 0
    while i < len(tokens) and (tokens[i] in skip or not HAN_RE.search(tokens[i])):
        i += 1
    rest = tokens[i:]
    if not rest:
        return None
    for t in rest:
        if t in "，,；;：:":
            break
        if t in copulas:
            return None
    # the first verb of the list (in its order) that the sentence opens with
    best = exact.get(rest[0])
    if prefixes:
        text = "".join(rest)
        for k, verb in prefixes:
            if best is not None and k > best[0]:
                break
            if text.startswith(verb):
                best = (k, verb)
                break
    return best[1] if best is not None else None


def prepare_openers(openers: dict) -> tuple:
    """``(skip, copulas, exact, prefixes)`` of an ``imperative_openers`` block for
    :func:`imperative_opener`: sets of the skipped tokens and copulas; ``verb -> (index, verb)`` for
    the first entry of each verb; ``(index, verb)`` of the ``match: prefix`` entries, in list order."""
    exact: dict[str, tuple[int, str]] = {}
    prefixes = []
    for k, v in enumerate(openers["verbs"]):
        exact.setdefault(v["verb"], (k, v["verb"]))
        if v.get("match") == "prefix":
            prefixes.append((k, v["verb"]))
    return frozenset(openers.get("skip", [])), frozenset(openers.get("copulas", [])), exact, prefixes


@memoised(DIRECTIVES_FILE)
def sentence_directives(data: Corpus | pd.DataFrame, tokens: pd.DataFrame | None = None,
                        lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Per sentence: ``doc_id, sent_id, n_markers, strength`` (highest grade, 0 if none), ``markers``.

    Works on a corpus or on any sentences table with ``doc_id, sent_id, text`` (tokens are cut when
    none are given), e.g. a subset of directive sentences. ``markers`` joins the markers with ``、``.
    """
    sents = (data.sentences if isinstance(data, Corpus) else data)[["doc_id", "sent_id"]].reset_index(drop=True)
    hits = directive_markers(data, tokens, lexicon)
    agg = hits.groupby(["doc_id", "sent_id"], sort=False).agg(n_markers=("marker", "size"), strength=("grade", "max"))
    joined: dict[tuple, list[str]] = {}   # the markers of each sentence in order, in one pass (not a join per group)
    for key, marker in zip(zip(hits["doc_id"], hits["sent_id"]), hits["marker"]):
        joined.setdefault(key, []).append(marker)
    agg["markers"] = ["、".join(joined[k]) for k in agg.index]
    agg = agg.reset_index()
    out = sents.merge(agg, on=["doc_id", "sent_id"], how="left")
    out = out.fillna({"n_markers": 0, "strength": 0, "markers": ""})
    return out.astype({"n_markers": "int64", "strength": "int64"})


def yao_words(lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """Words in which 要 is not the modal: the one-token exclusions of directives.yaml (重要, 要求…),
    longest first."""
    lex = as_lexicon(lexicon)
    return _yao_words(lex.path(DIRECTIVES_FILE), lex.stamp((DIRECTIVES_FILE,)))


@lru_cache(maxsize=8)
def _yao_words(path, stamp) -> tuple[str, ...]:
    lex = read_yaml(path)
    words = {e["tokens"][0] for e in lex.get("exclusions", []) if len(e["tokens"]) == 1 and "要" in e["tokens"][0]}
    return tuple(sorted(words, key=len, reverse=True))


def has_modal_yao(text: str, lexicon: Lexicon | None = None, words: tuple[str, ...] | None = None) -> bool:
    """Whether ``text`` has a 要 outside the words directives.yaml excludes (重要, 需要, 要求…): the
    same list the token matcher uses, applied to a text segment without re-tokenizing. ``words``:
    :func:`yao_words`, given when one caller tests many segments."""
    return "要" in text and "要" in mask(text, yao_words(lexicon) if words is None else words)
