"""Reading a report's bytes and decoding them: UTF-8 (with or without BOM), GB18030/GBK, Big5.

Empty, binary and undecodable files raise :class:`~analysis.loading.errors.CorpusError` naming the
file and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.loading.errors import CorpusError

#: Encodings tried, in order, after UTF-8 (GBK is a subset of GB18030).
FALLBACK_ENCODINGS = ("gb18030", "big5")


#: Control characters other than tab, line feed, form feed and carriage return (C0 and C1).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def read_raw(path: Path) -> bytes:
    """A report's bytes; an unreadable file is a :class:`CorpusError`, not a traceback."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise CorpusError(path, f"cannot read the file ({e.strerror})") from None


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode a report's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) first, then GB18030 (which covers GBK and GB2312) and Big5;
    when both legacy encodings decode the bytes, charset-normalizer picks the more coherent one.
    Empty, binary and undecodable files raise :class:`CorpusError`.
    """
    if not data.strip():
        raise CorpusError(path, "empty file (no text to analyse)")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), enc, path), enc
            except UnicodeDecodeError as e:
                raise CorpusError(path, f"starts with a {enc} byte-order mark but is not valid {enc} ({e.reason} at byte {e.start})") from None
    if b"\x00" in data:
        raise CorpusError(path, "binary file (contains NUL bytes), not a text report (if it is UTF-16 text, add a byte-order mark or save it as UTF-8)")
    try:
        return _checked(data.decode("utf-8"), "utf-8", path), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = f"{e.reason} at byte {e.start}"
    decoded = {}
    for enc in FALLBACK_ENCODINGS:
        try:
            decoded[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if not decoded:
        raise CorpusError(path, f"cannot decode: not UTF-8 ({utf8_error}), GB18030/GBK or Big5; save it as UTF-8")
    if len(decoded) > 1:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(decoded)).best()
        enc = best.encoding.replace("_", "") if best else "gb18030"
        enc = "big5" if "big5" in enc else "gb18030"
    else:
        enc = next(iter(decoded))
    return _checked(decoded[enc], enc, path), enc


def _checked(text: str, encoding: str, path: Path | str) -> str:
    """Refuse text that is mostly control characters (a binary file that happens to decode)."""
    ctrl = len(CONTROL_RE.findall(text))
    if ctrl / max(1, len(text)) > 0.01:
        raise CorpusError(path, f"binary or corrupt file: decodes as {encoding} only to control characters")
    return text
