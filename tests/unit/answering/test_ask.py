"""The ask service and ``plant-copilot ask``: scope, abstention without leaks, audit log, JSON contract.

A tiny in-memory setup: HashingEmbedder + InMemoryVectorIndex behind a scoped fake retriever,
and a temporary SQLite registry with the two sites.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import main
from core.answers import SearchHit
from core.errors import UnknownRoleError, UnknownSiteError, UsageError
from core.interactions import get_interaction, record_feedback
from core.models import AccessScope, Role
from core.registry import ensure_site
from core.settings import LLMSettings, Settings
from services import wiring
from services.answering import ABSTAIN_TEXT, ReaderAnswerer
from services.ask import AnswerResult, ask
from services.wiring import Components, build
from tests.answer_fixtures import CALDER_DEVIATION, CALDER_TORQUE, CORPUS, FakeRetriever
from tests.helpers import FAKE_ANSWER_SETTINGS

pytestmark = pytest.mark.unit

JAM_Q = "How do I clear a jam on Filler 2?"
# Everything that only out-of-scope chunks contain, for a brookfield operator/technician.
OUT_OF_SCOPE_STRINGS = [
    CALDER_DEVIATION.doc_id,
    CALDER_DEVIATION.title,
    "68 °C",
    "actuator seal",
    "divert valve",
    CALDER_TORQUE.doc_id,
    CALDER_TORQUE.title,
    "320 Nm",
    "impeller nut",
    "calder",
]


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever(CORPUS)


@pytest.fixture
def components(tmp_path: Path, retriever: FakeRetriever) -> Iterator[Components]:
    settings = Settings(
        home=tmp_path,
        embedding={"backend": "hashing"},
        retrieval={"reader_backend": "overlap"},
        answer=FAKE_ANSWER_SETTINGS,
    )
    built = build(settings, index=retriever.index, embedder=lambda: retriever.embedder)
    with built.db.session() as session:
        for site in ("brookfield", "calder", "all"):
            ensure_site(session, site)
    built.retriever = lambda: retriever  # type: ignore[attr-defined]  # until services.search
    yield built
    built.db.dispose()


def _leaks(result: AnswerResult) -> list[str]:
    dumped = json.dumps(result.public(), ensure_ascii=False).lower()
    return [s for s in OUT_OF_SCOPE_STRINGS if s.lower() in dumped]


def test_ask_answers_and_logs_the_interaction(components: Components) -> None:
    result = ask(components, JAM_Q, "Brookfield", "operator", user="ana")
    answer = result.answer
    assert not answer.abstained and answer.citations[0].doc_id == "BRK-SOP-012"
    assert set(answer.latency_ms) == {"retrieve", "answer", "store", "total"}
    with components.db.session() as session:
        row = get_interaction(session, result.interaction_id)
    assert (row.username, row.role, row.site, row.question) == (
        "ana",
        "operator",
        "brookfield",
        JAM_Q,
    )
    assert row.answer == answer.answer and row.answerer == "reader"
    assert row.safety_notices == answer.safety_notices
    assert row.citations[0]["chunk_id"] == answer.citations[0].chunk_id
    first = row.retrieved[0]
    assert set(first) == {"chunk_id", "doc_id", "revision", "version_key", "rank", "score"}
    assert first["version_key"].startswith(first["doc_id"] + "::")
    assert row.latency_ms == answer.latency_ms
    assert row.feedback_score is None


def test_feedback_is_recorded_on_the_interaction(components: Components) -> None:
    result = ask(components, JAM_Q, "brookfield", "operator", user="ana")
    with components.db.session() as session:
        record_feedback(session, result.interaction_id, 1, "matches rev 4", by="qa-lead")
    with components.db.session() as session:
        row = get_interaction(session, result.interaction_id)
    assert (row.feedback_score, row.feedback_comment, row.feedback_by) == (
        1,
        "matches rev 4",
        "qa-lead",
    )
    with components.db.session() as session, pytest.raises(UsageError):
        record_feedback(session, result.interaction_id, 5, None, by="qa-lead")


@pytest.mark.parametrize(
    ("site", "role", "error"),
    [("brookfield", "manager", UnknownRoleError), ("nowhere", "operator", UnknownSiteError)],
)
def test_role_and_site_are_validated(
    components: Components, site: str, role: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        ask(components, JAM_Q, site, role)


def test_empty_question_is_a_usage_error(components: Components) -> None:
    with pytest.raises(UsageError):
        ask(components, "   ", "brookfield", "operator")


@pytest.mark.parametrize(
    ("question", "role"),
    [
        (
            "What temperature did the pasteuriser holding tube run at in deviation DEV-114?",
            "quality",
        ),
        ("What is the torque for the pasteuriser pump impeller nut?", "technician"),
        ("Why did the divert valve stick in deviation DEV-114, root cause?", "operator"),
    ],
)
def test_answer_only_outside_scope_abstains_without_revealing_it(
    components: Components, question: str, role: str
) -> None:
    result = ask(components, question, "brookfield", role)
    assert result.answer.abstained
    assert result.answer.answer.startswith(ABSTAIN_TEXT)
    assert _leaks(result) == []
    assert all(d.doc_id.startswith("BRK-") for d in result.answer.closest_documents)


def test_the_same_question_is_answered_inside_its_scope(components: Components) -> None:
    """Positive control for the test above: the answer exists, for quality at calder."""
    result = ask(
        components,
        "What temperature did the pasteuriser holding tube run at in deviation DEV-114?",
        "calder",
        "quality",
    )
    assert not result.answer.abstained and "68 °C" in result.answer.answer


class LeakyRetriever:
    """A broken retriever that ignores the scope: the service must still not leak."""

    def __init__(self, inner: FakeRetriever) -> None:
        self.inner = inner

    def search(self, question: str, scope: AccessScope, k: int) -> list[SearchHit]:
        wide = AccessScope(role=Role.ADMIN, sites=frozenset({"brookfield", "calder"}))
        return self.inner.search(question, wide, k)


def test_out_of_scope_hits_from_a_broken_retriever_are_dropped(
    components: Components, retriever: FakeRetriever
) -> None:
    result = ask(
        components,
        "What is the torque for the pasteuriser pump impeller nut?",
        "brookfield",
        "technician",
        retriever=LeakyRetriever(retriever),
    )
    assert result.answer.abstained and _leaks(result) == []
    with components.db.session() as session:
        row = get_interaction(session, result.interaction_id)
    assert all(r["doc_id"].startswith("BRK-") for r in row.retrieved)


def test_components_pick_the_answerer_from_settings(components: Components) -> None:
    assert isinstance(components.answerer(), ReaderAnswerer)
    settings = components.settings.model_copy(
        update={"llm": LLMSettings(base_url="http://127.0.0.1:9/v1")}
    )
    from services.answering.llm import LLMAnswerer

    assert isinstance(wiring.make_answerer(settings, components.index), LLMAnswerer)


@pytest.fixture
def cli(components: Components, monkeypatch: pytest.MonkeyPatch) -> Components:
    monkeypatch.setattr(wiring, "build", lambda settings: components)
    return components


def test_cli_json_contract_has_exact_keys(
    cli: Components, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", JAM_Q, "--site", "brookfield", "--role", "operator", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "answer",
        "abstained",
        "citations",
        "safety_notices",
        "latency_ms",
        "interaction_id",
        "closest_documents",
        "answerer",
        "fallback_reason",
        "support_score",
        "assets",
        "notices",
        "history",
    ]
    assert set(data["citations"][0]) == {
        "n",
        "chunk_id",
        "doc_id",
        "title",
        "site",
        "doc_type",
        "revision",
        "effective_date",
        "section",
        "page",
        "row",
        "snippet",
        "score",
        "source_path",
    }
    assert set(data["latency_ms"]) == {"retrieve", "answer", "store", "total"}
    assert data["abstained"] is False and data["safety_notices"]
    assert isinstance(data["interaction_id"], int)


def test_cli_json_abstention_names_closest_documents(
    cli: Components, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["ask", "Who is the plant manager?", "--site", "brookfield", "--role", "operator", "--json"]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["abstained"] is True and data["citations"] == []
    assert set(data["closest_documents"][0]) == {"doc_id", "title", "section"}


def test_cli_human_output_lists_numbered_sources(
    cli: Components, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", JAM_Q, "--site", "brookfield", "--role", "operator", "--user", "ana"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.index("Safety notices:") < out.index("1. Press the E-STOP") < out.index("Sources:")
    assert "[1] Clearing a jam on Filler 2 (BRK-SOP-012 rev 4, effective 2025-03-01)" in out


def test_cli_unknown_role_exits_2(cli: Components, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", JAM_Q, "--site", "brookfield", "--role", "boss"]) == 2
    assert "unknown role" in capsys.readouterr().err
