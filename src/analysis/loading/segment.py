"""Split cleaned body text into paragraphs and sentences, with character offsets.

Offsets are ``[start, end)`` into the document's cleaned ``text`` (paragraphs joined by ``\\n``),
so ``text[start:end] == sentence``. A sentence ends at ``。！？`` (with any closing quotes), at the
end of a paragraph, or before a list item that follows a semicolon (``…；二要…``). Headings such
as ``一、坚持…`` and bullets such as ``——要立必胜之志。`` are paragraphs of their own and so
sentences of their own. The list markers that open a sentence after a semicolon are furniture.yaml's
``list_markers.after_semicolon`` (read from the project's lexicon folder unless another is given).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analysis.loading.clean import load_rules
from analysis.loading.config import LEXICON_DIR

#: One sentence: anything up to and including a run of end marks and closing quotes.
SENTENCE_RE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）》]*|$)")


@lru_cache(maxsize=8)
def _after_semicolon_re(marker: str) -> re.Pattern:
    return re.compile(f"(?<=；)(?={marker})")


def list_after_semicolon_re(lexicon_dir: Path = LEXICON_DIR) -> re.Pattern:
    """The position after a semicolon where a list item (``；二要``, ``；二是``, ``；——``) starts a new
    sentence (furniture.yaml ``list_markers.after_semicolon``)."""
    return _after_semicolon_re(load_rules(lexicon_dir).furniture["list_markers"]["after_semicolon"])


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty line of ``text``."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def sentence_spans(paragraph: str, lexicon_dir: Path = LEXICON_DIR) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence within one paragraph, whitespace trimmed."""
    list_re = list_after_semicolon_re(lexicon_dir)
    spans = []
    for m in SENTENCE_RE.finditer(paragraph):
        if not m.group(0).strip():
            continue
        pieces = [m.start()] + [m.start() + p.start() for p in list_re.finditer(m.group(0))] + [m.end()]
        for a, b in zip(pieces, pieces[1:]):
            seg = paragraph[a:b]
            if seg.strip():
                lead = len(seg) - len(seg.lstrip())
                trail = len(seg) - len(seg.rstrip())
                spans.append((a + lead, b - trail))
    return spans


def sentence_bounds(text: str, lexicon_dir: Path = LEXICON_DIR) -> tuple[list[int], list[int], list[int]]:
    """``(para_ids, starts, ends)`` of every sentence of a cleaned document text, as three lists."""
    paras: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for para_id, (p0, p1) in enumerate(paragraph_spans(text)):
        for a, b in sentence_spans(text[p0:p1], lexicon_dir):
            paras.append(para_id)
            starts.append(p0 + a)
            ends.append(p0 + b)
    return paras, starts, ends


def split_sentences(text: str, lexicon_dir: Path = LEXICON_DIR) -> list[dict]:
    """Rows ``{para_id, sent_id, start, end, text}`` for a cleaned document text."""
    paras, starts, ends = sentence_bounds(text, lexicon_dir)
    return [{"para_id": p, "sent_id": i, "start": a, "end": b, "text": text[a:b]}
            for i, (p, a, b) in enumerate(zip(paras, starts, ends))]
