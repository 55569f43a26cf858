"""The word segmenter behind :mod:`analysis.tokenize`: jieba 0.42.1 itself, or rjieba made to agree with it.

``ANALYSIS_SEGMENTER`` chooses (``rjieba``, the default, or ``jieba``); the corpus cache is keyed by
:func:`segmenter_key`. Both give jieba 0.42.1's tokens (``HMM=True``, jieba's ``dict.txt`` plus the
domain dictionary): ``tests/test_segmenter.py`` compares them on the bundled and the dev corpus.

rjieba (the jieba-rs binding) runs jieba's algorithm natively, about 25 times faster, but differs from
jieba in four places, each handled here (see ``data/lexicon/README.md``):

1. **Dictionary total.** jieba adds every entry's frequency to the total, also a duplicate line of
   ``dict.txt`` (``B超`` is listed twice) and a user word that is already in the dictionary; jieba-rs
   counts each word once, with its last frequency. The total weighs every path of the DAG, so the
   difference is added to jieba-rs as the frequency of a word no text can contain.
2. **Block characters.** jieba cuts inside runs of ``[\\u4E00-\\u9FD5a-zA-Z0-9+#&._%-]``; jieba-rs also
   counts CJK extension A/B.., compatibility ideographs and ``\\u9FD6-\\u9FFF`` as Han. Runs holding such
   a character are split at it here, and the character is a token alone, as in jieba.
3. **HMM for non-Han runs.** When the DAG leaves a run of single characters that is no word, jieba
   hands it to its HMM, which splits non-Han parts with ``[a-zA-Z0-9]+(?:\\.\\d+)?%?``
   (``22.01.2015`` -> ``22.01 . 2015``); jieba-rs (in rjieba 0.2.2) keeps ``2016-04-08`` or
   ``www.x.com`` whole. Runs that hold one of ``+#&._%-`` are therefore cut by jieba-rs without its
   HMM (the DAG route, identical to jieba's) and the route's single characters go through jieba's
   own HMM (``jieba.finalseg``), as jieba does.
4. **Merged Latin in the route.** Without HMM jieba-rs joins single ASCII letters and digits; a joined
   run that is also a dictionary word (``www``, ``PK``) cannot be told from a route word, so such a
   run (rare: it also needs one of ``+#&._%-`` in its block) is cut by jieba itself.

User dictionary lines are read with jieba's own rule (``word [freq] [tag]``); an entry without a
frequency (jieba would suggest one) or with frequency 0 (jieba would force-split it) is refused with a
message naming the line: set ``ANALYSIS_SEGMENTER=jieba`` for such a dictionary.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from importlib.metadata import version
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

ENV_VAR = "ANALYSIS_SEGMENTER"
SEGMENTERS = ("rjieba", "jieba")
DEFAULT_SEGMENTER = "rjieba"

#: jieba's block characters (``jieba.re_han_default``) and the characters jieba-rs adds to them.
_JIEBA_BLOCK = "\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-"
_RS_EXTRA_HAN = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_UNION = _JIEBA_BLOCK + _RS_EXTRA_HAN
_RISKY_CHARS = "+#&._%\\-" + _RS_EXTRA_HAN
#: A run of block characters (either library's) holding a character where the two may differ.
_RISKY_RUN = re.compile(f"(?<![{_UNION}])[{_UNION}]*?[{_RISKY_CHARS}][{_UNION}]*")
_EXTRA_HAN = re.compile(f"([{_RS_EXTRA_HAN}])")
_SYMBOLS = re.compile(r"[+#&._%\-]")
_USERDICT_LINE = re.compile("^(.+?)( [0-9]+)?( [a-z]+)?$", re.U)  # jieba.re_userdict
#: A word jieba-rs holds only for its frequency: no block of text contains a NUL.
_TOTAL_WORD = "\x00total\x00"
#: ``sha256`` of a ``dict.txt`` -> what jieba's total exceeds the sum of its distinct words by
#: (jieba 0.42.1's lists ``B超 3 n`` twice); any other dictionary is scanned in full.
_DUPLICATE_SURPLUS = {"7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8": 3}


def segmenter_name() -> str:
    """The segmenter in force: ``$ANALYSIS_SEGMENTER`` or :data:`DEFAULT_SEGMENTER`."""
    name = os.environ.get(ENV_VAR, "").strip().lower() or DEFAULT_SEGMENTER
    if name not in SEGMENTERS:
        raise ValueError(f"{ENV_VAR}={name!r}: choose one of {', '.join(SEGMENTERS)}")
    return name


def segmenter_key(name: str | None = None) -> str:
    """What the tokens depend on besides the dictionaries: the segmenter and its packages' versions."""
    name = name or segmenter_name()
    pkgs = ("jieba", "rjieba") if name == "rjieba" else ("jieba",)
    return name + ":" + ",".join(f"{p}=={version(p)}" for p in pkgs)


def jieba_dict_path() -> Path:
    return Path(jieba.__file__).parent / "dict.txt"


def read_userdict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """``(word, freq, tag)`` per line, parsed as ``jieba.Tokenizer.load_userdict`` does."""
    entries = []
    for ln in path.read_bytes().split(b"\n"):
        line = ln.strip().decode("utf-8").lstrip("\ufeff")
        if not line:
            continue
        word, freq, tag = _USERDICT_LINE.match(line).groups()
        entries.append((word, int(freq) if freq is not None else None, tag.strip() if tag else None))
    return entries


