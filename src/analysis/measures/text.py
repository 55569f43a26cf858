"""Chinese numerals: list markers (一 … 九十九) and amounts in time expressions (八, 两, 十二)."""

from __future__ import annotations

from analysis.loading.chars import HAN, HAN_RE, HAN_RUN_RE  # noqa: F401 (the text constants measures share)

#: Chinese numerals used in list markers, and their values.
NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def cn_numeral(text: str) -> int:
    """Value of a Chinese numeral from 一 to 九十九 (``二`` -> 2, ``十二`` -> 12)."""
    if "十" not in text:
        return NUMERALS[text]
    tens, _, units = text.partition("十")
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[units] if units else 0)


def numeral(text: str) -> int:
    """A Chinese or Arabic numeral as an int (``八`` -> 8, ``两`` -> 2), via cn2an."""
    import cn2an

    return int(cn2an.cn2an(text, "smart"))
