"""ORM tables. The schema is owned by Alembic migrations in ``core/db/migrations``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC: SQLite gives naive UTC values, PostgreSQL gives them in the
    session's time zone (the server's ``timezone`` or ``PGTZ``), which need not be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class SiteRow(Base):
    """A plant site, or the company-wide pseudo-site ``all``."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentRow(Base):
    """One revision (one exact content) of a document and where it is in its life cycle."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    revision: Mapped[str] = mapped_column(String(64))
    version_key: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(200))
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str] = mapped_column(Text)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # True from a status change until the vector index has been brought in line with it.
    needs_cleanup: Mapped[bool] = mapped_column(Boolean, default=False)
    # False for versions indexed before the asset registry existed: ingest rebuilds their links.
    assets_linked: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # The invariant every reader relies on: at most one served revision per doc_id.
        Index(
            "uq_documents_one_current",
            "doc_id",
            unique=True,
            sqlite_where=text("status = 'current'"),
            postgresql_where=text("status = 'current'"),
        ),
    )


class IngestionRunRow(Base):
    """One ingest or reindex run: when, what it did, what failed."""

    __tablename__ = "ingestion_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    root: Mapped[str] = mapped_column(Text, default="")
    site_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    failures: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class InteractionRow(Base):
    """One question asked and what the copilot answered: the audit trail of ``ask``.

    ``retrieved`` lists every hit (chunk_id, doc_id, revision, version_key, rank, score) so an
    answer can be traced to the exact document versions it was built from, even after they are
    superseded. Feedback lives on the same row (one review per answer, nullable until given);
    a separate review table can come later if several reviews per answer are needed.
    """

    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    username: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    site: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    retrieved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    safety_notices: Mapped[list[str]] = mapped_column(JSON, default=list)
    answerer: Mapped[str] = mapped_column(String(32))
    fallback_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    support_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    latency_ms: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    feedback_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    feedback_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UserRow(Base):
    """A person who may log in to the UI: role, sites, bcrypt hash, lock-out state.

    ``password_hash`` is a bcrypt hash (salt and cost inside); the password itself is never
    stored. ``sites`` is a sorted comma-separated list of site ids.
    """

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    sites: Mapped[str] = mapped_column(String(1000))
    password_hash: Mapped[str] = mapped_column(String(100))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChatConversationRow(Base):
    """One chat thread of one user; "New chat" starts another. The newest is reopened."""

    __tablename__ = "chat_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChatMessageRow(Base):
    """One question-and-answer turn of a conversation; the content is its interaction record.

    ``closest_documents`` keeps what an abstention named (the interaction does not store it).
    """

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), index=True
    )
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"))
    closest_documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {"assets": [...], "notices": [...]}: the asset the answer is about and its notices
    asset_context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewRow(Base):
    """A quality reviewer's disposition of one interaction; several reviews per answer allowed."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    disposition: Mapped[str] = mapped_column(String(32), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexGenerationRow(Base):
    """A counter bumped whenever what the vector index serves changes (one row, id 1).

    Derived indexes (the BM25 keyword index) compare it with the generation they were built
    from and rebuild when it moved: a cheap staleness check instead of diffing the store.
    """

    __tablename__ = "index_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvalRunRow(Base):
    """One run of the golden evaluation (``plant-copilot eval``), for the history dashboard.

    ``metrics`` is the flat overall metric set (ragas scores prefixed ``ragas_``), ``slices`` the
    same metrics per site, role and doc type, ``thresholds`` the gate it was checked against.
    """

    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    golden_file: Mapped[str] = mapped_column(Text)
    golden_sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    slices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    git_commit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    out_dir: Mapped[str | None] = mapped_column(Text, nullable=True)


class AssetLinkRow(Base):
    """One record about one asset (a document, a manual section, a work-order row).

    Links belong to one document version and go with it (``ON DELETE CASCADE``); readers join
    on ``documents.status = 'current'``, so a superseded or removed version's links are never
    served. ``tag`` is the spelling found in the record, ``tag_key`` its spelling-free key
    (core.assets.tag_key); aliases are resolved when the links are read.
    """

    __tablename__ = "asset_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[str] = mapped_column(String(64))
    tag: Mapped[str] = mapped_column(String(100))
    tag_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    chunk_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    section: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_id: Mapped[str] = mapped_column(String(100), default="")
    event_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    failure_mode: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(50), default="")
    equipment_model: Mapped[str] = mapped_column(String(200), default="", index=True)

    # covers lookups by key and the distinct spellings of a site (read on every asset question)
    __table_args__ = (Index("ix_asset_links_site_key", "site_id", "tag_key", "tag"),)


class AssetSpellingRow(Base):
    """Every spelling of a tag found in a site's records (a few hundred rows per site), so that
    reading a question's tags does not scan the links. Never pruned: a spelling whose records
    are gone resolves to a tag with nothing to show."""

    __tablename__ = "asset_spellings"

    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)


class AssetProfileRow(Base):
    """One asset of a site's equipment register (``<site>/assets.yaml``)."""

    __tablename__ = "asset_profiles"

    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    equipment_class: Mapped[str] = mapped_column(String(200), default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_path: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EquipmentReviewRow(Base):
    """A quality disposition of one (incident, SOP at another site, same equipment model) pair."""

    __tablename__ = "equipment_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_doc_id: Mapped[str] = mapped_column(String(200), index=True)
    sop_doc_id: Mapped[str] = mapped_column(String(200))
    sop_revision: Mapped[str] = mapped_column(String(64))
    disposition: Mapped[str] = mapped_column(String(32))
    reviewer: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
