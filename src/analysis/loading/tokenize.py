"""Word segmentation with jieba and the project's domain dictionary and stopword lists.

The segmenter is jieba 0.42.1's algorithm, run by rjieba (jieba-rs) or by jieba itself
(``ANALYSIS_SEGMENTER``, see :mod:`analysis.segmenter`); both give the same tokens.

The dictionary (``data/lexicon/domain_dict.txt``) keeps campaign names, set formulas and every
official, place and organisation named in the reports whole. Stopwords come in two lists: general
function words (``stopwords_function.txt``) and generic bureaucratic words
(``stopwords_bureaucratic.txt``), which analyses can switch on or off.
"""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np

from analysis.loading import segmenter as _segmenter
from analysis.loading.config import LEXICON_DIR

jieba.setLogLevel(logging.WARNING)  # keep "Loading model cost ..." out of notebook outputs

DICTIONARY_FILE = "domain_dict.txt"
FUNCTION_STOPWORDS_FILE = "stopwords_function.txt"
BUREAUCRATIC_STOPWORDS_FILE = "stopwords_bureaucratic.txt"
#: A token that carries a word: at least one Chinese character, letter or digit.
WORD_RE = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def read_word_list(path: Path) -> frozenset[str]:
    """One entry per line; ``#`` starts a comment, blank lines are skipped."""
    return _word_list(str(path), path.stat().st_mtime_ns, path.stat().st_size)


@lru_cache(maxsize=16)
def _word_list(path_str: str, mtime: int, size: int) -> frozenset[str]:
    path = Path(path_str)
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word)
    return frozenset(words)


def get_tokenizer(lexicon_dir: Path = LEXICON_DIR) -> jieba.Tokenizer:
    """A jieba tokenizer with the domain dictionary loaded (one per process and dictionary content)."""
    path = lexicon_dir / DICTIONARY_FILE
    return _tokenizer(str(path), path.stat().st_mtime_ns, path.stat().st_size)


@lru_cache(maxsize=4)
def _tokenizer(path: str, mtime: int, size: int) -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(path)
    return tk


get_tokenizer.cache_clear = _tokenizer.cache_clear  # type: ignore[attr-defined]


