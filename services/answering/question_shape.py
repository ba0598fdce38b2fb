"""The shape of a question: what it asks for (its focus), and whether it wants a value or steps.

Split from ``text.py`` (word-level primitives) because these read whole questions; both are
standard library only and deterministic.
"""

from __future__ import annotations

import itertools
import re

from services.answering.text import CAUSE_TERM, content_terms, is_identifier, stem, tokens, word_set

_PROCEDURE = re.compile(
    r"\b(how\s+(do|to|should|can|does|would)|procedure|steps?|sequence|process|instructions?"
    r"|what\s+do\s+(i|we)\s+do|walk\s+me)\b",
    re.I,
)
_FOCUS = re.compile(
    r"^\s*(?:(?:at|to|in|on|for|from|by|with)\s+)?(?:what|which)\s+(?:(?:is|are|was|were)\s+)?(?:(?:the|a|an|my|our|your)\s+)?"
    r"(?!(?:do|does|did|should|can|must|will|would|could|happens?|happened)\b)"
    r"(.+?)(?=\s+(?:of|for|on|in|at|to|from|with|by|does|do|did|is|are|was|were|should|must"
    r"|can|will|would|when|has|have|had|goes|go|get|gets|used|needed|required|caused|causes"
    r"|cause|fixed|fixes|made|makes|happened)\b|[?,.;:]|$)",
    re.I,
)


_SHOULD_BE = re.compile(
    r"^\s*what\s+(?:should|must|will|would|does|do)\s+(?:(?:the|a|an|my|our)\s+)?(.+?)\s+be\b", re.I
)
_WHY = re.compile(r"^\s*(?:why\b|what\s+(?:caused|causes|cause)\b)", re.I)
_WHAT_DID = re.compile(r"^\s*what\s+(?:did|does|do|will|would)\s+.+\s([a-z]+)\s*\?*\s*$", re.I)
_PARTICIPLE = re.compile(r"^[a-z]{3,}ed$")
_HOW = re.compile(r"\bhow\s+(long|quickly|soon|often|hot|cold|tight|much|many)\b", re.I)


def focus_terms(question: str) -> list[str]:
    """Terms of what the question asks for: ``dry cycle time`` and ``colour`` in "what X ..."
    questions (up to a participle: "which CAPA changed..." asks for a CAPA; asset tags are the
    subject, not the focus), the measure of "how long / often / hot / tight / much" (answered
    through its :data:`ALIASES`: a duration, a frequency, a temperature...), the verb of "what
    did X cost", :data:`CAUSE_TERM` for "why" and "what caused" questions.

    Empty when the question has another shape; the support score then ignores the focus.
    """
    if _WHY.match(question):
        return [CAUSE_TERM]
    match = _FOCUS.match(question) or _SHOULD_BE.match(question)
    if match:
        words = list(
            itertools.takewhile(lambda w: not _PARTICIPLE.match(w.lower()), match.group(1).split())
        )
        return [t for t in content_terms(" ".join(words)) if not is_identifier(t)][:3]
    how = _HOW.search(question)
    if how:
        return [stem(how.group(1).lower())]
    verb = _WHAT_DID.match(question)
    return content_terms(verb.group(1)) if verb else []


_MEASURES = (
    r"(?:temperature|pressure|torque|ph|concentration|level|limit|limits"
    r"|speed|rate|interval|size|weight|volume|dose|capacity|setpoint|flow|amount|quantity|gap"
    r"|clearance|tolerance|force|power|voltage|current|time|titre|frequency|number|value|values"
    r"|stroke|height|length|width|depth|thickness|diameter|distance|precharge)"
)
_QUANTITY = re.compile(
    r"\bhow\s+(?:long|much|many|often|hot|cold|far|fast|quickly|soon|big|heavy|high|low|old|tight)\b"
    r"|\bwhat\s+(?:[\w-]+\s+){0,5}" + _MEASURES + r"\b"
    # a terse "Nitrogen precharge of the IMM-4 accumulator?" asks for the value too
    r"|^\s*(?:the\s+)?(?:[\w-]+\s+){0,3}" + _MEASURES + r"\s+(?:of|for|on|at|in)\b",
    re.I,
)


def asks_for_quantity(question: str) -> bool:
    """True when the answer is a number with a unit (how long, what torque, what pH...)."""
    return _QUANTITY.search(question) is not None


def asks_for_procedure(question: str) -> bool:
    """True when the question asks how to do something, for steps or for a sequence."""
    return _PROCEDURE.search(question) is not None


_VERB_CUES = word_set(
    "i we you they he she to do does did should must can could will would shall may might ve ll d"
)
_NOT_VERBS = word_set("i we you they he she it the a an not also then just really still")
_PARTICIPLE_WORD = re.compile(r"\b([a-z]{3,}ed)\b", re.I)


def verb_terms(question: str) -> set[str]:
    """Stems of the question's likely verbs: the word after a pronoun, modal or "to" ("do I
    **drop**", "we **go**") and -ed participles ("was ... **changed**"). Documents paraphrase
    actions freely (drop / reduce / set), so a verb no passage contains says little."""
    words = tokens(question)
    found = {
        nxt
        for cue, nxt in itertools.pairwise(words)
        if cue in _VERB_CUES and nxt not in _NOT_VERBS | _VERB_CUES and not is_identifier(nxt)
    }
    found.update(m.group(1).lower() for m in _PARTICIPLE_WORD.finditer(question))
    return {stem(w) for w in found}
