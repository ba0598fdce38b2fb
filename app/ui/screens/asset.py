"""Asset page (technician, quality, admin): one asset's incidents, work orders, SOPs and manual
sections, with citations, downloads, a timeline and the same-equipment-elsewhere notice.

``/asset?site=calder&tag=IMM-4`` opens an asset directly (chat answers link here). Widgets
only: the records, their scope and the notice come from services.asset_views.
"""

from __future__ import annotations

import streamlit as st

from app.ui import session
from app.ui.asset_view import render_page
from core.errors import PlantCopilotError
from core.models import AccessScope
from services.access import Page
from services.asset_views import user_page
from services.assets import list_assets

auth = session.guard(Page.ASSET)
comps = session.components()
user = auth.user
ui = comps.settings.ui

st.title("Asset")
sites = sorted(user.sites)
wanted_site = st.query_params.get("site", "")
site = st.selectbox(
    "Site", sites, index=sites.index(wanted_site) if wanted_site in sites else 0, key="as_site"
)
scope = AccessScope(role=user.role, sites=frozenset({site})) if site else None
known = [a.tag for a in list_assets(comps.db, scope)] if scope else []
tag = st.text_input(
    "Asset tag",
    value=st.query_params.get("tag", ""),
    placeholder="e.g. IMM-4, Filler 2, press 4",
    key="as_tag",
)
st.caption("Assets at this site: " + (", ".join(known) if known else "none indexed"))
if site and tag.strip():
    st.query_params.update({"site": site, "tag": tag.strip()})
    try:
        page = user_page(comps, user, site, tag.strip())
    except PlantCopilotError as exc:
        st.error(str(exc))
    else:
        render_page(comps.db, user, page, ui.max_download_bytes)