def get_segmenter(lexicon_dir: Path = LEXICON_DIR, name: str | None = None):
    """The segmenter in force (``name`` or ``$ANALYSIS_SEGMENTER``) with the domain dictionary: its
    ``cut(text)`` is jieba's ``lcut(text, HMM=True)``. jieba itself is loaded only if needed."""
    st = os.stat(_dictionary_path(lexicon_dir))   # one stat of a path joined once: a changed dictionary is seen
    return _segmenter_for(name or _segmenter.segmenter_name(), str(lexicon_dir), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _dictionary_path(lexicon_dir: Path) -> str:
    """The domain dictionary's path in ``lexicon_dir`` as a string (joined once per folder)."""
    return str(Path(lexicon_dir) / DICTIONARY_FILE)


@lru_cache(maxsize=8)
def _segmenter_for(name: str, lexicon_dir: str, mtime: int, size: int):
    lexicon = Path(lexicon_dir)
    return _segmenter.make_segmenter(name, lexicon / DICTIONARY_FILE, lambda: get_tokenizer(lexicon))


def segmenter_key() -> str:
    """The segmenter in force and its packages' versions (part of the corpus cache key)."""
    return _segmenter.segmenter_key()


def _tokens(seg, text: str):
    """``(word, start, end)`` of ``seg.cut(text)``, as jieba's ``tokenize``."""
    pos = 0
    for word in seg.cut(text):
        end = pos + len(word)
        yield word, pos, end
        pos = end


def stopwords(lexicon_dir: Path = LEXICON_DIR, bureaucratic: bool = True) -> frozenset[str]:
    """Function-word stopwords, plus the bureaucratic list unless ``bureaucratic=False``."""
    words = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    if bureaucratic:
        words |= read_word_list(lexicon_dir / BUREAUCRATIC_STOPWORDS_FILE)
    return words


def cut(text: str, lexicon_dir: Path = LEXICON_DIR) -> list[str]:
    """Segment a piece of text into tokens (punctuation included)."""
    return get_segmenter(lexicon_dir).cut(text)


def tokenize_sentences(sentences: list[dict], lexicon_dir: Path = LEXICON_DIR) -> list[dict]:
    """Token rows for sentence rows (``sent_id``, ``start``, ``text``): offsets are document offsets.

    Each row: ``sent_id, token_id, token, start, end, is_word, is_stop, is_bureaucratic``;
    whitespace tokens are left out.
    """
    seg = get_segmenter(lexicon_dir)
    function = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    bureaucratic = read_word_list(lexicon_dir / BUREAUCRATIC_STOPWORDS_FILE)
    rows = []
    for sent in sentences:
        for word, a, b in _tokens(seg, sent["text"]):
            if not word.strip():
                continue
            is_word = bool(WORD_RE.search(word))
            rows.append(
                {
                    "sent_id": sent["sent_id"],
                    "token_id": len(rows),
                    "token": word,
                    "start": sent["start"] + a,
                    "end": sent["start"] + b,
                    "is_word": is_word,
                    "is_stop": (word in function) or not is_word,
                    "is_bureaucratic": word in bureaucratic,
                }
            )
    return rows


def tokenize_document(text: str, sent_starts, sent_ends, lexicon_dir: Path = LEXICON_DIR) -> dict:
    """Tokens of a whole cleaned document in columns, the fast path of :func:`tokenize_sentences`.

    jieba runs once over the document instead of once per sentence. The tokens are the same: jieba
    cuts inside runs of Han characters, letters and digits, and every sentence boundary follows an
    end mark, a closing quote, a semicolon or a line break, none of which such a run contains (each
    token is checked to lie inside its sentence; if one did not, the sentences are cut one by one).

    Returns ``vocab`` (the distinct tokens), ``code`` (index into ``vocab``), ``start`` and
    ``sent_id`` per token, whitespace tokens left out, as ``int32`` arrays.
    """
    seg = get_segmenter(lexicon_dir)
    vocab: dict[str, int] = {}  # each distinct token kept once, so a long report does not hold a string per token
    parts = []
    for chunk in _chunks(text):
        words = seg.cut(chunk)
        add_codes(vocab, dict.fromkeys(words))
        parts.append(np.fromiter(map(vocab.__getitem__, words), dtype=np.int32, count=len(words)))
    codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    words_vocab = list(vocab)
    lengths = np.fromiter(map(len, words_vocab), dtype=np.int64, count=len(words_vocab))
    space = np.fromiter((not w.strip() for w in words_vocab), dtype=bool, count=len(words_vocab))
    ends = np.cumsum(lengths[codes]) if len(codes) else np.zeros(0, dtype=np.int64)
    keep = ~space[codes]
    codes, ends = codes[keep], ends[keep]
    starts = ends - lengths[codes]
    sent_starts = np.asarray(sent_starts, dtype=np.int64)
    sent_ends = np.asarray(sent_ends, dtype=np.int64)
    sent = np.searchsorted(sent_starts, starts, side="right") - 1
    if len(sent) and (sent.min() < 0 or (ends > sent_ends[sent]).any()):  # pragma: no cover - see docstring
        return _tokenize_by_sentence(text, sent_starts, sent_ends, lexicon_dir)
    return {"vocab": words_vocab, "code": codes, "start": starts.astype(np.int32), "sent_id": sent.astype(np.int32)}


def add_codes(vocab: dict[str, int], words) -> None:
    """Give each of ``words`` not yet in ``vocab`` the next code (``words`` without repeats)."""
    new = [w for w in words if w not in vocab]
    vocab.update(zip(new, range(len(vocab), len(vocab) + len(new))))


#: Long texts are cut at line breaks into pieces of about this many characters (jieba never
#: joins across a line break, so the tokens are the same; only memory differs).
CHUNK_CHARS = 1 << 18


def _chunks(text: str, size: int | None = None):
    """``text`` in consecutive pieces, each ending just after a line break (or at the end)."""
    size = size or CHUNK_CHARS
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start + size)
        end = n if end < 0 else end + 1
        yield text[start:end]
        start = end


def _tokenize_by_sentence(text: str, sent_starts, sent_ends, lexicon_dir: Path) -> dict:
    """:func:`tokenize_document`'s result, jieba run sentence by sentence."""
    seg = get_segmenter(lexicon_dir)
    vocab: dict[str, int] = {}
    codes, starts, sents = [], [], []
    for i, (a, b) in enumerate(zip(sent_starts.tolist(), sent_ends.tolist())):
        for word, x, _ in _tokens(seg, text[a:b]):
            if word.strip():
                codes.append(vocab.setdefault(word, len(vocab)))
                starts.append(a + x)
                sents.append(i)
    return {"vocab": list(vocab), "code": np.array(codes, dtype=np.int32), "start": np.array(starts, dtype=np.int32),
            "sent_id": np.array(sents, dtype=np.int32)}


def token_flags(tokens: list[str], lexicon_dir: Path = LEXICON_DIR) -> dict[str, np.ndarray]:
    """``is_word``, ``is_stop``, ``is_bureaucratic`` for each of ``tokens`` (as in :func:`tokenize_sentences`)."""
    function = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    bureaucratic = read_word_list(lexicon_dir / BUREAUCRATIC_STOPWORDS_FILE)
    n = len(tokens)
    is_word = np.fromiter((bool(WORD_RE.search(w)) for w in tokens), dtype=bool, count=n)
    in_function = np.fromiter((w in function for w in tokens), dtype=bool, count=n)
    is_bureaucratic = np.fromiter((w in bureaucratic for w in tokens), dtype=bool, count=n)
    return {"is_word": is_word, "is_stop": in_function | ~is_word, "is_bureaucratic": is_bureaucratic}
