"""Session state of the web UI: the wired components, the logged-in user, page guards.

Only Streamlit state lives here; every decision (password checks, timeouts, which role may
open which page) is made by a service.
"""

from __future__ import annotations

import streamlit as st

from core.errors import AccessDeniedError, SessionExpiredError
from services.access import Page, require_page
from services.auth import AuthSession, refresh_session
from services.wiring import Components

AUTH_KEY = "auth"
FLASH_KEY = "flash"

_override: Components | None = None


def use_components(components: Components | None) -> None:
    """Make the app use these components; None goes back to the configured ones.

    Tests pass their own; ``app.ui.serve`` passes the ones it built and warmed at start-up.
    """
    global _override
    _override = components


@st.cache_resource(show_spinner="Opening the index…")
def _configured() -> Components:
    from core.settings import load_settings
    from services.wiring import build

    return build(load_settings())


def components() -> Components:
    """The process-wide components (built once from settings), or the test override."""
    return _override if _override is not None else _configured()


def current_auth(comps: Components) -> AuthSession | None:
    """The logged-in session after its idle/disabled check, or None (then the reason is flashed)."""
    auth = st.session_state.get(AUTH_KEY)
    if not isinstance(auth, AuthSession):
        return None
    try:
        auth = refresh_session(comps.db, comps.settings.auth, auth)
    except SessionExpiredError as exc:
        end_session(str(exc))
        return None
    st.session_state[AUTH_KEY] = auth
    return auth


def start_session(auth: AuthSession) -> None:
    """Remember a successful login."""
    st.session_state.clear()
    st.session_state[AUTH_KEY] = auth


def end_session(message: str | None = None) -> None:
    """Forget the user and everything of theirs held in the session; keep a message to show."""
    st.session_state.clear()
    if message:
        st.session_state[FLASH_KEY] = message


def take_flash() -> str | None:
    """A message left by a logout or an expired session, shown once."""
    message = st.session_state.pop(FLASH_KEY, None)
    return message if isinstance(message, str) else None


def guard(page: Page) -> AuthSession:
    """Stop the page unless a logged-in user whose role may open it is present.

    Called first by every page module, so a page reached by URL is re-checked here even if
    the navigation menu would never have offered it.
    """
    auth = st.session_state.get(AUTH_KEY)
    if not isinstance(auth, AuthSession):
        st.error("Please log in.")
        st.stop()
    try:
        require_page(auth.role, page)
    except AccessDeniedError as exc:
        st.error(f"Access denied: {exc}.")
        st.stop()
    return auth
