"""Small helpers that turn failures and sizes into the one-line reasons users see."""

from __future__ import annotations

_MAX_REASON = 160


def one_line(exc: BaseException) -> str:
    """The exception's message on one line (whitespace collapsed), at most 160 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 3] + "..."


def human_size(n_bytes: int) -> str:
    """``52.4 MB``, ``25 MB``, ``3.2 KB`` or ``512 bytes`` (binary units, trailing .0 dropped)."""
    for unit, factor in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n_bytes >= factor:
            value = f"{n_bytes / factor:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{n_bytes} bytes"
