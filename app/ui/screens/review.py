"""Review page (quality, admin): filter interactions, open one as it was answered, dispose of it."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app.ui import session
from app.ui.equipment_reviews import render_equipment_reviews
from core.db.tables import utcnow
from core.errors import PlantCopilotError
from core.models import Role
from services.access import Page
from services.citations import split_answer, to_markdown
from services.review import (
    Disposition,
    InteractionDetail,
    ReviewFilter,
    ReviewItem,
    date_span,
    export_csv,
    interaction_detail,
    list_for_review,
    record_review,
)

auth = session.guard(Page.REVIEW)
comps = session.components()
user = auth.user

FEEDBACK_CHOICES = {"any": "Any", "up": "Thumbs up", "down": "Thumbs down", "none": "None"}
ABSTAINED_CHOICES = {"any": None, "answered": False, "abstained": True}
ABSTAINED_LABELS = {"any": "Any", "answered": "Answered", "abstained": "Abstained"}


def _filters() -> ReviewFilter:
    """The filter widgets, in the sidebar."""
    with st.sidebar:
        st.subheader("Filters")
        sites = st.multiselect("Sites", sorted(user.sites), key="rv_sites")
        roles = st.multiselect("Roles", [r.value for r in Role], key="rv_roles")
        today = utcnow().date()  # stored times and the filter are UTC
        span = st.date_input("Dates", (today - timedelta(days=30), today), key="rv_dates")
        feedback: str = st.selectbox(
            "Feedback",
            list(FEEDBACK_CHOICES),
            format_func=lambda k: FEEDBACK_CHOICES[k],
            key="rv_fb",
        )
        answered = st.selectbox(
            "Answer",
            list(ABSTAINED_CHOICES),
            format_func=lambda k: ABSTAINED_LABELS[k],
            key="rv_abstained",
        )
    start, end = date_span(span)
    return ReviewFilter(
        sites=sites,
        roles=[Role(r) for r in roles],
        date_from=start,
        date_to=end,
        feedback=feedback,  # type: ignore[arg-type]  # one of FEEDBACK_CHOICES
        abstained=ABSTAINED_CHOICES[answered],
        limit=comps.settings.ui.review_page_size,
    )


def _table(items: list[ReviewItem]) -> None:
    rows = [
        {
            "id": i.id,
            "when (UTC)": f"{i.created_at:%Y-%m-%d %H:%M}",
            "user": i.username,
            "role": i.role,
            "site": i.site,
            "question": i.question,
            "abstained": i.abstained,
            "feedback": {1: "up", -1: "down"}.get(i.feedback_score or 0, ""),
            "disposition": i.disposition.label if i.disposition else "",
        }
        for i in items
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def _detail(detail: InteractionDetail) -> None:
    """The interaction as stored: question, answer, sources as cited, feedback, reviews."""
    it = detail.interaction
    st.markdown(
        f"**Question** ({it.username}, {it.role}, {it.site}, {it.created_at:%Y-%m-%d %H:%M} UTC)"
    )
    st.markdown(to_markdown(it.question))
    parts = split_answer(it.answer)
    if parts.notices:
        st.warning("**Safety notices**  \n" + "  \n".join(to_markdown(n) for n in parts.notices))
    (st.info if it.abstained else st.markdown)(to_markdown(parts.body))
    for s in detail.sources:
        current = "" if not s.outdated else f" · now served: {s.current_revision or 'nothing'}"
        with st.expander(f"[{s.n}] {s.title} ({s.doc_id} rev {s.revision})"):
            st.caption(
                f"effective {s.effective_date or 'not stated'} · {s.section or 'whole document'}{current}"
            )
            st.text(s.snippet)
    if it.feedback_score is not None:
        verdict = "thumbs up" if it.feedback_score > 0 else "thumbs down"
        st.markdown(
            f"**User feedback:** {verdict}"
            + (f" — {it.feedback_comment}" if it.feedback_comment else "")
        )
    for r in detail.reviews:
        st.caption(
            f"{r.created_at:%Y-%m-%d %H:%M} {r.reviewer}: {r.disposition.label}. {r.comment}"
        )


def _dispose(interaction_id: int) -> None:
    with st.form(f"review-{interaction_id}", clear_on_submit=True):
        verdict = st.radio(
            "Disposition",
            list(Disposition),
            format_func=lambda d: d.label,
            horizontal=True,
            key="rv_disp",
        )
        comment = st.text_area("Comment", key="rv_comment", max_chars=4000)
        if st.form_submit_button("Record disposition", type="primary"):
            try:
                record_review(comps.db, user, interaction_id, str(verdict), comment)
            except PlantCopilotError as exc:
                st.error(str(exc))
            else:
                st.session_state["rv_done"] = "Disposition recorded."
                st.rerun()  # redraw the detail with the new review in it


st.title("Review")
try:
    items = list_for_review(comps.db, user, _filters())
except PlantCopilotError as exc:
    st.error(str(exc))
    st.stop()
st.caption(f"{len(items)} interaction(s) match.")
_table(items)
st.download_button(
    "Export CSV",
    export_csv(items),
    file_name="plant-copilot-review.csv",
    mime="text/csv",
    key="rv_csv",
)
if items:
    chosen = st.selectbox(
        "Open interaction",
        [i.id for i in items],
        format_func=lambda n: next(
            f"#{i.id} · {i.site} · {i.question[:80]}" for i in items if i.id == n
        ),
        key="rv_open",
    )
    if chosen is not None:
        _detail(interaction_detail(comps.db, user, chosen))
        done = st.session_state.pop("rv_done", None)
        if done:
            st.success(done)
        _dispose(chosen)
render_equipment_reviews(comps.db, user)
