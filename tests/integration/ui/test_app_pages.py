"""The Streamlit app under AppTest: login, lock-out, timeout, pages by role, chat, review, admin.

The app runs in-process over the UI test corpus (hashing embedder, in-memory index, a private
SQLite registry with the demo users); ``app.ui.session.use_components`` hands it those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app.ui import session
from app.ui.launch import MAIN_SCRIPT
from core.interactions import get_interaction
from core.models import Role
from services.auth import AuthSession
from services.chat import ask_in_chat, give_feedback
from services.chat_history import current_conversation
from services.review import ReviewFilter, list_for_review
from services.users import get_user
from services.wiring import Components
from tests.ui_support import DEMO_PASSWORDS, LOCKOUT_Q, OFF_TOPIC_Q

pytestmark = pytest.mark.integration

SCREENS = MAIN_SCRIPT.parent / "screens"


@pytest.fixture
def app(ui_components: Components) -> Iterator[AppTest]:
    session.use_components(ui_components)
    yield AppTest.from_file(str(MAIN_SCRIPT), default_timeout=60)
    session.use_components(None)


def login(at: AppTest, username: str, password: str | None = None) -> AppTest:
    """Fill and submit the login form."""
    at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password or DEMO_PASSWORDS[username])
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def page_paths(at: AppTest) -> set[str]:
    """Page files (by stem) the navigation registered for this session."""
    return {Path(str(info["script_path"])).stem for info in at._registered_pages.values()}


def flat_kinds(block: Any) -> list[str]:
    """Element type names under a block, depth first, in display order."""
    kinds: list[str] = []
    for child in block.children.values():
        kinds += flat_kinds(child) if hasattr(child, "children") else [type(child).__name__]
    return kinds


def texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_login_success_opens_chat_with_the_users_sites(app: AppTest) -> None:
    login(app, "theo")
    assert app.session_state["auth"].username == "theo"
    assert app.sidebar.selectbox(key="chat_site").options == ["brookfield", "calder"]
    assert "Theo (technician)" in texts(app.sidebar.markdown)
    assert "login_password" not in app.session_state  # the password is not kept


def test_login_failure_is_vague_and_lockout_refuses_the_right_password(app: AppTest) -> None:
    login(app, "nobody", "whatever-pass")
    assert app.error[0].value == "Invalid username or password."
    for _ in range(2):
        login(app, "olivia", "wrong-password")
        assert app.error[0].value == "Invalid username or password."
    login(app, "olivia", "wrong-password")  # third failure with max_failed_attempts=3
    assert "locked" in app.error[0].value
    login(app, "olivia")
    assert "locked" in app.error[0].value and "auth" not in app.session_state


@pytest.mark.parametrize(
    ("username", "pages"),
    [
        ("olivia", {"chat"}),
        ("theo", {"chat", "asset"}),
        ("quinn", {"chat", "asset", "review"}),
        ("ada", {"chat", "asset", "review", "admin"}),
    ],
)
def test_navigation_offers_the_roles_pages_only(
    app: AppTest, username: str, pages: set[str]
) -> None:
    login(app, username)
    assert page_paths(app) == pages
    for hidden in {"review", "admin"} - pages:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(f"screens/{hidden}.py")


@pytest.mark.parametrize("screen", ["asset", "review", "admin"])
def test_pages_recheck_the_role_when_reached_directly(
    ui_components: Components, screen: str
) -> None:
    """Run the page module itself, as a URL bypassing the menu would: it must refuse."""
    session.use_components(ui_components)
    try:
        at = AppTest.from_file(str(SCREENS / f"{screen}.py"), default_timeout=30)
        _as(at, ui_components, "olivia")
        at.run()
        assert at.error[0].value.startswith("Access denied: the operator role may not open")
        assert not at.dataframe and not at.title
        at.session_state["auth"] = None
        at.run()
        assert at.error[0].value == "Please log in."
    finally:
        session.use_components(None)


def test_chat_renders_notices_above_the_answer_then_sources(app: AppTest) -> None:
    login(app, "olivia")
    app.chat_input(key="chat_question").set_value(LOCKOUT_Q).run()
    assert not app.exception and not app.error
    assistant = app.chat_message[1]
    kinds = flat_kinds(assistant)
    assert kinds.index("Warning") < kinds.index("Markdown") < kinds.index("DownloadButton")
    assert texts(app.warning).startswith("**Safety notices**")
    answer = assistant.markdown[0].value
    # Which lines the overlap fake picks is not this test's business (the real reader's
    # lockout answer: tests/integration/test_safety_answers.py); rendered markers are.
    assert re.search(r"\*\*\[\d+\]\*\*", answer), answer
    expanders = assistant.expander
    assert expanders and expanders[0].label.startswith("[1] Lockout/tagout - Brookfield")
    snippet = expanders[0].markdown[0].value
    assert '<div class="pc-snippet">' in snippet and "<mark>" in snippet
    assert "revision 4" in expanders[0].caption[0].value
    assert app.get("download_button")[0].label == "Download original"


def test_abstention_is_an_info_box_naming_closest_documents(app: AppTest) -> None:
    login(app, "olivia")
    app.chat_input(key="chat_question").set_value(OFF_TOPIC_Q).run()
    info = texts(app.info)
    assert "do not answer" in info and "Closest documents in your scope" in info
    assert not app.warning and not app.get("download_button")


def test_feedback_form_stores_thumbs_down_and_comment(
    app: AppTest, ui_components: Components
) -> None:
    login(app, "olivia")
    app.chat_input(key="chat_question").set_value(LOCKOUT_Q).run()
    interaction_id = app.feedback[0].key.rsplit("-", 1)[-1]
    app.feedback[0].set_value(0)
    app.text_input(key=f"fb-comment-{interaction_id}").input("Step 7 is missing the bowl vent")
    app.button(key=f"FormSubmitter:fb-{interaction_id}-Send feedback").click().run()
    assert not app.exception
    with ui_components.db.session() as db:
        stored = get_interaction(db, int(interaction_id))
    assert (stored.feedback_score, stored.feedback_comment) == (
        -1,
        "Step 7 is missing the bowl vent",
    )
    assert "Your feedback: not helpful" in texts(app.caption)


def test_history_survives_a_new_session_and_new_chat_clears_it(
    app: AppTest, ui_components: Components
) -> None:
    olivia = get_user(ui_components.db, "olivia").to_user()
    conversation = current_conversation(ui_components.db, "olivia")
    ask_in_chat(ui_components, olivia, "brookfield", LOCKOUT_Q, conversation)
    login(app, "olivia")
    assert LOCKOUT_Q in texts(app.chat_message[0].markdown)
    app.sidebar.button(key="new_chat").click().run()
    assert not app.chat_message and "Ask about procedures" in texts(app.caption)


def test_session_timeout_and_logout_return_to_the_login(app: AppTest) -> None:
    login(app, "olivia")
    auth = app.session_state["auth"]
    app.session_state["auth"] = auth.model_copy(
        update={"last_active": auth.last_active - timedelta(minutes=31)}
    )
    app.run()
    assert "session expired" in texts(app.info) and app.text_input(key="login_username")
    login(app, "olivia")
    app.sidebar.button(key="logout").click().run()
    assert "logged out" in texts(app.info) and "auth" not in app.session_state


def test_review_filters_open_and_dispose(app: AppTest, ui_components: Components) -> None:
    db = ui_components.db
    olivia = get_user(db, "olivia").to_user()
    turn = ask_in_chat(
        ui_components, olivia, "brookfield", LOCKOUT_Q, current_conversation(db, "olivia")
    )
    give_feedback(db, olivia, turn.interaction_id, False, "missing step")
    theo = get_user(db, "theo").to_user()
    ask_in_chat(ui_components, theo, "calder", OFF_TOPIC_Q, current_conversation(db, "theo"))
    login(app, "quinn")
    app.switch_page("screens/review.py").run()
    assert app.title[0].value == "Review" and "2 interaction(s) match." in texts(app.caption)
    app.sidebar.selectbox(key="rv_fb").set_value("down").run()
    assert "1 interaction(s) match." in texts(app.caption)
    assert app.selectbox(key="rv_open").value == turn.interaction_id
    assert "missing step" in texts(app.markdown) and app.expander[0].label.startswith("[1]")
    app.sidebar.selectbox(key="rv_fb").set_value("any").run()
    app.sidebar.selectbox(key="rv_abstained").set_value("abstained").run()
    assert "1 interaction(s) match." in texts(app.caption)
    app.sidebar.selectbox(key="rv_abstained").set_value("any").run()
    app.sidebar.multiselect(key="rv_roles").set_value([Role.TECHNICIAN.value]).run()
    assert "1 interaction(s) match." in texts(app.caption)
    app.sidebar.multiselect(key="rv_roles").set_value([]).run()
    app.selectbox(key="rv_open").set_value(turn.interaction_id).run()
    app.radio(key="rv_disp").set_value(app.radio(key="rv_disp").options[3])
    app.text_area(key="rv_comment").input("Step 7 should name the vent valve")
    app.button(key=f"FormSubmitter:review-{turn.interaction_id}-Record disposition").click().run()
    assert "Disposition recorded." in texts(app.success)
    quinn = get_user(db, "quinn").to_user()
    (item,) = [i for i in list_for_review(db, quinn, ReviewFilter()) if i.id == turn.interaction_id]
    assert item.disposition is not None and item.disposition.value == "sop_needs_update"
    assert app.get("download_button")[0].label == "Export CSV"


def test_admin_page_shows_index_status_eval_placeholder_and_users(app: AppTest) -> None:
    login(app, "ada")
    app.switch_page("screens/admin.py").run()
    assert not app.exception
    status = app.table[0].value
    assert set(status.index) >= {"brookfield", "calder", "dunmore", "all"}
    assert status.loc["brookfield", "current documents"] == 4
    assert "No evaluation runs yet." in texts(app.info)
    assert list(app.dataframe[0].value["username"]) == ["ada", "olivia", "quinn", "theo"]
    app.button(key="FormSubmitter:reindex-Start re-index").click().run()
    assert "Re-index done" in texts(app.success)


def test_admin_page_draws_the_eval_trend(app: AppTest, ui_components: Components) -> None:
    from tests.unit.ui.test_review_admin_services import add_eval_runs

    add_eval_runs(ui_components)
    login(app, "ada")
    app.switch_page("screens/admin.py").run()
    assert not app.exception and "No evaluation runs yet." not in texts(app.info)
    assert "Latest run r2 sample.jsonl" in texts(app.caption) and "gate passed" in texts(
        app.caption
    )
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def _as(at: AppTest, components: Components, username: str) -> None:
    account = get_user(components.db, username)
    at.session_state["auth"] = AuthSession(
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        sites=account.sites,
        started_at=account.created_at,
        last_active=account.created_at,
    )


def test_asset_page_opens_from_query_params(ui_components: Components) -> None:
    session.use_components(ui_components)
    try:
        at = AppTest.from_file(str(SCREENS / "asset.py"), default_timeout=30)
        _as(at, ui_components, "theo")
        at.query_params["site"] = "calder"
        at.query_params["tag"] = "imm4"
        at.run()
        assert not at.exception, at.exception
        assert [h.value for h in at.header] == ["IMM-4"]
        text = " ".join(m.value for m in at.markdown)
        assert "CAL-INC-2025-009" in text and "Last corrective action" in text
        assert at.dataframe and len(at.dataframe[0].value) > 0
        at.text_input(key="as_tag").input("IMM-99").run()
        assert at.error[0].value == "no asset 'IMM-99' at site 'calder'"
    finally:
        session.use_components(None)


def test_chat_answer_about_an_asset_links_to_its_page(app: AppTest) -> None:
    login(app, "theo")
    app.selectbox(key="chat_site").select("calder").run()
    app.chat_input(key="chat_question").set_value("how many times has IMM-4 leaked in 2025?").run()
    assert not app.exception, app.exception
    assert "2 work order(s)" in " ".join(m.value for m in app.markdown)
    assert [e.proto.label for e in app.get("page_link")] == ["Asset page: IMM-4"]
