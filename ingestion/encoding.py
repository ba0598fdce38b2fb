"""Decode the bytes of text-like files (txt, md, html, csv) without rejecting legacy encodings.

Plant documents come from many tools: UTF-8 from modern editors, cp1252 from Windows exports,
Latin-1 from older CMMS systems, UTF-16 from some spreadsheet "Unicode text" exports. We try, in
order: a byte-order mark, strict UTF-8, strict cp1252, and finally Latin-1 (which maps every byte,
so decoding never fails). cp1252 comes before Latin-1 because it is a superset for printable text
(curly quotes, the euro sign) and the usual culprit on Windows.
"""

from __future__ import annotations

import codecs

from core.errors import ParseError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACKS: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")


def detect_encoding(data: bytes) -> str:
    """Return the name of the first encoding that decodes ``data`` cleanly."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for name in _FALLBACKS:
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return "latin-1"  # pragma: no cover - latin-1 decodes any byte string


def decode_text(data: bytes) -> str:
    """Decode ``data`` to text; raise :class:`ParseError` for binary content (NUL bytes).

    Line endings are normalised to ``\\n`` so partitioners and regexes see one convention.
    """
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    if "\x00" in text:
        raise ParseError("binary content in a text file (NUL bytes)")
    return text.replace("\r\n", "\n").replace("\r", "\n")
