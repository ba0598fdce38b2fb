"""The chat use case: ask at one of the user's sites, remember the turn, take feedback.

Built on :func:`services.ask.ask` (scope, retrieval, answering, audit log) and
:mod:`services.chat_history`; the chat page only draws what these return.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.db.engine import Database
from core.errors import AccessDeniedError, UsageError
from core.interactions import get_interaction, record_feedback
from core.models import User
from core.ports import Retriever
from services.ask import ask
from services.chat_history import ChatTurn, add_turn

if TYPE_CHECKING:
    from services.wiring import Components

log = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 2000


def chat_sites(user: User) -> list[str]:
    """The sites the user may ask about, for the site picker."""
    return sorted(user.sites)


def ask_in_chat(
    components: Components,
    user: User,
    site: str,
    question: str,
    conversation_id: int,
    retriever: Retriever | None = None,
) -> ChatTurn:
    """Answer a question at one of the user's sites and append it to their conversation.

    AccessDeniedError when ``site`` is not one of the user's sites; other errors as
    :func:`services.ask.ask` (UsageError, BackendUnavailableError).
    """
    scope = user.scope(site)  # raises AccessDeniedError outside the user's sites
    (site_id,) = scope.sites
    result = ask(components, question, site_id, user.role, user.username, retriever=retriever)
    answer = result.answer
    add_turn(
        components.db,
        user.username,
        conversation_id,
        result.interaction_id,
        answer.closest_documents,
        {"assets": answer.assets, "notices": answer.notices},
    )
    with components.db.session() as session:
        stored = get_interaction(session, result.interaction_id)
    return ChatTurn(
        interaction_id=result.interaction_id,
        created_at=stored.created_at,
        site=site_id,
        question=stored.question,
        answer=answer.answer,
        abstained=answer.abstained,
        citations=[c.model_dump(mode="json") for c in answer.citations],
        safety_notices=list(answer.safety_notices),
        closest_documents=list(answer.closest_documents),
        assets=list(answer.assets),
        notices=list(answer.notices),
    )


def give_feedback(
    db: Database, user: User, interaction_id: int, helpful: bool, comment: str | None = None
) -> None:
    """Store a thumbs up/down (score 1/-1) and an optional comment on the user's own answer."""
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise UsageError(f"the comment is longer than {MAX_COMMENT_CHARS} characters")
    with db.session() as session:
        interaction = get_interaction(session, interaction_id)
        if interaction.username != user.username:
            raise AccessDeniedError("feedback is only taken on your own answers")
        record_feedback(session, interaction_id, 1 if helpful else -1, text or None, user.username)
    log.info("feedback on interaction %d: %s", interaction_id, "up" if helpful else "down")
