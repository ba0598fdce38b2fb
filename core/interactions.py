"""The interaction log: every question, the sources retrieved, the answer given, and feedback.

Rows are written once by the ask service and never edited, except for the feedback columns a
reviewer fills in later. Quality reviews read them back through :func:`get_interaction`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.answers import Answer, SearchHit
from core.db.tables import InteractionRow, as_utc, utcnow
from core.errors import NotFoundError, UsageError


class RetrievedRef(BaseModel):
    """Which exact chunk and document version a hit was, and how it ranked."""

    chunk_id: str
    doc_id: str
    revision: str
    version_key: str
    rank: int
    score: float

    @classmethod
    def from_hit(cls, hit: SearchHit) -> RetrievedRef:
        """Reference a retrieved hit."""
        c = hit.chunk
        return cls(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            revision=c.revision,
            version_key=c.version_key,
            rank=hit.rank,
            score=round(hit.score, 6),
        )


class Interaction(BaseModel):
    """One logged question and answer, as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    username: str
    role: str
    site: str
    question: str
    retrieved: list[dict[str, Any]] = Field(default_factory=list)
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    abstained: bool
    safety_notices: list[str] = Field(default_factory=list)
    answerer: str
    fallback_reason: str | None = None
    support_score: float | None = None
    latency_ms: dict[str, float] = Field(default_factory=dict)
    feedback_score: int | None = None
    feedback_comment: str | None = None
    feedback_by: str | None = None
    feedback_at: datetime | None = None

    @field_validator("created_at", "feedback_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """Aware UTC in both modes (SQLite returns naive values, PostgreSQL the session zone)."""
        return as_utc(value) if value is not None else None


def record_interaction(
    session: Session,
    *,
    username: str,
    role: str,
    site: str,
    question: str,
    hits: list[SearchHit],
    answer: Answer,
) -> int:
    """Store one interaction (latencies are taken from ``answer.latency_ms``); return its id."""
    row = InteractionRow(
        username=username,
        role=role,
        site=site,
        question=question,
        retrieved=[RetrievedRef.from_hit(h).model_dump(mode="json") for h in hits],
        answer=answer.answer,
        citations=[c.model_dump(mode="json") for c in answer.citations],
        abstained=answer.abstained,
        safety_notices=list(answer.safety_notices),
        answerer=answer.answerer,
        fallback_reason=answer.fallback_reason,
        support_score=answer.support_score,
        latency_ms=dict(answer.latency_ms),
    )
    session.add(row)
    session.flush()
    return row.id


def update_latency(session: Session, interaction_id: int, latency_ms: dict[str, float]) -> None:
    """Replace the stored latencies (the total is only known once the row is written)."""
    row = session.get(InteractionRow, interaction_id)
    if row is not None:
        row.latency_ms = dict(latency_ms)


def get_interaction(session: Session, interaction_id: int) -> Interaction:
    """One interaction by id, or NotFoundError."""
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        raise NotFoundError(f"no interaction with id {interaction_id}")
    return Interaction.model_validate(row)


def recent_interactions(session: Session, limit: int = 50) -> list[Interaction]:
    """The latest interactions, newest first."""
    rows = session.scalars(select(InteractionRow).order_by(InteractionRow.id.desc()).limit(limit))
    return [Interaction.model_validate(r) for r in rows]


def record_feedback(
    session: Session, interaction_id: int, score: int, comment: str | None, by: str
) -> None:
    """Attach a reviewer's score (-1 wrong, 0 unsure, 1 right) and comment to an interaction."""
    if score not in (-1, 0, 1):
        raise UsageError("feedback score must be -1, 0 or 1")
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        raise NotFoundError(f"no interaction with id {interaction_id}")
    row.feedback_score = score
    row.feedback_comment = comment
    row.feedback_by = by
    row.feedback_at = utcnow()
