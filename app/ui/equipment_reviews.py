"""Review page section: SOPs at the reviewer's sites that may need an update after an incident
on the same equipment model at another site (services.equipment). Drawing only."""

from __future__ import annotations

import streamlit as st

from core.db.engine import Database
from core.errors import PlantCopilotError
from core.models import User
from services.citations import to_markdown
from services.equipment import (
    EquipmentDisposition,
    EquipmentReviewItem,
    record_equipment_review,
    review_queue,
)


def _line(item: EquipmentReviewItem) -> str:
    incident = (
        f"{item.incident_doc_id} {item.incident_title} ({item.incident_site})"
        if item.incident_doc_id
        else "an incident at a site outside your access"
    )
    return (
        f"**{item.sop_doc_id} rev {item.sop_revision}** {item.sop_title} ({item.sop_site}, "
        f"effective {item.sop_effective_date}) covers {item.model}; after {incident} on "
        f"{item.incident_date}. Proposed: {item.proposed.label}."
    )


def _verdict_buttons(db: Database, user: User, item: EquipmentReviewItem) -> None:
    """One button per verdict (buttons, not a radio: the interaction review above has one)."""
    comment = st.text_input("Reviewer note", key=f"eq-c-{item.item_id}", max_chars=2000)
    left, right = st.columns(2)
    chosen = None
    if left.button("Confirm: SOP needs update", key=f"eq-up-{item.item_id}"):
        chosen = EquipmentDisposition.SOP_NEEDS_UPDATE
    if right.button("No change needed", key=f"eq-no-{item.item_id}"):
        chosen = EquipmentDisposition.NO_CHANGE_NEEDED
    if chosen is None:
        return
    try:
        record_equipment_review(db, user, item.item_id, chosen.value, comment)
    except PlantCopilotError as exc:
        st.error(str(exc))
    else:
        st.rerun()


def render_equipment_reviews(db: Database, user: User) -> None:
    """The queue, each item with its recorded verdict or a form to record one."""
    st.header("Equipment reviews")
    try:
        items = review_queue(db, user)
    except PlantCopilotError as exc:
        st.error(str(exc))
        return
    st.caption(f"{len(items)} SOP review item(s) from incidents on the same equipment elsewhere.")
    for item in items:
        with st.container(border=True, key=f"eq-item-{item.item_id}"):
            st.markdown(to_markdown(_line(item)))
            if item.disposition is not None:
                note = f" — {item.comment}" if item.comment else ""
                st.caption(f"{item.reviewer}: {item.disposition.label}{note}")
            else:
                _verdict_buttons(db, user, item)
