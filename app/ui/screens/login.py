"""Login page: username and password, checked by services.auth (bcrypt, lock-out)."""

from __future__ import annotations

import streamlit as st

from app.ui import session
from core.errors import AuthenticationError
from services.auth import authenticate

st.title("Plant Copilot")
st.caption("Answers from your site's current procedures, manuals and records, with sources.")
flash = session.take_flash()
if flash:
    st.info(flash)

with st.form("login", clear_on_submit=False):
    username = st.text_input("Username", key="login_username", autocomplete="username")
    password = st.text_input(
        "Password", type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("Log in", type="primary")

if submitted:
    comps = session.components()
    try:
        auth = authenticate(comps.db, comps.settings.auth, username, password)
    except AuthenticationError as exc:
        st.error(str(exc).capitalize() + ".")
    else:
        session.start_session(auth)
        st.rerun()
