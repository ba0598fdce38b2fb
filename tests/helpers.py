"""Helpers shared by integration tests: settings in a temp home, invariant checks on the index."""

from __future__ import annotations

import csv
from pathlib import Path

from core.db.tables import DocumentRow
from core.models import DocumentStatus
from core.settings import AnswerSettings, EmbeddingSettings, RetrievalSettings, Settings
from core.support import SupportModel
from services.wiring import Components

# The overlap fake's probability is sigmoid(8 x share of question words - 4): 0.5 = half the
# question's words are in the unit.
OVERLAP_THRESHOLD = 0.5
FAKE_ANSWER_SETTINGS = AnswerSettings(
    reader_threshold=OVERLAP_THRESHOLD, support=SupportModel.reader_only()
)
"""The support weights are fitted for the real reader and embedder: the fakes use the reader's
own probability."""


def make_settings(home: Path, backend: str = "hashing") -> Settings:
    """Settings rooted in ``home``, ignoring any .env, with the chosen embedder; with the
    hashing fake embedder the reader is its fake too (fast tests that load no model), with
    the fake's own threshold: the default is calibrated on the real model's probabilities."""
    fake = backend == "hashing"
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=home,
        embedding=EmbeddingSettings(backend=backend),  # type: ignore[arg-type]
        retrieval=RetrievalSettings(reader_backend="overlap" if fake else "onnx"),
        answer=FAKE_ANSWER_SETTINGS if fake else AnswerSettings(),
    )


def served_problems(components: Components) -> list[str]:
    """Violations of "every document is served in exactly one complete version".

    A reader sees a chunk when it is flagged current in the index AND its version is the
    registry's current one; so for each doc_id exactly that version must be fully flagged.
    """
    with components.db.session() as session:
        rows = list(session.query(DocumentRow))
    states = components.index.version_states()
    current = {r.doc_id: r for r in rows if r.status == DocumentStatus.CURRENT.value}
    problems = []
    for doc_id, row in current.items():
        state = states.get(row.version_key)
        if state is None or state.flagged_current != row.chunk_count:
            problems.append(
                f"{doc_id}: current version {row.version_key} not fully served ({state})"
            )
    return problems


def leftover_problems(components: Components) -> list[str]:
    """After a completed run: no staged rows, no chunks of deleted versions, no stray flags."""
    with components.db.session() as session:
        rows = {r.version_key: r for r in session.query(DocumentRow)}
    problems = [f"staged row left: {k}" for k, r in rows.items() if r.status == "staged"]
    for key, state in components.index.version_states().items():
        row = rows.get(key)
        if row is None or row.status in ("replaced", "removed", "staged"):
            problems.append(f"orphan chunks of {key}")
        elif row.status == "superseded" and state.flagged_current:
            problems.append(f"superseded {key} still flagged current")
    return problems


def export_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a work-order export (CSV or XLSX) as header -> text."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [{str(k): str(v) for k, v in zip(rows[0], r, strict=False)} for r in rows[1:]]
