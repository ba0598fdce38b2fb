"""Chat page: ask at one of your sites; answers with safety notices first and their sources."""

from __future__ import annotations

import streamlit as st

from app.ui import session
from app.ui.chat_view import render_turn
from core.errors import PlantCopilotError
from services.access import Page
from services.chat import ask_in_chat, chat_sites
from services.chat_history import current_conversation, load_history, new_conversation

auth = session.guard(Page.CHAT)
comps = session.components()
user = auth.user
ui = comps.settings.ui

with st.sidebar:
    site = st.selectbox("Site", chat_sites(user), key="chat_site")
    if st.button("New chat", key="new_chat", icon=":material/add_comment:"):
        st.session_state["conversation_id"] = new_conversation(comps.db, user.username)

if "conversation_id" not in st.session_state:
    st.session_state["conversation_id"] = current_conversation(comps.db, user.username)
conversation_id: int = st.session_state["conversation_id"]

st.title("Plant Copilot")
history = load_history(comps.db, user.username, conversation_id, ui.history_turns)
if history.hidden:
    st.caption(f"{history.hidden} earlier question(s) in this chat are not shown.")
if not history.turns:
    st.caption(
        "Ask about procedures, equipment or past incidents at your site, e.g. "
        "“What are the lockout steps for FILLER-2?”"
    )
for turn in history.turns:
    render_turn(comps.db, user, turn, False, 0.0, ui.max_download_bytes)

question = st.chat_input("Ask a question about your site's documents", key="chat_question")
if question and site:
    try:
        with st.spinner("Searching your site's documents…"):
            turn = ask_in_chat(comps, user, site, question, conversation_id)
    except PlantCopilotError as exc:
        st.error(f"Could not answer: {exc}")
    else:
        render_turn(comps.db, user, turn, True, ui.stream_delay_s, ui.max_download_bytes)
