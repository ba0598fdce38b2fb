"""Admin page: index status per site, re-index with progress, evaluation trend, users."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import session
from app.ui.progress import StreamlitProgress
from core.errors import PlantCopilotError
from services.access import Page
from services.admin import accounts, latest_eval_runs, overview, reindex, score_trend

auth = session.guard(Page.ADMIN)
comps = session.components()
user = auth.user

st.title("Admin")

st.header("Index status")
status = overview(comps, user)
sites_table = pd.DataFrame(
    [
        {
            "site": s.site,
            "current documents": s.documents_current,
            "superseded": s.documents_superseded,
            "chunks": s.chunks_current,
        }
        for s in status.sites
    ]
)
st.table(sites_table.set_index("site") if not sites_table.empty else sites_table)
st.caption(f"{status.chunks_in_index} chunks in the vector index.")
if status.last_run:
    run = status.last_run
    st.caption(
        f"Last run #{run.id} ({run.kind}) {run.status}, started {run.started_at:%Y-%m-%d %H:%M} UTC, "
        f"{len(run.failures)} failure(s)."
    )

st.header("Re-index")
with st.form("reindex"):
    choice = st.selectbox("Site", ["all sites", *(s.site for s in status.sites)], key="ad_site")
    full = st.checkbox("Full rebuild (re-parse and re-embed everything)", key="ad_full")
    start = st.form_submit_button("Start re-index", type="primary")
if start:
    bar = st.progress(0.0, text="Starting…")
    site = None if choice == "all sites" else choice
    try:
        report = reindex(comps, user, site, full, StreamlitProgress(bar))
    except PlantCopilotError as exc:
        st.error(str(exc))
    else:
        d, c = report.documents, report.chunks
        st.success(
            f"Re-index done in {report.elapsed_s:.1f} s: {d.updated} updated, {d.unchanged} unchanged, "
            f"{d.failed} failed; {c.embedded} chunks embedded."
        )
        for failure in report.failures:
            st.warning(f"{failure.path}: {failure.reason}")

st.header("Retrieval quality")
runs = latest_eval_runs(comps.db)
if not runs:
    st.info("No evaluation runs yet.")
else:
    latest = runs[-1]
    gate = {True: "passed", False: "FAILED", None: "no gate"}[latest.passed]
    st.caption(
        f"Latest run {latest.run_id} {latest.label} at {latest.at or 'unknown time'}: gate {gate}. "
        f"{len(runs)} run(s) shown, oldest first."
    )
    trend = score_trend(runs)
    if trend:
        st.line_chart(trend)
    st.dataframe(
        [{"metric": k, "latest": v} for k, v in sorted(latest.metrics.items())],
        hide_index=True,
        width="stretch",
    )

st.header("Users")
st.dataframe(
    [
        {
            "username": a.username,
            "name": a.display_name,
            "role": a.role.value,
            "sites": ", ".join(a.sites),
            "disabled": a.disabled,
            "last login (UTC)": f"{a.last_login:%Y-%m-%d %H:%M}" if a.last_login else "never",
        }
        for a in accounts(comps.db, user)
    ],
    hide_index=True,
    width="stretch",
)
st.caption("Manage accounts with `plant-copilot users add|disable|passwd`.")
