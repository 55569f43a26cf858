"""General-language baseline: word frequencies of jieba's bundled dictionary, and how rare a span is.

Used for the rarity of shared formulas and for the glossary's segmentation of terms.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def general_frequencies() -> tuple[dict[str, int], int]:
    """Word frequencies of jieba's bundled dictionary (``jieba/dict.txt``) and their total.

    The dictionary is jieba's reference of general modern Chinese (about 349,000 words with counts
    from its training corpora); it serves here as the general-language baseline for rarity.
    """
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, int] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
    return freq, sum(freq.values())


@lru_cache(maxsize=1)
def general_tokenizer():
    """A jieba tokenizer with only its bundled dictionary (no domain words)."""
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def rarity(span: str, unseen_frequency: int = 1) -> float:
    """How unexpected ``span`` is in general Chinese: ``-log10 P(span)`` under the unigram model of
    jieba's bundled dictionary.

    ``span`` is segmented with jieba's general dictionary along its most probable route (no HMM),
    and the surprisals ``-log10(freq / total)`` of its words are summed (a word absent from the
    dictionary gets ``unseen_frequency``). The sum is the span's surprisal in general Chinese (in
    log10 units) under a model that treats its words as independent: a measure of how unusual the
    wording is, not a probability that other reports repeat it by chance (formula words are not
    independent, and reports that share a formula copy it). Longer and odder spans score higher: 委书记-like fragments of common
    words score low, 横向到边、纵向到底 high. Caveat: jieba's dictionary lists some compounds
    (主持会议) with tiny counts, which makes them look rarer than they are.
    """
    freq, total = general_frequencies()
    words = [w for w in general_tokenizer().lcut(span.replace("、", ""), HMM=False) if w.strip()]
    return float(sum(-math.log10(max(freq.get(w, 0), unseen_frequency) / total) for w in words))
