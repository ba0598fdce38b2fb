"""Plant Copilot web UI: ``streamlit run app/ui/main.py`` (or ``plant-copilot serve``).

Logged out, every URL shows the login page. Logged in, the menu holds the pages the user's
role may open (services.access); each page re-checks the role itself before drawing.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # `streamlit run` puts only this folder on the path
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app.ui import session  # noqa: E402
from services.access import Page, pages_for  # noqa: E402
from services.auth import AuthSession, logout  # noqa: E402

SCREENS_DIR = Path(__file__).with_name("screens")
# Emoji, not ":material/...:" icons: a page icon becomes the tab's favicon, and Streamlit
# fetches Material favicons from fonts.gstatic.com (emoji are drawn locally as inline SVG).
PAGE_SPECS: dict[Page, tuple[str, str]] = {
    Page.CHAT: ("Chat", ":material/chat:"),
    Page.ASSET: ("Asset", ":material/precision_manufacturing:"),
    Page.REVIEW: ("Review", ":material/fact_check:"),
    Page.ADMIN: ("Admin", ":material/admin_panel_settings:"),
}
APP_ICON = "🏭"


def _page(page: Page) -> st.Page:
    title, icon = PAGE_SPECS[page]
    return st.Page(
        str(SCREENS_DIR / f"{page.value}.py"),
        title=title,
        icon=icon,
        url_path=page.value,
        default=page is Page.CHAT,
    )


def _sidebar(auth: AuthSession) -> None:
    with st.sidebar:
        st.markdown(f"**{auth.display_name}**  \n{auth.role.value} · {', '.join(auth.sites)}")
        if st.button("Log out", key="logout", icon=":material/logout:"):
            logout(auth)
            session.end_session("You have been logged out.")
            st.rerun()


def main() -> None:
    """Check the session, then show the login page or the role's pages."""
    st.set_page_config(page_title="Plant Copilot", page_icon=APP_ICON, layout="wide")
    comps = session.components()
    auth = session.current_auth(comps)
    if auth is None:
        login = st.Page(
            str(SCREENS_DIR / "login.py"), title="Log in", url_path="login", default=True
        )
        st.navigation([login], position="hidden").run()
        return
    _sidebar(auth)
    st.navigation([_page(p) for p in pages_for(auth.role)]).run()


main()
