"""Quality review of what the copilot told people: filter interactions, open one, dispose of it.

Everything is read from the stored interaction (question, answer, the citations as they were
given, with their revisions), never re-retrieved, so a reviewer sees exactly what the user saw
even after the documents changed. Reviewers see interactions of their own sites only.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Select, select

from core.db.engine import Database
from core.db.tables import InteractionRow, ReviewRow
from core.errors import AccessDeniedError, UsageError
from core.interactions import Interaction, get_interaction
from core.models import Role, User
from core.registry import current_row
from services.access import Page, require_page
from services.users import aware

log = logging.getLogger(__name__)


class Disposition(StrEnum):
    """A reviewer's verdict on one answer."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    SOURCE_OUTDATED = "source_outdated"
    SOP_NEEDS_UPDATE = "sop_needs_update"

    @property
    def label(self) -> str:
        """Human wording, e.g. ``SOP needs update``."""
        return {"sop_needs_update": "SOP needs update"}.get(
            self.value, self.value.replace("_", " ").capitalize()
        )


FeedbackFilter = Literal["any", "up", "down", "none"]


class ReviewFilter(BaseModel):
    """What the review list shows; empty lists mean "all" (within the reviewer's sites)."""

    sites: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    feedback: FeedbackFilter = "any"
    abstained: bool | None = None
    limit: int = Field(default=200, ge=1, le=5000)


class ReviewRecord(BaseModel):
    """One recorded disposition."""

    reviewer: str
    disposition: Disposition
    comment: str
    created_at: datetime


class ReviewItem(BaseModel):
    """One interaction in the review list (and one CSV row)."""

    id: int
    created_at: datetime
    username: str
    role: str
    site: str
    question: str
    answer: str
    abstained: bool
    cited: list[str]
    feedback_score: int | None
    feedback_comment: str | None
    disposition: Disposition | None = None
    reviewed_by: str | None = None


class CitedSource(BaseModel):
    """A source as cited in the stored answer, and whether that revision is still served."""

    n: int
    doc_id: str
    title: str
    revision: str
    effective_date: date | None = None
    section: str = ""
    page: int | None = None
    row: int | None = None
    snippet: str = ""
    current_revision: str | None = None

    @property
    def outdated(self) -> bool:
        """True when the document now serves another revision (or nothing)."""
        return self.current_revision != self.revision


class InteractionDetail(BaseModel):
    """One interaction opened for review: the record, its cited sources, its reviews."""

    interaction: Interaction
    sources: list[CitedSource]
    reviews: list[ReviewRecord]


def date_span(value: object) -> tuple[date | None, date | None]:
    """A date-range widget's value (a date, or a tuple of 0 to 2 dates while picking) as
    (from, to); a single date means from that day on."""
    days = list(value) if isinstance(value, tuple | list) else [value]
    picked = [d for d in days if isinstance(d, date)]
    return (picked[0] if picked else None, picked[1] if len(picked) > 1 else None)


def _allowed_sites(reviewer: User, wanted: list[str]) -> list[str]:
    require_page(reviewer.role, Page.REVIEW)
    outside = sorted(set(wanted) - reviewer.sites)
    if outside:
        raise AccessDeniedError(f"no review access to site(s): {', '.join(outside)}")
    return sorted(wanted or reviewer.sites)


def _filtered(query: Select[Any], flt: ReviewFilter, sites: list[str]) -> Select[Any]:
    query = query.where(InteractionRow.site.in_(sites))
    if flt.roles:
        query = query.where(InteractionRow.role.in_([r.value for r in flt.roles]))
    if flt.date_from:
        query = query.where(
            InteractionRow.created_at >= datetime.combine(flt.date_from, time(), UTC)
        )
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), UTC)
        query = query.where(InteractionRow.created_at < end)
    if flt.feedback == "up":
        query = query.where(InteractionRow.feedback_score > 0)
    elif flt.feedback == "down":
        query = query.where(InteractionRow.feedback_score < 0)
    elif flt.feedback == "none":
        query = query.where(InteractionRow.feedback_score.is_(None))
    if flt.abstained is not None:
        query = query.where(InteractionRow.abstained.is_(flt.abstained))
    return query


