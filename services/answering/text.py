"""Text primitives shared by the answerers: tokens, content terms and sentence/step units.

Standard library only and deterministic, so that the extractive answerer and the LLM post-check
judge "is this supported by that chunk" with exactly the same notion of a word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

_TOKEN = re.compile(r"°?[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_STEP = re.compile(r"^\s*(?:step\s+)?(\d{1,2})\s*[.):]\s+\S", re.I)
_SUB_ITEM = re.compile(r"^\s*(?:[-*•]|[a-z][.)])\s+\S")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_TABLE = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^[\s|:\-+]+$")
_LABEL = re.compile(r"^\s*\**[A-Z][A-Z /]{2,24}\**\s*:")
# A sentence ends at . ! ? before a capital or digit; a citation marker right after the
# full stop stays with its sentence ("Stop the filler. [1] Then ..." splits after "[1]").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|(?<=\d\])\s+(?=[A-Z\"'(])")
_PROCEDURE = re.compile(
    r"\b(how\s+(do|to|should|can|does|would)|procedure|steps?|sequence|process|instructions?"
    r"|what\s+do\s+(i|we)\s+do|walk\s+me)\b",
    re.I,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a an the and or but if then than so of to in on at by for from with without into onto
    over under about after before during between through up down out off is are was were be been
    being am do does did doing done have has had having i me my we our you your he she it its they
    them their this that these those there here what which who whom whose when where why how can
    could should would will shall may might must need needs not no nor any all some each every
    other such only own same too very just also as please tell show give get let know want like
    one ones it's i'm what's thing things use used using need needed required require
    necessary allowed supposed ok okay ever again previously past happen happened occur
    occurred"""
)
"""Function words that never decide whether a passage answers a question."""

INTENT_WORDS = _words(
    "procedure procedures step steps process instruction instructions sequence method way "
    "ways explain describe correct right proper"
)
"""Words that say what kind of answer is wanted, not what it is about."""

ALIASES: dict[str, frozenset[str]] = {
    "ppe": _words("glov goggl shield apron respirator helmet boot earplug visor coverall glass"),
    "loto": frozenset({"lockout", "tagout", "lock"}),
    "lockout": frozenset({"loto"}),
    "tagout": frozenset({"loto"}),
    "temperatur": _words("°c °f degre celsius fahrenheit"),
    "pressur": _words("bar psi kpa mpa"),
    "torqu": _words("nm ft-lb"),
    "long": _words("minut hour second min sec"),
    "duration": _words("minut hour second min sec"),
}
"""Plant words that a source usually spells out or writes as a unit: a question about PPE is
answered by a sentence naming gloves and a face shield, "what temperature" by "75 °C".
Keys and values are stems (see :func:`stem`)."""

_ID_EXCLUDED = frozenset({"step", "section", "page", "rev", "revision", "figure", "table", "item"})


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; tags such as ``conv-3`` and decimals such as ``10.5`` stay whole."""
    return _TOKEN.findall(text.lower())


def is_number(token: str) -> bool:
    """True for a plain number token (``85``, ``10.5``)."""
    return _NUMBER.fullmatch(token) is not None


def is_identifier(token: str) -> bool:
    """True for a token mixing letters and digits: asset tags, part numbers (``ext-2``, ``m12``)."""
    return any(c.isalpha() for c in token) and any(c.isdigit() for c in token)


def stem(token: str) -> str:
    """A tiny suffix stripper (clearing/cleared/clears -> clear); tokens with digits are kept."""
    if any(c.isdigit() for c in token) or len(token) <= 3:
        return token
    word = token
    for suffix, minimum in (("ing", 6), ("ies", 5), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= minimum and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


_SKIP_STEMS = frozenset(stem(w) for w in STOPWORDS | INTENT_WORDS)


def _expand(token: str) -> list[str]:
    """A token and, for compounds, its parts; neighbouring alphabetic parts are also glued
    (``lock-out/tag-out`` -> lock, out, tag, lockout, outtag, tagout)."""
    if not re.search(r"[.\-/]", token) or is_number(token):
        return [token]
    parts = [p for p in re.split(r"[.\-/]", token) if p]
    glued = [] if is_identifier(token) else [a + b for a, b in itertools.pairwise(parts)]
    return [token, *parts, *glued]


def _bigram_ids(toks: list[str]) -> list[str]:
    """``filler 2`` -> ``filler-2``, so a tag written with a space matches one with a hyphen."""
    out = []
    for word, nxt in itertools.pairwise(toks):
        if word.isalpha() and nxt.isdigit() and word not in _ID_EXCLUDED and word not in STOPWORDS:
            out.append(f"{word}-{nxt}")
    return out


def term_set(text: str) -> set[str]:
    """Every term a passage offers as evidence: stems, compound parts and tag bigrams."""
    toks = tokens(text)
    found: set[str] = set()
    for tok in toks:
        found.update(stem(t) for t in _expand(tok))
    found.update(_bigram_ids(toks))
    return found


def content_terms(text: str) -> list[str]:
    """The terms of a question or claim that evidence must cover, in order, without repeats.

    Function words and intent words are dropped; alphabetic compounds count through their parts,
    tags and numbers count whole; ``filler 2`` also yields the tag ``filler-2``.
    """
    toks = tokens(text)
    out: list[str] = []
    skip = STOPWORDS | INTENT_WORDS | _SKIP_STEMS
    for tok in toks:
        pieces = [tok] if is_identifier(tok) or is_number(tok) else _expand(tok)[1:] or [tok]
        for piece in pieces:
            term = stem(piece)
            if piece in skip or term in skip or (len(piece) == 1 and piece.isalpha()):
                continue
            if term not in out:
                out.append(term)
    out.extend(b for b in _bigram_ids(toks) if b not in out)
    return out


def numbers_in(text: str) -> set[str]:
    """Numbers written in a text, normalised (``1,5`` -> ``1.5``) for exact comparison."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def asks_for_procedure(question: str) -> bool:
    """True when the question asks how to do something, for steps or for a sequence."""
    return _PROCEDURE.search(question) is not None


