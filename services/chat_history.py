"""Chat history per user, persisted in SQL: conversations and their turns, trimmed for display.

A turn is a link to its interaction record (the audit log holds the question, answer, sources
and feedback), so history and audit can never disagree. "New chat" starts a conversation; the
newest one is reopened after a restart. Only the last ``max_turns`` turns are loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from core.answers import ClosestDocument
from core.db.engine import Database
from core.db.tables import ChatConversationRow, ChatMessageRow, InteractionRow
from core.errors import AccessDeniedError, NotFoundError
from services.users import aware


class ChatTurn(BaseModel):
    """One question and its answer as the chat page shows it."""

    interaction_id: int
    created_at: datetime
    site: str
    question: str
    answer: str
    abstained: bool
    citations: list[dict[str, Any]] = Field(default_factory=list)
    safety_notices: list[str] = Field(default_factory=list)
    closest_documents: list[ClosestDocument] = Field(default_factory=list)
    feedback_score: int | None = None
    feedback_comment: str | None = None
    assets: list[str] = Field(default_factory=list)
    """Assets the answer is about (the chat links each to its Asset page)."""
    notices: list[str] = Field(default_factory=list)
    """Same-equipment-elsewhere notices, as scoped when the question was asked."""


class ChatHistory(BaseModel):
    """The shown turns of a conversation (oldest first) and how many earlier ones are hidden."""

    conversation_id: int
    turns: list[ChatTurn]
    hidden: int = 0


def turn_of(
    row: InteractionRow, closest: list[dict[str, Any]], context: dict[str, Any] | None = None
) -> ChatTurn:
    """A chat turn from an interaction row and what the chat stored with it."""
    context = context or {}
    return ChatTurn(
        interaction_id=row.id,
        created_at=aware(row.created_at),
        site=row.site,
        question=row.question,
        answer=row.answer,
        abstained=row.abstained,
        citations=list(row.citations),
        safety_notices=list(row.safety_notices),
        closest_documents=[ClosestDocument.model_validate(d) for d in closest],
        feedback_score=row.feedback_score,
        feedback_comment=row.feedback_comment,
        assets=list(context.get("assets", [])),
        notices=list(context.get("notices", [])),
    )


def new_conversation(db: Database, username: str) -> int:
    """Start a conversation for ``username`` and return its id."""
    with db.session() as session:
        row = ChatConversationRow(username=username)
        session.add(row)
        session.flush()
        return row.id


def current_conversation(db: Database, username: str) -> int:
    """The user's newest conversation, created when there is none yet."""
    with db.session() as session:
        found = session.scalar(
            select(ChatConversationRow.id)
            .where(ChatConversationRow.username == username)
            .order_by(ChatConversationRow.id.desc())
            .limit(1)
        )
    return found if found is not None else new_conversation(db, username)


def _owned(session: Any, conversation_id: int, username: str) -> ChatConversationRow:
    row = session.get(ChatConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"no conversation {conversation_id}")
    if row.username != username:
        raise AccessDeniedError("this conversation belongs to another user")
    assert isinstance(row, ChatConversationRow)
    return row


def add_turn(
    db: Database,
    username: str,
    conversation_id: int,
    interaction_id: int,
    closest: list[ClosestDocument] | None = None,
    asset_context: dict[str, list[str]] | None = None,
) -> None:
    """Append an answered interaction to the user's own conversation."""
    with db.session() as session:
        _owned(session, conversation_id, username)
        session.add(
            ChatMessageRow(
                conversation_id=conversation_id,
                interaction_id=interaction_id,
                closest_documents=[d.model_dump(mode="json") for d in closest or []],
                asset_context=asset_context or {},
            )
        )


def load_history(db: Database, username: str, conversation_id: int, max_turns: int) -> ChatHistory:
    """The last ``max_turns`` turns of a conversation, oldest first (history trimming)."""
    with db.session() as session:
        _owned(session, conversation_id, username)
        total = session.scalar(
            select(func.count(ChatMessageRow.id)).where(
                ChatMessageRow.conversation_id == conversation_id
            )
        )
        rows = session.execute(
            select(ChatMessageRow.closest_documents, ChatMessageRow.asset_context, InteractionRow)
            .join(InteractionRow, InteractionRow.id == ChatMessageRow.interaction_id)
            .where(ChatMessageRow.conversation_id == conversation_id)
            .order_by(ChatMessageRow.id.desc())
            .limit(max_turns)
        ).all()
        turns = [turn_of(row, closest, ctx) for closest, ctx, row in reversed(rows)]
    return ChatHistory(
        conversation_id=conversation_id, turns=turns, hidden=max(0, (total or 0) - len(turns))
    )


def trim_turns(turns: list[ChatTurn], max_turns: int) -> list[ChatTurn]:
    """Keep the last ``max_turns`` turns (for histories held in memory)."""
    return turns[-max_turns:] if max_turns > 0 else []
