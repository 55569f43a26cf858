"""Character classes of Chinese text, defined once for the whole package.

``HAN`` is the range of Han characters a measure counts (CJK Unified Ideographs, Extension A and
the compatibility ideographs); every rate "per 1,000 characters" counts these.
"""

from __future__ import annotations

import re

import numpy as np

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One Han character.
HAN_RE = re.compile(f"[{HAN}]")
#: A run of Han characters.
HAN_RUN_RE = re.compile(f"[{HAN}]+")


def count_han(text: str) -> int:
    """Number of Han characters in ``text`` (the ranges of :data:`HAN`; vectorised)."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int((((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 0x4E00) & (cp <= 0x9FFF))
                | ((cp >= 0xF900) & (cp <= 0xFAFF))).sum())
