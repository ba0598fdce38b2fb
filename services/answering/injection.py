"""Prompt-injection quarantine: text in a document that addresses an AI assistant.

Plant documents never legitimately tell an assistant to ignore its instructions. Such sentences
are redacted before a chunk is quoted, used as evidence or sent to an LLM, so that neither the
reader's answer nor an LLM reply can present them as procedure (the post-check then finds a
reply that repeats them unsupported).
"""

from __future__ import annotations

import re
from functools import lru_cache

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
_TRIGGER = re.compile(_CORE, re.I)
# A sentence ends at ! ? a newline, or a dot not followed by a digit (10.5 does not end it).
_END = re.compile(r"[!?\n]|\.(?!\d)")


def contains_injection(text: str) -> bool:
    """True when the text holds an instruction aimed at an AI assistant."""
    return _TRIGGER.search(text) is not None


@lru_cache(maxsize=8192)
def redact(text: str) -> str:
    """The text with every sentence that addresses an AI assistant replaced by a placeholder.

    Cached: the answerer reads the same retrieved chunks several times per question.
    """
    out: list[str] = []
    done = 0
    for trigger in _TRIGGER.finditer(text):
        if trigger.start() < done:  # a second trigger in a sentence already removed
            continue
        start = _sentence_start(text, trigger.start())
        end = _sentence_end(text, trigger.end())
        sentence = text[start:end]
        out.append(text[done:start] + _keep_indent(sentence) + PLACEHOLDER)
        done = end
    out.append(text[done:])
    return "".join(out)


def _sentence_start(text: str, pos: int) -> int:
    """Index just after the sentence end that precedes ``pos`` (linear, no backtracking)."""
    i = pos - 1
    while i >= 0:
        ch = text[i]
        if ch in "!?\n" or (ch == "." and not text[i + 1 : i + 2].isdigit()):
            return i + 1
        i -= 1
    return 0


def _sentence_end(text: str, pos: int) -> int:
    """Index after the punctuation that ends the sentence at ``pos`` (a newline stays)."""
    end = _END.search(text, pos)
    if end is None:
        return len(text)
    return end.start() if end.group() == "\n" else end.end()


def _keep_indent(sentence: str) -> str:
    stripped = sentence.lstrip()
    return sentence[: len(sentence) - len(stripped)]
