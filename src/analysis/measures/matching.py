"""Matching lexicon entries on token boundaries, and masking words before a substring count.

A lexicon entry (a directive marker, a register term) matches a token, or a run of consecutive
tokens within one sentence, and at each position the longest entry wins: 要 inside the single
tokens 重要, 需要 or 要求 is never the modal 要.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.tokenize import cut, get_segmenter

#: What a masked word is replaced by (one ideographic space per character, so offsets stay put).
MASK = "\u3000"


def mask(text: str, words) -> str:
    """``text`` with every occurrence of ``words`` blanked out, longest first (offsets unchanged)."""
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, MASK * len(word))
    return text


def entry_tokens(entry: dict, key: str) -> list[tuple[str, ...]]:
    """Token runs an entry matches: its ``tokens`` if given, else the word as one token and as jieba
    cuts it on its own (a run of tokens); plus its ``compounds`` (single tokens)."""
    runs = [tuple(entry["tokens"])] if "tokens" in entry else [(entry[key],), tuple(cut(entry[key]))]
    runs += [(c,) for c in entry.get("compounds", [])]
    return list(dict.fromkeys(runs))


def index_entries(entries: list[dict], key: str) -> dict[tuple[str, ...], dict]:
    """``token run -> entry`` for a list of lexicon entries (``key`` names the word field)."""
    return {run: e for e in entries for run in entry_tokens(e, key)}


def sentence_token_lists(data: Corpus | pd.DataFrame, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, text, tokens`` (a list of token strings).

    ``data`` is a corpus or any sentences table with ``doc_id, sent_id, text``. Tokens come from
    ``tokens`` if given, else from the corpus, else jieba (with the domain dictionary) cuts ``text``.
    """
    if isinstance(data, Corpus):
        sentences, tokens = data.sentences, data.tokens if tokens is None else tokens
    else:
        sentences = data
    out = sentences[["doc_id", "sent_id", "text"]].reset_index(drop=True)
    if tokens is None:
        segmenter = get_segmenter()   # what cut() uses, looked up once
        lists = [[t for t in segmenter.cut(s) if t.strip()] for s in out["text"]]
    else:
        lists = _token_lists(out, tokens)
    return out.assign(tokens=pd.Series(lists, index=out.index, dtype=object))


def _token_lists(sentences: pd.DataFrame, tokens: pd.DataFrame) -> list[list[str]]:
    """Each sentence's tokens (in the tokens table's order), vectorised: every token row is mapped to
    its sentence once and the token array is split at the sentence boundaries (no per-sentence
    lookup); a sentence without tokens gets ``[]``."""
    keys = pd.MultiIndex.from_arrays([sentences["doc_id"], sentences["sent_id"]])
    if not keys.is_unique:   # a table with repeated sentences: look each one up
        grouped = tokens.groupby(["doc_id", "sent_id"], sort=False)["token"].agg(list)
        return [grouped.get(k, []) for k in keys]
    row = keys.get_indexer(pd.MultiIndex.from_arrays([tokens["doc_id"], tokens["sent_id"]]))
    keep = row >= 0
    row, words = row[keep], tokens["token"].to_numpy(dtype=object)[keep]
    order = np.argsort(row, kind="stable")
    counts = np.bincount(row, minlength=len(sentences))
    return [list(part) for part in np.split(words[order], np.cumsum(counts)[:-1])]


def match_runs(tokens: list[str], index: dict[tuple[str, ...], dict],
               blocked: dict[tuple[str, ...], dict] | None = None,
               plan: tuple | None = None) -> list[tuple[int, tuple[str, ...], dict]]:
    """Longest-first matches of ``index`` runs in a token list: ``(position, run, entry)``.

    Runs in ``blocked`` (exclusions) are matched too and consume their tokens but are not returned.
    ``plan`` (:func:`match_plan` of the same ``index`` and ``blocked``) saves recomputing the run
    lengths and first tokens when one index is matched against many sentences.
    """
    blocked = blocked or {}
    lengths, firsts = plan if plan is not None else match_plan(index, blocked)
    hits, i = [], 0
    while i < len(tokens):
        if tokens[i] not in firsts:   # no run starts with this token
            i += 1
            continue
        for n in lengths:
            run = tuple(tokens[i : i + n])
            if len(run) == n and (run in blocked or run in index):
                if run not in blocked:
                    hits.append((i, run, index[run]))
                i += n
                break
        else:
            i += 1
    return hits


def match_plan(index: dict[tuple[str, ...], dict], blocked: dict[tuple[str, ...], dict] | None = None) -> tuple:
    """``(lengths, first tokens)`` of the runs of ``index`` and ``blocked``, for :func:`match_runs`."""
    runs = (*index, *(blocked or {}))
    return sorted({len(r) for r in runs}, reverse=True), frozenset(r[0] for r in runs if r)


def count_substring(text: str, term: dict) -> int:
    """Occurrences of a substring term in ``text`` that are not inside one of its ``exclude`` words."""
    for word in term.get("exclude", []):
        text = text.replace(word, MASK * len(word))
    return text.count(term["term"])
