"""Chat services over a small real corpus: persisted history, trimming, scope, feedback, downloads."""

from __future__ import annotations

import pytest

from core.db.tables import DocumentRow
from core.errors import AccessDeniedError, NotFoundError, UsageError
from core.interactions import get_interaction
from core.models import User
from services.chat import ask_in_chat, chat_sites, give_feedback
from services.chat_history import (
    current_conversation,
    load_history,
    new_conversation,
    trim_turns,
)
from services.sources import download_info, open_source
from services.users import get_user
from services.wiring import Components, build
from tests.ui_support import LOCKOUT_Q, OFF_TOPIC_Q, Corpus

pytestmark = pytest.mark.unit


def user(components: Components, name: str) -> User:
    return get_user(components.db, name).to_user()


def test_answer_has_notices_sources_and_is_remembered_across_a_restart(
    ui_components: Components,
) -> None:
    olivia = user(ui_components, "olivia")
    conversation = current_conversation(ui_components.db, "olivia")
    turn = ask_in_chat(ui_components, olivia, "brookfield", LOCKOUT_Q, conversation)
    assert not turn.abstained and turn.safety_notices
    assert turn.citations[0]["doc_id"] == "BRK-SOP-001"
    restarted = build(ui_components.settings, index=ui_components.index)
    assert current_conversation(restarted.db, "olivia") == conversation
    history = load_history(restarted.db, "olivia", conversation, 20)
    assert [t.interaction_id for t in history.turns] == [turn.interaction_id]
    assert history.turns[0].answer == turn.answer and history.turns[0].citations == turn.citations
    restarted.db.dispose()


def test_history_is_trimmed_and_new_chat_starts_empty(ui_components: Components) -> None:
    olivia = user(ui_components, "olivia")
    conversation = current_conversation(ui_components.db, "olivia")
    questions = [LOCKOUT_Q, "What PPE do I need on the filler?", "How do I clear a bottle jam?"]
    ids = [
        ask_in_chat(ui_components, olivia, "brookfield", q, conversation).interaction_id
        for q in questions
    ]
    history = load_history(ui_components.db, "olivia", conversation, 2)
    assert [t.interaction_id for t in history.turns] == ids[1:] and history.hidden == 1
    assert trim_turns(history.turns, 1) == history.turns[1:] and trim_turns(history.turns, 0) == []
    fresh = new_conversation(ui_components.db, "olivia")
    assert current_conversation(ui_components.db, "olivia") == fresh
    assert load_history(ui_components.db, "olivia", fresh, 20).turns == []


def test_sites_outside_the_user_and_other_users_conversations_are_refused(
    ui_components: Components,
) -> None:
    olivia = user(ui_components, "olivia")
    assert chat_sites(olivia) == ["brookfield"]
    conversation = current_conversation(ui_components.db, "olivia")
    with pytest.raises(AccessDeniedError, match="calder"):
        ask_in_chat(ui_components, olivia, "calder", LOCKOUT_Q, conversation)
    with pytest.raises(AccessDeniedError, match="another user"):
        load_history(ui_components.db, "theo", conversation, 20)
    theo = user(ui_components, "theo")
    with pytest.raises(AccessDeniedError):
        ask_in_chat(ui_components, theo, "brookfield", LOCKOUT_Q, conversation)


def test_abstention_keeps_the_closest_documents(ui_components: Components) -> None:
    olivia = user(ui_components, "olivia")
    conversation = current_conversation(ui_components.db, "olivia")
    turn = ask_in_chat(ui_components, olivia, "brookfield", OFF_TOPIC_Q, conversation)
    assert turn.abstained and turn.closest_documents and not turn.citations
    (stored,) = load_history(ui_components.db, "olivia", conversation, 5).turns
    assert stored.closest_documents == turn.closest_documents


def test_feedback_is_stored_on_the_interaction_and_only_by_its_asker(
    ui_components: Components,
) -> None:
    olivia = user(ui_components, "olivia")
    conversation = current_conversation(ui_components.db, "olivia")
    turn = ask_in_chat(ui_components, olivia, "brookfield", LOCKOUT_Q, conversation)
    give_feedback(ui_components.db, olivia, turn.interaction_id, False, "  step 7 missing  ")
    with ui_components.db.session() as session:
        stored = get_interaction(session, turn.interaction_id)
    assert (stored.feedback_score, stored.feedback_comment, stored.feedback_by) == (
        -1,
        "step 7 missing",
        "olivia",
    )
    with pytest.raises(AccessDeniedError):
        give_feedback(ui_components.db, user(ui_components, "quinn"), turn.interaction_id, True)
    with pytest.raises(UsageError, match="longer than"):
        give_feedback(ui_components.db, olivia, turn.interaction_id, True, "x" * 2001)
    reloaded = load_history(ui_components.db, "olivia", conversation, 5).turns[0]
    assert (reloaded.feedback_score, reloaded.feedback_comment) == (-1, "step 7 missing")


def test_downloads_follow_role_site_and_current_version(
    ui_components: Components, ui_corpus: Corpus
) -> None:
    db, limit = ui_components.db, 10_000_000
    olivia, theo = user(ui_components, "olivia"), user(ui_components, "theo")
    sop = open_source(db, olivia, "BRK-SOP-001", limit)
    assert sop.file_name == "brk-sop-001-lockout-tagout.md" and sop.mime == "text/markdown"
    assert sop.data == (ui_corpus.docs / "brookfield/sop" / sop.file_name).read_bytes()
    jam = download_info(db, olivia, "BRK-SOP-012")
    assert jam is not None and jam.revision == "3"  # rev 2 is superseded: never served
    assert download_info(db, olivia, "ALL-SOP-001") is not None  # company-wide
    for doc_id in ("BRK-INC-2025-014", "CAL-SOP-001"):  # incident: not operators; other site
        assert download_info(db, olivia, doc_id) is None
        with pytest.raises(AccessDeniedError):
            open_source(db, olivia, doc_id, limit)
    assert open_source(db, theo, "BRK-INC-2025-014", limit).revision == "1"
    with pytest.raises(UsageError, match="download limit"):
        open_source(db, olivia, "BRK-SOP-001", 10)
    with db.session() as session:
        row = session.query(DocumentRow).filter_by(doc_id="BRK-SOP-001").one()
        row.status = "removed"
    with pytest.raises(NotFoundError, match="no longer served"):
        open_source(db, olivia, "BRK-SOP-001", limit)
