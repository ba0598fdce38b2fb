"""The unit of training data: one query with its candidate passages and 0/1 labels."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Group:
    """A query, its passages (the positive first when there is one) and their labels.

    A group without a positive is an "unanswerable" group: every passage is on topic but does
    not answer; it trains the absolute score (pointwise loss) only.
    """

    query: str
    passages: list[str]
    labels: list[int]
    source: str
    key: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def has_positive(self) -> bool:
        """True when the first passage answers the query."""
        return bool(self.labels) and self.labels[0] == 1


def bucket(key: str, buckets: int = 100) -> int:
    """A stable bucket of a string (for reproducible train/hold-out splits)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % buckets
