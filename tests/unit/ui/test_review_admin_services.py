"""Review and admin services: filters, stored (not re-retrieved) sources, dispositions, CSV,
re-index access, evaluation runs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from app.ui.progress import StreamlitProgress
from core.db.tables import DocumentRow, EvalRunRow, InteractionRow, utcnow
from core.errors import AccessDeniedError, UsageError
from core.models import Role, User
from ingestion.progress import NullProgress
from services.admin import accounts, latest_eval_runs, overview, reindex, score_trend
from services.chat import ask_in_chat, give_feedback
from services.chat_history import current_conversation
from services.review import (
    CSV_COLUMNS,
    Disposition,
    ReviewFilter,
    date_span,
    export_csv,
    interaction_detail,
    list_for_review,
    record_review,
)
from services.users import create_user, get_user
from services.wiring import Components
from tests.ui_support import LOCKOUT_Q, OFF_TOPIC_Q

pytestmark = pytest.mark.unit

TODAY = utcnow().date()  # interactions are stamped and filtered in UTC


def user(components: Components, name: str) -> User:
    return get_user(components.db, name).to_user()


def asked(components: Components, name: str, site: str, question: str) -> int:
    person = user(components, name)
    conversation = current_conversation(components.db, name)
    return ask_in_chat(components, person, site, question, conversation).interaction_id


@pytest.fixture
def logged(ui_components: Components) -> dict[str, int]:
    """Three interactions: operator thumbs-down, technician thumbs-up, quality abstention."""
    db = ui_components.db
    ids = {
        "down": asked(ui_components, "olivia", "brookfield", LOCKOUT_Q),
        "up": asked(ui_components, "theo", "calder", LOCKOUT_Q.replace("FILLER-2", "IMM-4")),
        "none": asked(ui_components, "quinn", "dunmore", OFF_TOPIC_Q),
    }
    give_feedback(db, user(ui_components, "olivia"), ids["down"], False, "=HYPERLINK(evil)")
    give_feedback(db, user(ui_components, "theo"), ids["up"], True)
    return ids


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (ReviewFilter(), ["none", "up", "down"]),
        (ReviewFilter(feedback="down"), ["down"]),
        (ReviewFilter(feedback="up"), ["up"]),
        (ReviewFilter(feedback="none"), ["none"]),
        (ReviewFilter(abstained=True), ["none"]),
        (ReviewFilter(abstained=False), ["up", "down"]),
        (ReviewFilter(roles=[Role.TECHNICIAN, Role.OPERATOR]), ["up", "down"]),
        (ReviewFilter(sites=["calder"]), ["up"]),
        (ReviewFilter(date_from=TODAY - timedelta(days=1), date_to=TODAY), None),
        (ReviewFilter(date_to=TODAY - timedelta(days=2)), []),
        (ReviewFilter(date_from=TODAY + timedelta(days=2)), []),
    ],
)
def test_filters(
    ui_components: Components, logged: dict[str, int], flt: ReviewFilter, expected: list[str] | None
) -> None:
    items = list_for_review(ui_components.db, user(ui_components, "quinn"), flt)
    wanted = ["none", "up", "down"] if expected is None else expected
    assert [i.id for i in items] == [logged[k] for k in wanted]


def test_reviewers_see_their_sites_only_and_operators_nothing(
    ui_components: Components, logged: dict[str, int]
) -> None:
    create_user(
        ui_components.db,
        ui_components.settings.auth,
        "bq",
        "Quality-Pass-1",
        "quality",
        "brookfield",
    )
    brookfield_only = user(ui_components, "bq")
    items = list_for_review(ui_components.db, brookfield_only, ReviewFilter())
    assert [i.id for i in items] == [logged["down"]]
    with pytest.raises(AccessDeniedError, match="calder"):
        list_for_review(ui_components.db, brookfield_only, ReviewFilter(sites=["calder"]))
    with pytest.raises(AccessDeniedError):
        interaction_detail(ui_components.db, brookfield_only, logged["up"])
    with pytest.raises(AccessDeniedError, match="review"):
        list_for_review(ui_components.db, user(ui_components, "olivia"), ReviewFilter())


def test_detail_shows_sources_as_cited_even_after_the_document_changed(
    ui_components: Components, logged: dict[str, int]
) -> None:
    quinn = user(ui_components, "quinn")
    before = interaction_detail(ui_components.db, quinn, logged["down"])
    cited = before.sources[0]
    assert (cited.doc_id, cited.revision, cited.current_revision) == ("BRK-SOP-001", "4", "4")
    assert not cited.outdated and cited.snippet
    with ui_components.db.session() as session:
        session.query(DocumentRow).filter_by(doc_id="BRK-SOP-001").update({"status": "superseded"})
    after = interaction_detail(ui_components.db, quinn, logged["down"])
    assert after.sources[0].snippet == cited.snippet and after.sources[0].outdated
    assert after.interaction.answer == before.interaction.answer
    assert after.interaction.feedback_comment == "=HYPERLINK(evil)"


def test_dispositions_are_stamped_and_listed(
    ui_components: Components, logged: dict[str, int]
) -> None:
    quinn = user(ui_components, "quinn")
    record = record_review(
        ui_components.db, quinn, logged["down"], "sop_needs_update", "step 7 unclear"
    )
    assert (record.reviewer, record.disposition) == ("quinn", Disposition.SOP_NEEDS_UPDATE)
    assert (utcnow() - record.created_at).total_seconds() < 60
    record_review(ui_components.db, quinn, logged["down"], "correct")
    detail = interaction_detail(ui_components.db, quinn, logged["down"])
    assert [r.disposition for r in detail.reviews] == [
        Disposition.SOP_NEEDS_UPDATE,
        Disposition.CORRECT,
    ]
    (item,) = list_for_review(ui_components.db, quinn, ReviewFilter(feedback="down"))
    assert (item.disposition, item.reviewed_by) == (Disposition.CORRECT, "quinn")
    with pytest.raises(UsageError, match="unknown disposition"):
        record_review(ui_components.db, quinn, logged["down"], "maybe")
    assert Disposition.SOURCE_OUTDATED.label == "Source outdated"


def test_csv_export_is_complete_and_spreadsheet_safe(
    ui_components: Components, logged: dict[str, int]
) -> None:
    quinn = user(ui_components, "quinn")
    record_review(ui_components.db, quinn, logged["up"], "incorrect", "wrong press")
    items = list_for_review(ui_components.db, quinn, ReviewFilter())
    data = export_csv(items)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 3
    by_id = {int(r["id"]): r for r in rows}
    down = by_id[logged["down"]]
    assert down["feedback"] == "down" and down["feedback_comment"] == "'=HYPERLINK(evil)"
    assert down["question"] == LOCKOUT_Q and "BRK-SOP-001 rev 4" in down["cited"]
    assert by_id[logged["up"]]["disposition"] == "incorrect"
    assert by_id[logged["none"]]["abstained"] == "yes" and by_id[logged["none"]]["feedback"] == ""


def test_date_span_accepts_what_the_widget_returns() -> None:
    d1, d2 = date(2025, 1, 1), date(2025, 2, 1)
    assert date_span((d1, d2)) == (d1, d2)
    assert date_span((d1,)) == (d1, None)
    assert date_span(()) == (None, None)
    assert date_span(d1) == (d1, None)


def test_admin_services_require_the_admin_role(ui_components: Components) -> None:
    ada, quinn = user(ui_components, "ada"), user(ui_components, "quinn")
    status = overview(ui_components, ada)
    assert status.last_run is not None and status.last_run.started_at.utcoffset() == timedelta(0)
    by_site = {s.site: s for s in status.sites}
    assert by_site["brookfield"].documents_current == 4 and by_site["brookfield"].chunks_current
    assert [a.username for a in accounts(ui_components.db, ada)] == [
        "ada",
        "olivia",
        "quinn",
        "theo",
    ]
    for call in (
        lambda: overview(ui_components, quinn),
        lambda: accounts(ui_components.db, quinn),
        lambda: reindex(ui_components, quinn, None, False, NullProgress()),
    ):
        with pytest.raises(AccessDeniedError, match="admin"):
            call()


class Bar:
    """Records what an st.progress element would be told."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def progress(self, value: float, text: str) -> None:
        self.calls.append((value, text))


