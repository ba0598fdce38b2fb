"""Find the safety-critical sentences of a text so answers can never silently drop them.

A sentence (or a whole line) is a *safety notice* when either

1. the line or sentence starts with a signal word, in any case, followed by ``:`` or ``!``
   (``WARNING:``, ``Caution!``, ``DANGER:``, optionally after a bullet or a ⚠ sign), see
   :data:`SIGNAL_WORDS`; the whole line is kept when the line starts with it; or
2. the sentence mentions one of the hazards in :data:`HAZARD_PATTERNS` (lockout/tagout, hazardous
   energy, PPE, confined space, arc flash, energy isolation, chemical burns...).

Not notices, even when they name a hazard: a table's header row (it names columns: "Task | Extra
PPE"), a cross-reference line that starts with a document id ("- CAL-SOP-002 PPE requirements"),
and a scope statement ("Defines minimum PPE at the plant..."). They say where protection is
described, not what to do.

Notices are returned verbatim (only surrounding whitespace stripped, and a line wrapped in the
source joined to its rest with one space), in text order, without duplicates. The rules are a
plain keyword table on purpose: auditable by a safety officer, deterministic, and cheap enough
to run on every chunk at ingestion time. The table is narrow on purpose: a notice block that
flags every sentence mentioning caustic or isolation teaches operators to skip it; hazards are
flagged by the words that name a hazard or a protection.
"""

from __future__ import annotations

import re

from core.chunk_text import TABLE_LINE, TABLE_RULE

SIGNAL_WORDS: tuple[str, ...] = ("WARNING", "CAUTION", "DANGER")
"""ANSI Z535 / ISO 3864 signal words that open a safety message."""

HAZARD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("lockout/tagout", r"\block[\s-]*out\b|\btag[\s-]*out\b|\bLOTO\b"),
    ("hazardous or stored energy", r"\bhazardous\s+energ(?:y|ies)\b|\bstored\s+energy\b"),
    ("zero energy state", r"\bzero[\s-]+energy\b|\bde-?energi[sz](?:e|ed|es|ing|ation)\b"),
    (
        "energy isolation",
        r"\b(?:energy|electrical|pneumatic|hydraulic|steam)\s+isolation\b|\bisolation\s+points?\b"
        r"|\bisolator\b|\bisolation\s+of\s+(?:all\s+)?(?:energy|power)\b"
        r"|\bisolate\s+(?:the\s+)?(?:\w+\s+)?(?:power|energy|supply|drive|motor|air|steam|valve|breaker)\b",
    ),
    ("personal protective equipment", r"\bPPE\b|\bpersonal\s+protective\s+equipment\b"),
    (
        "protective gear",
        r"\bsafety\s+(?:glasses|goggles|shoes|boots|harness)\b|\bface\s+shield\b"
        r"|\bhearing\s+protection\b|\brespirator\b|\bprotective\s+gloves\b",
    ),
    ("confined space", r"\bconfined[\s-]+spaces?\b"),
    ("arc flash", r"\barc[\s-]+flash\b"),
    ("electrical shock", r"\belectric(?:al)?\s+shock\b|\belectrocut\w*\b|\bhigh\s+voltage\b"),
    ("chemical burns", r"\bchemical\s+burns?\b|\bcorrosive\s+to\s+(?:skin|eyes)\b"),
    ("burns and hot surfaces", r"\bsevere\s+burns?\b|\bhot\s+surfaces?\b|\bscald\w*\b"),
    (
        "crush and entanglement",
        r"\bpinch\s+points?\b|\bcrush(?:ing)?\s+(?:hazard|injur\w*|zone)\b|\bentangle\w*\b",
    ),
    ("falls from height", r"\bfall\s+(?:protection|arrest)\b"),
)
"""Hazard keyword table: (what it covers, case-insensitive regex)."""

_SIGNAL_RE = re.compile(
    r"^[\s\-*•·>⚠️]*(?:" + "|".join(SIGNAL_WORDS) + r")\s*[:!]",
    re.IGNORECASE,
)
_HAZARD_RE = re.compile("|".join(f"(?:{p})" for _, p in HAZARD_PATTERNS), re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_LIST_MARKER = re.compile(r"^(?:\d{1,3}|[A-Za-z])[.)]\s+")
_REFERENCE = re.compile(r"^[\s\-*•·]*[A-Z]{2,5}-[A-Z]{2,5}-\d+")
_SCOPE = re.compile(
    r"^(?:this\s+(?:sop|procedure|document|standard|instruction)\b|defines\b|describes\b"
    r"|covers\b|applies\s+to\b)",
    re.IGNORECASE,
)


def is_safety_sentence(sentence: str) -> bool:
    """True when ``sentence`` opens with a signal word or mentions a listed hazard."""
    return bool(_SIGNAL_RE.match(sentence) or _HAZARD_RE.search(sentence))


def _sentences(line: str) -> list[str]:
    """Split one line into sentences at ``.``, ``!`` or ``?`` followed by whitespace.

    A leading list marker (``2.``, ``b)``) stays attached to the first sentence.
    """
    marker = _LIST_MARKER.match(line)
    prefix = marker.group(0) if marker else ""
    sentences = [s.strip() for s in _SENTENCE_END.split(line[len(prefix) :]) if s.strip()]
    if prefix and sentences:
        sentences[0] = prefix + sentences[0]
    return sentences


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the wrapped rest of ``previous`` (text extracted from a PDF keeps
    the page's line breaks): the previous line ends no sentence and this one opens in lower
    case, which no new sentence, item, heading or table row does."""
    return (
        bool(previous)
        and bool(line)
        and line[0].islower()
        and previous[-1] not in ".!?:;"
        and not TABLE_LINE.match(previous)
    )


def logical_lines(text: str) -> list[str]:
    """The stripped lines of ``text`` with wrapped continuations joined by one space."""
    lines: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if lines and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def detect_safety_notices(text: str) -> tuple[str, ...]:
    """Return the safety-critical lines and sentences of ``text``, in order, deduplicated.

    A line that starts with a signal word is returned whole; otherwise each sentence of the
    line is tested on its own (table header rows, references and scope statements excepted).
    A line wrapped in the source ("... points to the solid-state relay or" / "fuse in HC-2.")
    is read as one (:func:`logical_lines`), so that a notice is never cut mid-sentence.
    """
    found: dict[str, None] = {}
    in_table = False
    for line in logical_lines(text):
        if not line:
            in_table = False
            continue
        if _SIGNAL_RE.match(line):
            found.setdefault(line)
            continue
        header = bool(TABLE_LINE.match(line)) and not in_table
        in_table = bool(TABLE_LINE.match(line) or TABLE_RULE.match(line))
        if header or _REFERENCE.match(line):
            continue
        for sentence in _sentences(line):
            if is_safety_sentence(sentence) and not _SCOPE.match(sentence):
                found.setdefault(sentence)
    return tuple(found)
