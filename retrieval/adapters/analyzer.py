"""Text analysis for the keyword index: plant-aware tokens with English stemming.

Plant questions name things BM25's usual tokenisers destroy: asset tags (``IMM-4``, ``P-301``,
``CONV-3``, ``FILLER-2``), specs (``45 Nm``, ``2.5 bar``) and step numbers. Every word is kept
as its letter and digit runs, and a glued canonical form is added for tags and quantities, so
``IMM-4``, ``IMM4`` and ``IMM 4`` all produce ``imm4``, and ``45 Nm`` and ``45Nm`` both produce
``45nm``. Letter runs are stemmed (Snowball English, via PyStemmer) after dropping stopwords.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import Stemmer

from retrieval.adapters.bm25s_import import bm25s

STOPWORDS_EN = bm25s.stopwords.STOPWORDS_EN

ANALYZER_VERSION = "plant-1"
"""Stored with every persisted keyword index; a change forces a rebuild."""

_WORD = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*")
_DECIMAL = re.compile(r"\d+(?:\.\d+)+")
_RUN = re.compile(r"\d+|[^\W\d_]+")
_STOPWORDS = frozenset(STOPWORDS_EN)
_STEMMER = Stemmer.Stemmer("english")
_MAX_UNIT = 4  # "nm", "bar", "psig": a number is glued to a unit, not to the next sentence


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _runs(word: str) -> list[str]:
    """Letter and digit runs of one word; a decimal number stays one run."""
    if _DECIMAL.fullmatch(word):
        return [word]
    return _RUN.findall(word)


def _emit_runs(runs: list[str]) -> Iterator[str]:
    """Tokens of one word: each run (stemmed letters, no stopwords) and the glued form."""
    for run in runs:
        if run.isdigit() or _DECIMAL.fullmatch(run):
            yield run
        elif run not in _STOPWORDS:
            yield _stem(run)
    if len(runs) > 1:
        glued = "".join(runs)
        yield _stem(glued) if glued.isalpha() else glued


def _glue_pair(prev: list[str], runs: list[str]) -> str | None:
    """``imm 4`` -> ``imm4``, ``45 nm`` -> ``45nm``: a word of letters, then a number (or a
    number, then a short unit)."""
    if len(prev) != 1 or len(runs) != 1:
        return None
    a, b = prev[0], runs[0]
    if a.isalpha() and b.isdigit() and a not in _STOPWORDS:
        return a + b
    is_unit = b.isalpha() and len(b) <= _MAX_UNIT and b not in _STOPWORDS
    if (a.isdigit() or _DECIMAL.fullmatch(a)) and is_unit:
        return a + b
    return None


def analyze(text: str) -> list[str]:
    """Tokens of ``text`` for indexing and querying (the same function on both sides)."""
    tokens: list[str] = []
    prev: list[str] = []
    for word in _WORD.findall(text.casefold()):
        runs = _runs(word)
        tokens.extend(_emit_runs(runs))
        glued = _glue_pair(prev, runs)
        if glued is not None:
            tokens.append(glued)
        prev = runs
    return tokens


def query_terms(text: str) -> list[str]:
    """Distinct tokens of a question, in order (a repeated word must not count twice)."""
    return list(dict.fromkeys(analyze(text)))


def analyze_all(texts: Iterable[str]) -> list[list[str]]:
    """Tokens of many texts (index build)."""
    return [analyze(t) for t in texts]