def test_reindex_of_an_unchanged_site_reports_nothing_to_do(ui_components: Components) -> None:
    bar = Bar()
    ada = user(ui_components, "ada")
    report = reindex(ui_components, ada, "brookfield", False, StreamlitProgress(bar))
    assert report.documents.failed == 0 and report.documents.unchanged == 5  # incl. superseded
    assert bar.calls == [(1.0, "Every document is unchanged: nothing to re-index")]
    with pytest.raises(UsageError, match="unknown site"):
        reindex(ui_components, ada, "nowhere", False, NullProgress())


def test_streamlit_progress_moves_the_bar_with_rates() -> None:
    bar = Bar()
    progress = StreamlitProgress(bar)
    progress.started(4)
    progress.advanced(1, 10, "brk-sop-001-lockout-tagout.md")
    progress.advanced(3, 5, "last.md")
    assert [v for v, _ in bar.calls] == [0.0, 0.25, 1.0]
    assert bar.calls[1][1].startswith("1 / 4 documents") and "chunks/s" in bar.calls[1][1]


def add_eval_runs(components: Components) -> None:
    """Two runs as the eval harness writes them (scores, counts, latencies, a None score)."""
    rows = [("r1", 1, 0.70, 0.50, 1, False), ("r2", 2, 0.80, 0.60, 0, True)]
    with components.db.session() as session:
        for run_id, day, recall, mrr, leaks, passed in rows:
            metrics = {
                "recall@10": recall,
                "mrr@10": mrr,
                "leaks": leaks,
                "search_p95_ms": 41.5,
                "ragas_faithfulness": None,
            }
            session.add(
                EvalRunRow(
                    id=run_id,
                    created_at=datetime(2026, 11, day, 10, tzinfo=UTC),
                    golden_file="eval/golden/sample.jsonl",
                    golden_sha256="x",
                    metrics=metrics,
                    passed=passed,
                )
            )


def test_eval_runs_are_read_oldest_first_with_numeric_metrics(
    ui_components: Components,
) -> None:
    assert latest_eval_runs(ui_components.db) == []
    add_eval_runs(ui_components)
    runs = latest_eval_runs(ui_components.db)
    assert [r.run_id for r in runs] == ["r1", "r2"]
    latest = runs[-1]
    assert (latest.label, latest.passed) == ("sample.jsonl", True)
    assert latest.metrics == {
        "recall@10": 0.8,
        "mrr@10": 0.6,
        "leaks": 0.0,
        "search_p95_ms": 41.5,
    }  # None dropped
    assert runs[0].at is not None and runs[0].at.day == 1
    assert score_trend(runs) == {"mrr@10": [0.5, 0.6], "recall@10": [0.7, 0.8]}


def test_interaction_rows_keep_feedback_columns(
    ui_components: Components, logged: dict[str, int]
) -> None:
    with ui_components.db.session() as session:
        row = session.get(InteractionRow, logged["up"])
        assert row is not None and row.feedback_score == 1 and row.feedback_by == "theo"
