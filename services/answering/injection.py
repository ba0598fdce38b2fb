"""Prompt-injection quarantine: text in a document that addresses an AI assistant.

Plant documents never legitimately tell an assistant to ignore its instructions. Such sentences
are redacted before a chunk is quoted, used as evidence or sent to an LLM, so that neither the
extractive answer nor an LLM reply can present them as procedure (the post-check then finds a
reply that repeats them unsupported).
"""

from __future__ import annotations

import re

PLACEHOLDER = "[instruction to an AI assistant removed]"

_CORE = (
    r"(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|original)\s+"
    r"(?:instructions?|prompts?|rules|messages?|directions)"
    r"|you\s+are\s+now\s+(?:an?\s+)?\w+"
    r"|(?:system|developer)\s+prompt"
    r"|new\s+instructions\s*:"
    r"|as\s+an?\s+(?:ai|language\s+model|assistant)\b"
    r"|do\s+not\s+(?:cite|mention|reveal)\s+(?:the\s+|your\s+|any\s+)?(?:sources?|instructions)"
)
# The whole sentence around a trigger; a dot followed by a digit (10.5) does not end it.
_SENTENCE = re.compile(
    r"(?:[^.!?\n]|\.(?=\d))*(?:" + _CORE + r")(?:[^.!?\n]|\.(?=\d))*[.!?]?",
    re.I,
)


def contains_injection(text: str) -> bool:
    """True when the text holds an instruction aimed at an AI assistant."""
    return _SENTENCE.search(text) is not None


def redact(text: str) -> str:
    """The text with every sentence that addresses an AI assistant replaced by a placeholder."""
    return _SENTENCE.sub(lambda m: _keep_indent(m.group(0)) + PLACEHOLDER, text)


def _keep_indent(sentence: str) -> str:
    stripped = sentence.lstrip()
    return sentence[: len(sentence) - len(stripped)]
