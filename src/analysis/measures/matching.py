"""Matching lexicon entries on token boundaries, and masking words before a substring count.

A lexicon entry (a directive marker, a register term) matches a token, or a run of consecutive
tokens within one sentence, and at each position the longest entry wins: 要 inside the single
tokens 重要, 需要 or 要求 is never the modal 要.
"""

from __future__ import annotations

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.tokenize import cut

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
        lists = [[t for t in cut(s) if t.strip()] for s in out["text"]]
    else:
        grouped = tokens.groupby(["doc_id", "sent_id"], sort=False)["token"].agg(list)
        lists = [grouped.get((d, s), []) for d, s in zip(out["doc_id"], out["sent_id"])]
    return out.assign(tokens=pd.Series(lists, index=out.index, dtype=object))


def match_runs(tokens: list[str], index: dict[tuple[str, ...], dict],
               blocked: dict[tuple[str, ...], dict] | None = None) -> list[tuple[int, tuple[str, ...], dict]]:
    """Longest-first matches of ``index`` runs in a token list: ``(position, run, entry)``.

    Runs in ``blocked`` (exclusions) are matched too and consume their tokens but are not returned.
    """
    blocked = blocked or {}
    lengths = sorted({len(r) for r in (*index, *blocked)}, reverse=True)
    hits, i = [], 0
    while i < len(tokens):
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


def count_substring(text: str, term: dict) -> int:
    """Occurrences of a substring term in ``text`` that are not inside one of its ``exclude`` words."""
    for word in term.get("exclude", []):
        text = text.replace(word, MASK * len(word))
    return text.count(term["term"])