def _latest_reviews(session: Any, ids: list[int]) -> dict[int, ReviewRow]:
    latest: dict[int, ReviewRow] = {}
    if ids:
        rows = session.scalars(
            select(ReviewRow).where(ReviewRow.interaction_id.in_(ids)).order_by(ReviewRow.id)
        )
        latest = {r.interaction_id: r for r in rows}
    return latest


def list_for_review(db: Database, reviewer: User, flt: ReviewFilter) -> list[ReviewItem]:
    """Interactions matching the filter at the reviewer's sites, newest first."""
    sites = _allowed_sites(reviewer, flt.sites)
    query = _filtered(select(InteractionRow), flt, sites)
    with db.session() as session:
        rows = list(session.scalars(query.order_by(InteractionRow.id.desc()).limit(flt.limit)))
        latest = _latest_reviews(session, [r.id for r in rows])
        return [_item(r, latest.get(r.id)) for r in rows]


def _item(row: InteractionRow, review: ReviewRow | None) -> ReviewItem:
    return ReviewItem(
        id=row.id,
        created_at=aware(row.created_at),
        username=row.username,
        role=row.role,
        site=row.site,
        question=row.question,
        answer=row.answer,
        abstained=row.abstained,
        cited=[f"{c.get('doc_id')} rev {c.get('revision')}" for c in row.citations],
        feedback_score=row.feedback_score,
        feedback_comment=row.feedback_comment,
        disposition=Disposition(review.disposition) if review else None,
        reviewed_by=review.reviewer if review else None,
    )


def interaction_detail(db: Database, reviewer: User, interaction_id: int) -> InteractionDetail:
    """The stored interaction with its cited sources (as cited) and its reviews."""
    with db.session() as session:
        interaction = get_interaction(session, interaction_id)
        _allowed_sites(reviewer, [interaction.site])
        sources = []
        for raw in interaction.citations:
            source = CitedSource.model_validate(raw)
            current = current_row(session, source.doc_id)
            source.current_revision = current.revision if current else None
            sources.append(source)
        rows = session.scalars(
            select(ReviewRow)
            .where(ReviewRow.interaction_id == interaction_id)
            .order_by(ReviewRow.id)
        )
        reviews = [_record(r) for r in rows]
    return InteractionDetail(interaction=interaction, sources=sources, reviews=reviews)


def _record(row: ReviewRow) -> ReviewRecord:
    return ReviewRecord(
        reviewer=row.reviewer,
        disposition=Disposition(row.disposition),
        comment=row.comment,
        created_at=aware(row.created_at),
    )


def record_review(
    db: Database, reviewer: User, interaction_id: int, disposition: str, comment: str = ""
) -> ReviewRecord:
    """Store a disposition with a comment, stamped with the reviewer and the time."""
    try:
        verdict = Disposition(disposition)
    except ValueError:
        valid = ", ".join(d.value for d in Disposition)
        raise UsageError(f"unknown disposition {disposition!r} (valid: {valid})") from None
    if len(comment) > 4000:
        raise UsageError("the review comment is longer than 4000 characters")
    with db.session() as session:
        interaction = get_interaction(session, interaction_id)
        _allowed_sites(reviewer, [interaction.site])
        row = ReviewRow(
            interaction_id=interaction_id,
            reviewer=reviewer.username,
            disposition=verdict.value,
            comment=comment.strip(),
        )
        session.add(row)
        session.flush()
        record = _record(row)
    log.info("review of interaction %d by %s: %s", interaction_id, reviewer.username, verdict)
    return record


CSV_COLUMNS = [
    "id",
    "created_at",
    "username",
    "role",
    "site",
    "question",
    "answer",
    "abstained",
    "cited",
    "feedback",
    "feedback_comment",
    "disposition",
    "reviewed_by",
]


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @ are neutralised)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(items: list[ReviewItem]) -> bytes:
    """The listed interactions as UTF-8 CSV (with BOM, so spreadsheets detect the encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        feedback = (
            ""
            if item.feedback_score is None
            else {1: "up", -1: "down"}.get(item.feedback_score, "unsure")
        )
        values = [
            item.id,
            item.created_at.isoformat(timespec="seconds"),
            item.username,
            item.role,
            item.site,
            item.question,
            item.answer,
            "yes" if item.abstained else "no",
            "; ".join(item.cited),
            feedback,
            item.feedback_comment,
            item.disposition.value if item.disposition else "",
            item.reviewed_by,
        ]
        writer.writerow([_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")
