"""Widgets of one chat turn: safety notices, the answer (streamed when fresh), sources, feedback.

Drawing only: the text, the source views, the highlight and every check come from services.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import streamlit as st

from core.db.engine import Database
from core.errors import PlantCopilotError
from core.models import User
from services.access import Page, can_open
from services.chat import give_feedback
from services.chat_history import ChatTurn
from services.citations import SourceView, source_views, split_answer, stream_pieces, to_markdown
from services.sources import download_info, open_source

ASSET_PAGE = Path(__file__).with_name("screens") / "asset.py"
SNIPPET_CSS = """<style>
.pc-snippet {border-left: 3px solid #d0d4da; padding: .35rem .75rem; font-size: .92rem;
  white-space: normal; background: rgba(240,242,246,.5);}
.pc-snippet mark {background: #ffe08a; padding: 0 .1rem;}
</style>"""


def _paced(pieces: Iterable[str], delay: float) -> Iterator[str]:
    for piece in pieces:
        yield piece
        if delay:
            time.sleep(delay)


def render_turn(
    db: Database, user: User, turn: ChatTurn, fresh: bool, delay: float, max_bytes: int
) -> None:
    """Draw a question and its answer; ``fresh`` answers stream in sentence by sentence."""
    with st.chat_message("user"):
        st.markdown(to_markdown(turn.question))
        st.caption(f"at {turn.site}")
    with st.chat_message("assistant"):
        if turn.abstained:
            _abstention(turn)
        else:
            _answer(turn, fresh, delay)
            with st.container(key=f"sources-{turn.interaction_id}"):
                views = source_views(turn.citations, turn.answer)
                _sources(db, user, views, turn.interaction_id, max_bytes)
        _asset_links(user, turn)
        _feedback(db, user, turn)


def _asset_links(user: User, turn: ChatTurn) -> None:
    """Same-equipment notices, and a link to each asset's page for roles that may open it."""
    for notice in turn.notices:
        st.warning(to_markdown(notice), icon=":material/factory:")
    if not can_open(user.role, Page.ASSET):
        return
    for tag in turn.assets:
        st.page_link(
            str(ASSET_PAGE),
            label=f"Asset page: {tag}",
            icon=":material/precision_manufacturing:",
            query_params={"site": turn.site, "tag": tag},
        )


def _abstention(turn: ChatTurn) -> None:
    """Abstentions look different from answers: an info box naming the closest documents."""
    first, _, rest = turn.answer.partition("\n")
    lines = [f"**{to_markdown(first)}**"]
    if turn.closest_documents:
        lines.append("Closest documents in your scope:")
        lines += [
            f"- {to_markdown(d.title)} ({d.doc_id}{', ' + to_markdown(d.section) if d.section else ''})"
            for d in turn.closest_documents
        ]
    elif rest:
        lines.append(to_markdown(rest))
    st.info(lines[0] + "\n\n" + "\n".join(lines[1:]), icon=":material/help:")


def _answer(turn: ChatTurn, fresh: bool, delay: float) -> None:
    """Safety notices in a warning box above the answer, then the answer with [n] markers."""
    parts = split_answer(turn.answer)
    if parts.notices:
        notices = "  \n".join(to_markdown(n) for n in parts.notices)
        with st.container(key=f"notices-{turn.interaction_id}"):
            st.warning(f"**Safety notices**  \n{notices}", icon=":material/warning:")
    body = to_markdown(parts.body)
    with st.container(key=f"answer-{turn.interaction_id}"):
        if fresh:
            st.write_stream(_paced(stream_pieces(body), delay))
        else:
            st.markdown(body)


def _sources(
    db: Database, user: User, views: list[SourceView], interaction_id: int, max_bytes: int
) -> None:
    if not views:
        return
    st.markdown(SNIPPET_CSS, unsafe_allow_html=True)
    st.markdown(f"**Sources ({len(views)})**")
    for view in views:
        with st.expander(view.heading):
            st.caption(
                f"{view.doc_type} · revision {view.revision} · effective {view.effective_date} · "
                f"site {view.site}  \n{view.location}"
            )
            st.markdown(view.snippet_html, unsafe_allow_html=True)
            _download(db, user, view, interaction_id, max_bytes)


def _download(
    db: Database, user: User, view: SourceView, interaction_id: int, max_bytes: int
) -> None:
    info = download_info(db, user, view.doc_id)
    if info is None:
        st.caption(
            "The original file is not available to you (superseded, removed or out of scope)."
        )
        return
    label = "Download original" + (
        f" (current revision {info.revision})" if info.revision != view.revision else ""
    )

    def data(doc_id: str = view.doc_id) -> bytes:
        """Read (and re-check access to) the original only when the button is clicked."""
        return open_source(db, user, doc_id, max_bytes).data

    st.download_button(
        label,
        data=data,
        file_name=info.file_name,
        mime=info.mime,
        key=f"dl-{interaction_id}-{view.n}",
        on_click="ignore",
        icon=":material/download:",
    )


def _feedback(db: Database, user: User, turn: ChatTurn) -> None:
    """Thumbs up/down with an optional comment, once per answer."""
    if turn.feedback_score is not None:
        verdict = "helpful" if turn.feedback_score > 0 else "not helpful"
        note = f": {turn.feedback_comment}" if turn.feedback_comment else ""
        st.caption(f"Your feedback: {verdict}{note}")
        return
    with st.form(key=f"fb-{turn.interaction_id}", border=False):
        rating = st.feedback("thumbs", key=f"fb-thumbs-{turn.interaction_id}")
        comment = st.text_input(
            "Comment (optional)", key=f"fb-comment-{turn.interaction_id}", max_chars=2000
        )
        sent = st.form_submit_button("Send feedback")
    if sent:
        _send(lambda: give_feedback(db, user, turn.interaction_id, rating == 1, comment), rating)


def _send(action: Callable[[], None], rating: int | None) -> None:
    if rating is None:
        st.warning("Choose thumbs up or thumbs down first.")
        return
    try:
        action()
    except PlantCopilotError as exc:
        st.error(str(exc))
        return
    st.rerun()
