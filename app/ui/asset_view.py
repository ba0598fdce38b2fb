"""Widgets of the Asset page: header, notice, record lists with citations and downloads,
counts by failure mode and the timeline chart. Drawing only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.assets import LinkedRecord
from core.db.engine import Database
from core.models import User
from services.asset_views import AssetPage
from services.assets import TimelinePoint
from services.citations import to_markdown
from services.sources import download_info, open_source


def _cite(r: LinkedRecord) -> str:
    where = ", ".join(
        p
        for p in (
            r.section,
            f"page {r.page}" if r.page is not None else "",
            f"row {r.row}" if r.row is not None else "",
        )
        if p
    )
    return f"{r.doc_id} rev {r.revision}" + (f" — {where}" if where else "")


def _download(db: Database, user: User, doc_id: str, key: str, max_bytes: int) -> None:
    info = download_info(db, user, doc_id)
    if info is None:
        return

    def data(d: str = doc_id) -> bytes:
        return open_source(db, user, d, max_bytes).data

    st.download_button(
        f"Download {doc_id}", data=data, file_name=info.file_name, mime=info.mime,
        key=key, on_click="ignore", icon=":material/download:",
    )  # fmt: skip


def _documents(db: Database, user: User, label: str, rows: list[LinkedRecord], mb: int) -> None:
    st.subheader(f"{label} ({len(rows)})")
    for r in rows:
        when = r.when.isoformat() if r.when else "undated"
        with st.container(key=f"as-{label.lower().replace(' ', '-')}-{r.doc_id}-{r.section}"):
            st.markdown(
                f"**{when} · {r.doc_id}** {to_markdown(r.title)}  \n{to_markdown(_cite(r))}"
            )
            _download(db, user, r.doc_id, f"dl-{label}-{r.doc_id}-{r.section}", mb)


def _work_orders(db: Database, user: User, rows: list[LinkedRecord], mb: int) -> None:
    st.subheader(f"Work orders ({len(rows)})")
    if not rows:
        return
    table = pd.DataFrame(
        [
            {"date": r.when, "wo": r.record_id, "failure mode": r.failure_mode,
             "symptom": r.summary, "action": r.action, "status": r.status,
             "source": _cite(r)}
            for r in rows
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, key="as-work-orders")
    for doc_id in dict.fromkeys(r.doc_id for r in rows):
        _download(db, user, doc_id, f"dl-wo-{doc_id}", mb)


def _timeline(points: list[TimelinePoint]) -> None:
    if not points:
        return
    st.subheader("Timeline")
    frame = pd.DataFrame([p.model_dump() for p in points])
    chart = frame.pivot_table(index="month", columns="series", values="count", fill_value=0)
    st.bar_chart(chart, x_label="month", y_label="records")


def render_page(db: Database, user: User, page: AssetPage, max_bytes: int) -> None:
    """Draw one asset's page."""
    v = page.view
    st.header(v.tag)
    details = " · ".join(p for p in (v.name, v.model, v.equipment_class, v.site) if p)
    st.caption(details + (f" · also written {', '.join(v.aliases)}" if v.aliases else ""))
    if page.notice is not None:
        st.warning(to_markdown(page.notice.message()), icon=":material/warning:")
    if v.failure_modes:
        st.markdown(
            "**By failure mode:** " + ", ".join(f"{m} {n}" for m, n in v.failure_modes.items())
        )
    if v.last_corrective is not None:
        lc = v.last_corrective
        action = to_markdown(f"{lc.when} {lc.record_id}: {lc.action}")
        st.markdown(f"**Last corrective action:** {action}")
    _timeline(v.timeline)
    _documents(db, user, "Incidents", v.incidents, max_bytes)
    _work_orders(db, user, v.work_orders, max_bytes)
    _documents(db, user, "SOPs", v.sops, max_bytes)
    _documents(db, user, "Manual sections", v.manual_sections, max_bytes)
