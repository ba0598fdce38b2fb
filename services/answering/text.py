"""Text primitives shared by the answerers: tokens, stems, content terms, aliases, numbers.

Standard library only and deterministic, so that the extractive answerer and the LLM post-check
judge "is this supported by that chunk" with exactly the same notion of a word.
"""

from __future__ import annotations

import itertools
import re

_TOKEN = re.compile(r"°?[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
NUMBER_TERM = "#number"
"""Pseudo-term every text containing a number offers: "how much/many" is answered by one."""
DURATION_TERM = "#duration"
"""Pseudo-term a text offers when it states a length of time in figures ("24 hours", "15 min"):
what "how long / how quickly" asks for. A rate ("24,000 bottles/h") or a lone unit word is not
one, so a passage about the right asset without a duration does not pass as the answer."""
_DURATION = re.compile(
    r"(?<![/\w.,])\d+(?:[.,]\d+)?(?:\s*(?:-|to|–)\s*\d+(?:[.,]\d+)?)?\s*"
    r"(?:s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|shifts?)\b(?!/)",
    re.I,
)
CAUSE_TERM = "#cause"
"""Pseudo-term a text offers when it states a cause or a reason for a change ("after repeated
swab failures"): what a "why" question asks for."""
_CAUSAL = re.compile(
    r"\b(?:because|caus(?:e|es|ed|ing|al)\b|due\s+to|reasons?|led\s+to|resulted|following"
    r"|in\s+response\s+to|as\s+a\s+result|to\s+prevent"
    r"|after\s+(?:\w+\s+){0,3}(?:failures?|incidents?|deviations?|complaints?|findings?|audits?))\b",
    re.I,
)


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
"""Words that say what kind of answer is wanted, not what it is about."""

_DEGREES = word_set("°c °f degre celsius fahrenheit")
_COLOURS = word_set("red blue green yellow orang whit black grey purpl brown")
_INTERVALS = word_set(
    "every daily weekly monthly annual annually interval hour shift h week month year"
)


def _synonyms(words: str) -> dict[str, frozenset[str]]:
    """Each word of a synonym group aliased to the others."""
    group = word_set(words)
    return {w: group - {w} for w in group}


ALIASES: dict[str, frozenset[str]] = {
    "ppe": word_set("glov goggl shield apron respirator helmet boot earplug visor coverall glass"),
    "loto": frozenset({"lockout", "tagout", "lock"}),
    "lockout": frozenset({"loto"}),
    "tagout": frozenset({"loto"}),
    "rat": frozenset({"snr", "nrr"}),  # a hearing protector's noise rating
    "permit": frozenset({"ptw"}),
    "federal": frozenset({"osha"}),  # "the federal lockout standard" is OSHA's
    # everyday verbs for putting in a new one: "do I swap them?" / "replace after 1 month"
    **{w: v | {"chang"} for w, v in _synonyms("swap replac renew").items()},
    "ptw": frozenset({"permit"}),
    "temperatur": _DEGREES,
    "pressur": word_set("bar psi kpa mpa"),
    "torqu": word_set("nm ft-lb"),
    "hot": _DEGREES,
    "cold": _DEGREES,
    "long": frozenset({DURATION_TERM, "mm", "cm"}),
    "quickly": frozenset({DURATION_TERM, "immediately"}),
    "soon": frozenset({DURATION_TERM, "immediately"}),
    "tight": word_set("nm ft-lb torqu"),
    "duration": frozenset({DURATION_TERM}),
    "often": _INTERVALS | {"day"},
    "frequency": _INTERVALS,
    "colour": _COLOURS,
    "color": _COLOURS,
    "month": word_set(
        "january february march april may june july august september october november december"
    ),
    "much": frozenset({NUMBER_TERM}),
    # "what level / value / amount was measured" is answered by a stated number
    "level": frozenset({NUMBER_TERM}),
    "valu": frozenset({NUMBER_TERM}),
    "amount": frozenset({NUMBER_TERM}),
    "quantity": frozenset({NUMBER_TERM}),
    "many": frozenset({NUMBER_TERM}),
    "januar": word_set("01 jan"),
    "february": word_set("02 feb"),
    "march": word_set("03 mar"),
    "april": word_set("04 apr"),
    "jun": word_set("06"),
    "july": word_set("07 jul"),
    "august": word_set("08 aug"),
    "september": word_set("09 sep sept"),
    "october": word_set("10 oct"),
    "november": word_set("11 nov"),
    "december": word_set("12 dec"),
}
"""Plant words that a source usually spells out or writes as a unit: a question about PPE is
answered by a sentence naming gloves and a face shield, "what temperature" by "75 °C".
Keys are stems; values are stemmed below (:data:`_ALIAS_STEMS`), so "blue" matches "blu"."""

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


_SKIP_STEMS = frozenset(stem(w) for w in STOPWORDS | INTENT_WORDS)
_ALIAS_STEMS: dict[str, frozenset[str]] = {
    key: frozenset(stem(w) for w in values) for key, values in ALIASES.items()
}


def aliases(term: str) -> frozenset[str]:
    """Evidence stems that also count for ``term`` (see :data:`ALIASES`)."""
    return _ALIAS_STEMS.get(term, frozenset())


_NOT_CONTENT = re.compile(r"\b(?:last|next|this|that|first)\s+time\b|\b\d{1,2}:\d{2}\b", re.I)
"""Phrases that set the scene, not the subject: "last time", a clock time ("at 06:00")."""


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


def term_set(text: str) -> set[str]:
    """Every term a passage offers as evidence: stems, compound parts and tag bigrams."""
    toks = tokens(text)
    found: set[str] = set()
    for tok in toks:
        found.update(stem(t) for t in _expand(tok))
    found.update(_bigram_ids(text))
    if has_number(text):
        found.add(NUMBER_TERM)
    if _DURATION.search(text):
        found.add(DURATION_TERM)
    if _CAUSAL.search(text):
        found.add(CAUSE_TERM)
    return found


_CAUSAL_SECTION = re.compile(
    r"\b(?:root\s+cause|causes?|investigation|analysis|findings|why|contributing\s+factors"
    r"|revision\s+history|change\s+history|reasons?\s+for)\b",
    re.I,
)


def heading_terms(section: str) -> set[str]:
    """The terms of a section heading; an investigation or root-cause heading also offers
    :data:`CAUSE_TERM` (its sentences are the cause even when they do not say "because")."""
    terms = term_set(section)
    if _CAUSAL_SECTION.search(section):
        terms.add(CAUSE_TERM)
    return terms


def content_terms(text: str) -> list[str]:
    """The terms of a question or claim that evidence must cover, in order, without repeats.

    Function words and intent words are dropped; alphabetic compounds count through their parts,
    tags and numbers count whole; ``filler 2`` also yields the tag ``filler-2``.
    """
    toks = tokens(_NOT_CONTENT.sub(" ", text))
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
    out.extend(b for b in _bigram_ids(text) if b not in out)
    return out


_ENUMERATOR = re.compile(r"^\s*(?:step\s+)?\d{1,2}[.)]\s", re.I | re.M)


def has_number(text: str) -> bool:
    """True when the text states a number of its own (``30 seconds``), not only inside a tag
    (``FILLER-2``) or as a list item's number ("3. Test the low-water alarm")."""
    return any(is_number(t) for t in tokens(_ENUMERATOR.sub("", text)))


def numbers_in(text: str) -> set[str]:
    """Numbers written in a text, normalised (``1,5`` -> ``1.5``) for exact comparison."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}