class UnitKind(StrEnum):
    """What a unit of text is; steps and table rows are quoted whole."""

    SENTENCE = "sentence"
    STEP = "step"
    ITEM = "item"
    TABLE_ROW = "table_row"
    HEADING = "heading"


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a chunk, verbatim, with its position in the chunk."""

    text: str
    kind: UnitKind
    position: int
    header: str | None = None

    @property
    def step_number(self) -> int | None:
        """The number of a numbered step, else None."""
        match = _STEP.match(self.text) if self.kind is UnitKind.STEP else None
        return int(match.group(1)) if match else None


class _Splitter:
    """Walks lines once, grouping wrapped paragraphs, steps with their sub-items, table rows."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.paragraph: list[str] = []
        self.step: list[str] = []
        self.table_header: str | None = None

    def add(self, text: str, kind: UnitKind, header: str | None = None) -> None:
        self.units.append(Unit(text, kind, len(self.units), header))

    def flush_paragraph(self) -> None:
        if self.paragraph:
            joined = " ".join(line.strip() for line in self.paragraph)
            for sentence in _SENTENCE_END.split(joined):
                if sentence.strip():
                    self.add(sentence.strip(), UnitKind.SENTENCE)
            self.paragraph = []

    def flush_step(self) -> None:
        if self.step:
            self.add("\n".join(self.step).strip(), UnitKind.STEP)
            self.step = []

    def flush(self) -> None:
        self.flush_paragraph()
        self.flush_step()

    def line(self, raw: str) -> None:
        line = raw.rstrip()
        if not line.strip():
            self.flush()
            self.table_header = None
        elif _HEADING.match(line):
            self.flush()
            self.add(line.strip(), UnitKind.HEADING)
        elif _TABLE.match(line):
            self._table_line(line)
        elif _STEP.match(line):
            self.flush()
            self.step = [line]
        elif self.step and (line[:1].isspace() or _SUB_ITEM.match(line)):
            self.step.append(line)
        elif _SUB_ITEM.match(line):
            self.flush()
            self.add(line.strip(), UnitKind.ITEM)
        else:
            self.flush_step()
            if _LABEL.match(line):
                self.flush_paragraph()
            self.paragraph.append(line)

    def _table_line(self, line: str) -> None:
        self.flush()
        if _TABLE_RULE.match(line):
            return
        if self.table_header is None:
            self.table_header = line.strip()
            self.add(line.strip(), UnitKind.TABLE_ROW)
        else:
            self.add(line.strip(), UnitKind.TABLE_ROW, self.table_header)


def split_units(text: str) -> list[Unit]:
    """Split chunk text into quotable units: sentences, whole numbered steps, table rows.

    A numbered step keeps its indented continuation lines and sub-items; wrapped paragraph
    lines are joined with one space before sentence splitting (the only change to the text).
    """
    splitter = _Splitter()
    for raw in text.splitlines():
        splitter.line(raw)
    splitter.flush()
    return splitter.units
