"""Officials' names as single tokens: the names found in a report join its segmentation.

jieba's dictionary knows the bundled reports' officials (``data/lexicon/domain_dict.txt``) but not
those of a corpus nobody has read: a three-character name comes out as 两字 + 一字 and then shows up
as a "distinctive word". The names :mod:`analysis.loading.infer` finds with their titles
(``市委书记马某某出席会议并讲话``) are made single tokens of that report after segmentation: the tokens
covering each occurrence are merged (and a token that straddles a name's edge is cut there).
Nothing changes where the segmenter already gives the name as one token. Deterministic, per
report, with no change to the shared segmenter; the merged names are recorded in the audit
(``names_joined``) and follow from the cache key (text, lexicon files, code).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.segmenter import jieba_dict_path

PEOPLE_FILE = "people.yaml"


@lru_cache(maxsize=1)
def _general_frequencies() -> dict[str, int]:
    """Word frequencies of jieba's general dictionary (``dict.txt``), read once."""
    out: dict[str, int] = {}
    with open(jieba_dict_path(), encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].isdigit():
                out[parts[0]] = out.get(parts[0], 0) + int(parts[1])
    return out


def plausible_names(names, lexicon: Lexicon | None = None) -> list[str]:
    """The names that are not common words of general Chinese (``name_guard`` of people.yaml:
    ``出席`` found where a name stood is not joined)."""
    limit = int(as_lexicon(lexicon).yaml(PEOPLE_FILE)["name_guard"]["max_general_frequency"])
    freq = _general_frequencies()
    return [n for n in names if freq.get(n, 0) <= limit]


def name_spans(text: str, names) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``names`` in ``text`` (longest name first at each place)."""
    names = sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)
    if not names:
        return []
    rx = re.compile("|".join(map(re.escape, names)))
    return [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text)]


def join_names(text: str, tokens: dict, names) -> tuple[dict, list[str]]:
    """``tokens`` (``vocab, code, start, sent_id`` as from :func:`analysis.loading.tokenize.tokenize_document`)
    with every occurrence of ``names`` as one token; returns ``(tokens, names that were joined)``.

    One pass over the tokens (linear in the report's length). Whitespace tokens stay left out, as in
    the input; a token that straddles a name's edge is cut there; a name that crosses a sentence
    boundary is left as it is.
    """
    spans = name_spans(text, names)
    if not spans:
        return tokens, []
    vocab = list(tokens["vocab"])
    code, start, sent = (np.asarray(tokens[k]) for k in ("code", "start", "sent_id"))
    lengths = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))
    starts = start.astype(np.int64)
    ends = starts + lengths[code] if len(code) else np.zeros(0, dtype=np.int64)
    first = np.searchsorted(ends, [s for s, _, _ in spans], side="right")   # first token ending after s
    after = np.searchsorted(starts, [e for _, e, _ in spans], side="left")  # first token starting at/after e
    out_s, out_e, out_sent, joined, k = [], [], [], set(), 0
    n = len(code)
    for (s, e, name), i, j in zip(spans, first.tolist(), after.tolist()):
        if i >= j or i < k or (j == i + 1 and starts[i] == s and ends[i] == e) or sent[i] != sent[j - 1]:
            continue                       # no token, overlaps a joined name, already one token, or two sentences
        out_s += starts[k:i].tolist(); out_e += ends[k:i].tolist(); out_sent += sent[k:i].tolist()  # noqa: E702
        pieces = ([(int(starts[i]), s)] if starts[i] < s else []) + [(s, e)] + \
            ([(e, int(ends[j - 1]))] if ends[j - 1] > e else [])
        out_s += [a for a, _ in pieces]; out_e += [b for _, b in pieces]  # noqa: E702
        out_sent += [int(sent[i])] * len(pieces)
        joined.add(name)
        k = j
    if not joined:
        return tokens, []
    out_s += starts[k:n].tolist(); out_e += ends[k:n].tolist(); out_sent += sent[k:n].tolist()  # noqa: E702
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(text[a:b], len(index)) for a, b in zip(out_s, out_e)),
                        dtype=np.int32, count=len(out_s))
    return ({"vocab": list(index), "code": codes, "start": np.asarray(out_s, dtype=np.int32),
             "sent_id": np.asarray(out_sent, dtype=np.int32)}, sorted(joined))
