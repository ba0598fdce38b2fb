"""A deterministic fake reader (cross-encoder) for fast tests, shipped beside the real one.

``OverlapReader`` implements :class:`core.ports.Reranker` like the shipped reader, returning
probabilities: the sigmoid of a logit that grows with the share of the question's words that
the passage contains, so tests of the reader answerer can say which passage
or sentence should win without loading a model. It is not a relevance model; never serve it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "do",
        "i",
        "my",
        "we",
        "what",
        "how",
        "when",
        "which",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


class OverlapReader:
    """Probability = sigmoid(``scale`` x share of question words in the passage - ``bias``)."""

    def __init__(self, scale: float = 8.0, bias: float = 4.0) -> None:
        self._scale = scale
        self._bias = bias

    @property
    def model_id(self) -> str:
        """Names the fake in logs."""
        return "overlap-reader-fake"

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """One probability per passage: no shared word gives sigmoid(-bias)."""
        asked = _words(question)
        shares = [len(asked & _words(p)) / len(asked) if asked else 0.0 for p in passages]
        return [1.0 / (1.0 + math.exp(self._bias - self._scale * s)) for s in shares]
