"""Identifiers a question names that no document in the asker's scope mentions.

A cross-encoder reads "R-103" much as it reads "R-101": asked for the caustic charge of a
reactor the site does not have, the reader quotes R-101's charge table with full confidence.
What decides it is not wording but existence: an identifier (letters, a hyphen, digits: R-103,
IMM-7, P-401 asked at a site without it) that the site's equipment register does not know and
that no document the asker may read contains cannot be answered from those documents.

Existence is checked where the answer comes from: in the retrieved hits and, only when they
lack it, in a search for the identifier alone (hybrid search finds a rare exact token through
BM25). Both run inside the asker's scope, so the check tells nothing about documents the asker
may not read. On the 61 development question sets it flags 87 unanswerable questions and 1
answerable one, whose identifier is an abbreviation the documents spell out ("PSV-1B" for
PSV-BLR-1B).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from core.answers import SearchHit
from core.assets import TagResolver, tag_key

_IN_QUESTION = re.compile(r"\b[A-Za-z]{1,6}-\d{1,4}[A-Za-z]?\b")
# in documents also written without the hyphen or with a space ("R 103", "IMM4")
_IN_TEXT = re.compile(r"\b[A-Za-z]{1,6}[- ]?\d{1,4}[A-Za-z]?\b")

Search = Callable[[str], Sequence[SearchHit]]
"""A scoped search for one identifier (the asker's scope, a few hits)."""


def identifier_keys(hits: Iterable[SearchHit]) -> set[str]:
    """Spelling-free keys of the identifiers the hits' texts, titles and asset tags name."""
    keys: set[str] = set()
    for hit in hits:
        chunk = hit.chunk
        found = _IN_TEXT.findall(f"{chunk.title}\n{chunk.text}")
        keys.update(tag_key(t) for t in [*found, *chunk.assets])
    return keys


def unmentioned(
    question: str, hits: Sequence[SearchHit], register: TagResolver, search: Search
) -> list[str]:
    """The question's identifiers, as written, that neither the register nor any in-scope
    document knows; [] for a question that names none."""
    asked = {tag_key(t): t for t in _IN_QUESTION.findall(question) if not register.known(t)}
    if not asked:
        return []
    seen = identifier_keys(hits)
    missing = [t for key, t in asked.items() if key not in seen]
    return [t for t in missing if tag_key(t) not in identifier_keys(search(t))]
