"""Words for the LLM post-check: tokens, stems, content terms, numbers and tags.

Standard library only and deterministic. The post-check asks whether a sentence of an LLM reply
is in its cited source: the share of its content terms (stems, compound parts, tags) that the
source offers, and whether every number and tag of it is there. Nothing here decides whether a
question is answered or what to quote; the reader model does (``reader.py``).
"""

from __future__ import annotations

import itertools
import re

_TOKEN = re.compile(r"°?[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (for writing word lists as one string)."""
    return frozenset(text.split())


STOPWORDS = word_set(
    """a an the and or but if then than so of to in on at by for from with without into onto
    over under about after before during between through up down out off is are was were be been
    being am do does did doing done have has had having i me my we our you your he she it its they
    them their this that these those there here what which who whom whose when where why how can
    could should would will shall may might must need needs not no nor any all some each every
    other such only own same too very just also as please tell show give get let know want like
    one ones it's i'm what's thing things use used using need needed required require
    necessary allowed supposed ok okay ever again previously past happen happened occur
    occurred found go goes going come comes came got take takes taken make made
    don doesn didn isn aren wasn weren won wouldn couldn shouldn hasn haven hadn can't
    anyone anybody someone somebody everyone everybody nobody anything something
    his her hers him himself herself mine yours ours theirs myself ourselves yourself
    themselves ve ll re say says said tell told actually already while people mate really
    still now yet currently"""
)
"""Function words that never decide whether a passage answers a question."""

INTENT_WORDS = word_set(
    "procedure procedures step steps process instruction instructions sequence method way "
    "ways explain describe correct right proper"
)
"""Words that say what kind of text follows ("Steps:"), not what it claims."""

_ID_EXCLUDED = word_set(
    "step section page rev revision figure table item january february march april may june "
    "july august september october november december much many every"
)
_BIGRAM_ID = re.compile(r"\b([a-z]+) +(\d{1,3})\b(?![.,]?\d|\s*%|-\d)")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; tags such as ``conv-3`` and decimals such as ``10.5`` stay whole."""
    return _TOKEN.findall(text.lower())


def is_number(token: str) -> bool:
    """True for a plain number token (``85``, ``10.5``)."""
    return _NUMBER.fullmatch(token) is not None


def is_identifier(token: str) -> bool:
    """True for a token mixing letters and digits: asset tags, part numbers (``ext-2``, ``m12``)."""
    return any(c.isalpha() for c in token) and any(c.isdigit() for c in token)


_IRREGULAR = {
    "kept": "keep",
    "held": "hold",
    "wore": "wear",
    "worn": "wear",
    "ran": "run",
    "took": "tak",
    "taken": "tak",
    "made": "mak",
    "found": "find",
    "went": "go",
    "gave": "giv",
    "given": "giv",
    "fed": "feed",
    "froze": "freez",
    "frozen": "freez",
    "broke": "break",
    "broken": "break",
    "caught": "catch",
    "bought": "buy",
    "brought": "bring",
    "spun": "spin",
    "stuck": "stick",
}


def stem(token: str) -> str:
    """A tiny suffix stripper (clearing/cleared/clears -> clear, kept -> keep); tokens with
    digits are kept as they are."""
    if token in _IRREGULAR:
        return stem(_IRREGULAR[token]) if _IRREGULAR[token] != token else token
    if any(c.isdigit() for c in token) or len(token) <= 3:
        return token
    word = token
    for suffix, minimum in (("ing", 6), ("ies", 5), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= minimum and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if word.endswith("tion") and len(word) >= 8 and word[0].isalpha():
        word = word[:-3]  # isolation -> isolat, as isolate / isolated
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def _expand(token: str) -> list[str]:
    """A token and, for compounds, its parts; neighbouring alphabetic parts are also glued
    (``lock-out/tag-out`` -> lock, out, tag, lockout, outtag, tagout)."""
    if not re.search(r"[.\-/]", token) or is_number(token):
        return [token]
    parts = [p for p in re.split(r"[.\-/]", token) if p]
    glued = [a + b for a, b in itertools.pairwise(parts) if a.isalpha() and b.isalpha()]
    return [token, *parts, *glued]


def _bigram_ids(text: str) -> list[str]:
    """``filler 2`` -> ``filler-2``, so a tag written with a space matches one with a hyphen.

    Only a word followed by a 1-3 digit number that is not a percentage or a decimal; months,
    "step 3", "page 4" and the like are not tags.
    """
    out = []
    for word, number in _BIGRAM_ID.findall(text.lower()):
        if word not in _ID_EXCLUDED and word not in STOPWORDS:
            out.append(f"{word}-{number}")
    return out


_SKIP_STEMS = frozenset(stem(w) for w in STOPWORDS | INTENT_WORDS)


def term_set(text: str) -> set[str]:
    """Every term a passage offers as evidence: stems, compound parts and tag bigrams."""
    found: set[str] = set()
    for tok in tokens(text):
        found.update(stem(t) for t in _expand(tok))
    found.update(_bigram_ids(text))
    return found


def content_terms(text: str) -> list[str]:
    """The terms of a claim that its source must cover, in order, without repeats.

    Function words are dropped; alphabetic compounds count through their parts, tags and
    numbers count whole; ``filler 2`` also yields the tag ``filler-2``.
    """
    out: list[str] = []
    skip = STOPWORDS | INTENT_WORDS | _SKIP_STEMS
    for tok in tokens(text):
        pieces = [tok] if is_identifier(tok) or is_number(tok) else _expand(tok)[1:] or [tok]
        for piece in pieces:
            term = stem(piece)
            if piece in skip or term in skip or (len(piece) == 1 and piece.isalpha()):
                continue
            if term not in out:
                out.append(term)
    out.extend(b for b in _bigram_ids(text) if b not in out)
    return out


def numbers_in(text: str) -> set[str]:
    """Numbers written in a text, normalised (``1,5`` -> ``1.5``) for exact comparison."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}