def _dict_freqs(words: set[str]) -> tuple[dict[str, list[int]], int]:
    """Frequencies of ``words`` in jieba's ``dict.txt`` (every line), and its duplicate surplus."""
    data = jieba_dict_path().read_bytes()
    surplus = _DUPLICATE_SURPLUS.get(hashlib.sha256(data).hexdigest())
    text = "\n" + data.decode("utf-8")
    found: dict[str, list[int]] = {}
    if surplus is None:  # an unknown dictionary: read it all
        pairs = re.findall(r"\n(\S+) ([0-9]+)", text)
        last = dict(pairs)
        surplus = sum(int(f) for _, f in pairs) - sum(int(f) for f in last.values())
        for w, f in pairs:
            if w in words:
                found.setdefault(w, []).append(int(f))
        return found, surplus
    if words:
        first = "".join(sorted({w[0] for w in words}))
        for m in re.finditer(f"\n([{re.escape(first)}][^ \n]*) ([0-9]+)", text):
            if m.group(1) in words:
                found.setdefault(m.group(1), []).append(int(m.group(2)))
    return found, surplus


class JiebaSegmenter:
    """jieba 0.42.1 itself (the reference)."""

    name = "jieba"

    def __init__(self, tokenizer: jieba.Tokenizer):
        self.tokenizer = tokenizer

    def cut(self, text: str) -> list[str]:
        return self.tokenizer.lcut(text, HMM=True)


class RjiebaSegmenter:
    """jieba-rs through rjieba, with jieba's total, block characters and HMM for non-Han runs."""

    name = "rjieba"

    def __init__(self, userdict: Path, jieba_fallback=None):
        import rjieba

        entries = read_userdict(userdict)
        for n, (word, freq, _) in enumerate(entries, 1):
            if not freq:
                raise ValueError(f"{userdict}:{n}: {word!r} has no frequency (or 0); the rjieba segmenter "
                                 f"needs one: give it, or set {ENV_VAR}=jieba")
        self._rj = rj = rjieba.Jieba()
        found, surplus = _dict_freqs({w for w, _, _ in entries})
        current = {w: fs[-1] for w, fs in found.items()}  # jieba-rs keeps a word's last frequency
        missing = surplus  # jieba's total minus jieba-rs's
        for word, freq, tag in entries:
            missing += current.get(word, 0)  # jieba-rs replaces an old frequency, jieba adds to it
            current[word] = freq
            rj.add_word(word, freq, tag)
        if missing:
            rj.add_word(_TOTAL_WORD, missing, None)
        self._jieba_fallback = jieba_fallback  # () -> jieba.Tokenizer, loaded only when needed
        self.fallbacks = 0

    def cut(self, text: str) -> list[str]:
        """jieba's ``lcut(text, HMM=True)``."""
        rj = self._rj
        out: list[str] = []
        pos = 0
        for m in _RISKY_RUN.finditer(text):
            a, b = m.span()
            if a > pos:
                out += rj.cut(text[pos:a], True)
            for piece in _EXTRA_HAN.split(m.group()):
                if not piece:
                    continue
                if len(piece) == 1 and _EXTRA_HAN.match(piece):
                    out.append(piece)
                elif _SYMBOLS.search(piece):
                    out += self._cut_block(piece)
                else:
                    out += rj.cut(piece, True)
            pos = b
        if pos < len(text):
            out += rj.cut(text[pos:] if pos else text, True)
        return out

    def _cut_block(self, block: str) -> list[str]:
        """One jieba block with a symbol in it: jieba-rs's DAG route, then jieba's HMM step."""
        rj = self._rj
        route: list[str] = []
        for w in rj.cut(block, False):
            if len(w) > 1 and w.isascii() and w.isalnum():  # single letters/digits joined, or a word
                if rj.has_word(w):
                    return self._jieba(block)
                route += w
            else:
                route.append(w)
        return _hmm_step(route, rj.has_word)

    def _jieba(self, block: str) -> list[str]:
        self.fallbacks += 1
        if self._jieba_fallback is None:
            raise RuntimeError("no jieba tokenizer to fall back on")
        return self._jieba_fallback().lcut(block, HMM=True)


def _hmm_step(route: list[str], is_word) -> list[str]:
    """``jieba.Tokenizer.__cut_DAG`` after the route: runs of single characters that are no word go to
    jieba's HMM (``finalseg.cut``); a run that is a word is split into its characters."""
    from jieba import finalseg

    out: list[str] = []
    buf = ""

    def flush():
        if len(buf) == 1:
            out.append(buf)
        elif not is_word(buf):
            out.extend(finalseg.cut(buf))
        else:
            out.extend(buf)

    for w in route:
        if len(w) == 1:
            buf += w
            continue
        if buf:
            flush()
            buf = ""
        out.append(w)
    if buf:
        flush()
    return out


def make_segmenter(name: str, userdict: Path, jieba_tokenizer):
    """The segmenter ``name`` for the user dictionary ``userdict`` (``jieba_tokenizer``: () -> the
    project's jieba tokenizer, called only if jieba is needed)."""
    if name == "jieba":
        return JiebaSegmenter(jieba_tokenizer())
    return RjiebaSegmenter(userdict, jieba_tokenizer)
