"""Word segmentation with jieba and the project's domain dictionary and stopword lists.

The dictionary (``data/lexicon/domain_dict.txt``) keeps campaign names, set formulas and every
official, place and organisation named in the reports whole. Stopwords come in two lists: general
function words (``stopwords_function.txt``) and generic bureaucratic words
(``stopwords_bureaucratic.txt``), which analyses can switch on or off.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba

from .config import LEXICON_DIR

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


def stopwords(lexicon_dir: Path = LEXICON_DIR, bureaucratic: bool = True) -> frozenset[str]:
    """Function-word stopwords, plus the bureaucratic list unless ``bureaucratic=False``."""
    words = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    if bureaucratic:
        words |= read_word_list(lexicon_dir / BUREAUCRATIC_STOPWORDS_FILE)
    return words


def cut(text: str, lexicon_dir: Path = LEXICON_DIR) -> list[str]:
    """Segment a piece of text into tokens (punctuation included)."""
    return get_tokenizer(lexicon_dir).lcut(text, HMM=True)


def tokenize_sentences(sentences: list[dict], lexicon_dir: Path = LEXICON_DIR) -> list[dict]:
    """Token rows for sentence rows (``sent_id``, ``start``, ``text``): offsets are document offsets.

    Each row: ``sent_id, token_id, token, start, end, is_word, is_stop, is_bureaucratic``;
    whitespace tokens are left out.
    """
    tk = get_tokenizer(lexicon_dir)
    function = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    bureaucratic = read_word_list(lexicon_dir / BUREAUCRATIC_STOPWORDS_FILE)
    rows = []
    for sent in sentences:
        for word, a, b in tk.tokenize(sent["text"], HMM=True):
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
