"""Which assets a question names: by tag or alias ("P-302", "Filler 2", "standby transfer
pump"), or by what it is, from the site register's names and classes ("the capper", "the
process chiller").

Shared by history answers (which records to read) and chat answers (which asset pages to link).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import Stemmer  # PyStemmer, installed with bm25s

from core.assets import AssetProfile, TagResolver, tag_key

_WORD = re.compile(r"[A-Za-z0-9]+")
STOP_WORDS = {
    "a", "an", "the", "on", "in", "at", "of", "for", "to", "and", "or", "is", "was", "were",
    "be", "been", "has", "have", "had", "did", "do", "does", "it", "this", "that", "these",
    "what", "when", "which", "who", "how", "often", "many", "much", "time", "times", "ever",
    "before", "again", "last", "latest", "previous", "previously", "year", "years", "month",
    "months", "week", "weeks", "day", "days", "since", "so", "far", "we", "our", "us", "i",
    "there", "any", "all", "past", "number", "count", "history", "recent", "recently",
    "most", "first", "same", "with", "from", "by", "got", "get", "done", "tell", "me",
    "show", "list", "can", "you", "please", "yet", "already", "frequently",
    "machine", "asset", "equipment", "unit", "work", "order", "orders", "wo", "record", "records",
    "kind", "type", "sort", "like", "about", "up", "out", "back", "still", "now", "here",
    "new", "old", "one", "more", "than", "over", "under", "during", "between", "after",
}  # fmt: skip
_STEMMER = Stemmer.Stemmer("english")
_MAX_WORDS = 5


def stem_words(words: Sequence[str]) -> list[str]:
    """English stems of ``words`` (``leaked`` -> ``leak``)."""
    return list(_STEMMER.stemWords(list(words)))


def find_tags(
    question: str, spellings: dict[str, str], phrases: frozenset[str] = frozenset()
) -> list[tuple[str, set[int]]]:
    """(canonical tag, indexes of the words it spans) of each tag the question names, in order.

    At each word the longest run that is a known key wins. A key of letters only ("standby
    transfer pump") counts only when it is one of ``phrases``, the register's declared aliases:
    a record spelling such as ``PUMP`` is not a tag mention.
    """
    words = _WORD.findall(question)
    found: dict[str, set[int]] = {}
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            key = tag_key("".join(words[i : i + n]))
            if key in spellings and not key.isdigit() and (not key.isalpha() or key in phrases):
                found.setdefault(spellings[key], set()).update(range(i, i + n))
                i += n - 1
                break
        i += 1
    return list(found.items())


def find_tag(
    question: str, spellings: dict[str, str], phrases: frozenset[str] = frozenset()
) -> tuple[str, set[int]] | None:
    """The longest tag mention of the question, or None."""
    tags = find_tags(question, spellings, phrases)
    return max(tags, key=lambda t: len(t[1])) if tags else None


def find_named(question: str, profiles: Sequence[AssetProfile]) -> tuple[str, set[int]] | None:
    """The register asset the question names by what it is ("the capper", "process chiller").

    An asset qualifies when the question contains the head noun of its class or name; among
    those, the one whose name words the question shares most (weighted by how rare each word
    is in the site's register) wins, and a tie names nothing ("the filler" at a two-filler site).
    """
    stems = stem_words([w.lower() for w in _WORD.findall(question)])
    present = set(stems)
    described = {p.tag: _description(p) for p in profiles}
    frequency = Counter(w for vocab, _ in described.values() for w in vocab)
    ranked: list[tuple[float, str, set[str]]] = []
    for tag, (vocab, heads) in described.items():
        if heads & present:
            shared = vocab & present
            weight = sum(math.log(1 + len(profiles) / frequency[w]) for w in shared)
            ranked.append((weight, tag, shared))
    ranked.sort(key=lambda r: -r[0])
    if not ranked or (len(ranked) > 1 and ranked[1][0] >= ranked[0][0] - 1e-9):
        return None
    _, tag, shared = ranked[0]
    return tag, {i for i, s in enumerate(stems) if s in shared}


def _description(profile: AssetProfile) -> tuple[set[str], set[str]]:
    """(name and class word stems, head-noun stems) of a register entry."""
    heads = set()
    for text in (profile.equipment_class, re.sub(r"\(.*?\)", "", profile.name)):
        words = _WORD.findall(text.lower())
        if words and words[-1] not in STOP_WORDS and not words[-1].isdigit():
            heads.add(_STEMMER.stemWord(words[-1]))
    text = f"{profile.name} {profile.equipment_class}".lower()
    vocab = {s for s in stem_words(_WORD.findall(text)) if s not in STOP_WORDS}
    return vocab, heads


def find_assets(question: str, resolver: TagResolver) -> list[tuple[str, set[int]]]:
    """The assets a question names: its tags and aliases, else its equipment model when one
    asset of the site has it ("the GR-6300 reactor"), else the one it names by what it is."""
    tags = find_tags(question, resolver.spellings(), resolver.alias_keys())
    if tags:
        return tags
    by_model = find_tags(question, model_spellings(resolver.profiles()))
    if by_model:
        return by_model
    named = find_named(question, resolver.profiles())
    return [named] if named else []


def model_spellings(profiles: Sequence[AssetProfile]) -> dict[str, str]:
    """Key -> tag of each model designation ("GR-6300" of "Glasmont GR-6300") that belongs to
    exactly one asset: a model that runs twice at the site (two CDS-50 pumps) names neither."""
    owners: dict[str, set[str]] = {}
    for profile in profiles:
        for word in profile.model.split():
            if any(c.isdigit() for c in word):
                owners.setdefault(tag_key(word), set()).add(profile.tag)
    return {key: next(iter(tags)) for key, tags in owners.items() if len(tags) == 1}
