"""Concurrent askers while a re-index switches a SOP to a new revision, in both modes.

Two app instances (two Components built from the same settings, sharing the same stores, like
two streamlit processes behind a proxy) serve 20 asking threads while an ingestion job (a third
Components) indexes revision 4 of BRK-SOP-014, whose caustic concentration changes from 2.0% to
2.5%. Every ask must succeed, and every ask that STARTED after the switch committed must be
built from revision 4 only (cited and retrieved); asks that started earlier may show revision 3,
never a mix of both.

The switch time is observed from the registry by a poller (the first moment revision 4 reads as
current), which is at or after the commit. ``indexed_at`` of the new row is not used: it is set
inside the switch transaction, a few milliseconds before the commit, and an ask starting in
between may rightly still see revision 3.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db.tables import InteractionRow
from core.registry import current_row
from core.settings import Settings
from services.ask import ask
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import make_settings

pytestmark = pytest.mark.integration

QUESTION = "caustic wash concentration and temperature for FILLER-2 CIP"
ASKERS = 20
DOC = "BRK-SOP-014"


def write_revision_4(sop_dir: Path) -> None:
    """BRK-SOP-014 rev 4: 2.5% caustic at 85 °C for 30 min (rev 3 said 2.0%, 80 °C, 25 min)."""
    rev3 = (sop_dir / "brk-sop-014-caustic-cip-rev3.md").read_text(encoding="utf-8")
    rev4 = (
        rev3.replace('revision: "3"', 'revision: "4"')
        .replace("effective_date: 2025-09-01", "effective_date: 2025-12-01")
        .replace("Revision 3.", "Revision 4.")
        .replace(
            "## Revision history\n",
            "## Revision history\n\n- Rev 4 (2025-12-01): caustic concentration raised from"
            " 2.0% to 2.5%, temperature to 85 °C and hold time to 30 min (CAPA-2025-071).\n",
        )
        .replace(
            "| Sodium hydroxide | 2.0% | 80 °C | 25 min |",
            "| Sodium hydroxide | 2.5% | 85 °C | 30 min |",
        )
    )
    assert rev4.count('revision: "4"') == 1 and "| 2.5% | 85 °C |" in rev4
    (sop_dir / "brk-sop-014-caustic-cip-rev4.md").write_text(rev4, encoding="utf-8")


def warm_parser(sample: Path) -> None:
    """Parse one file so the re-index runs like a job that has parsed before: importing
    unstructured and spaCy is ~13 s of CPU, which 20 CPU-bound asker threads would stretch to
    minutes under the GIL (a test-time artefact, not the behaviour under test)."""
    from ingestion.parsing import parse_file

    parse_file(sample, 10**8)


@dataclass
class Asked:
    started: float
    ended: float
    interaction_id: int
    cited: set[str]


@dataclass
class Run:
    """What the askers saw, and when revision 4 became current."""

    asked: list[Asked] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    switch_seen: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def asker(app: Components, n: int, run: Run) -> None:
    while not run.stop.is_set():
        started = time.monotonic()
        try:
            result = ask(app, QUESTION, "brookfield", "operator", user=f"asker-{n}")
        except Exception as exc:
            with run.lock:
                run.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        cited = {c.revision for c in result.answer.citations if c.doc_id == DOC}
        with run.lock:
            run.asked.append(Asked(started, time.monotonic(), result.interaction_id, cited))


def watch_switch(writer: Components, run: Run) -> None:
    """Record the first moment the registry serves revision 4."""
    while not run.stop.is_set():
        with writer.db.session() as session:
            row = current_row(session, DOC)
            if row is not None and row.revision == "4":
                run.switch_seen = time.monotonic()
                return
        time.sleep(0.002)


def retrieved_revisions(app: Components, ids: list[int]) -> dict[int, set[str]]:
    """Revisions of BRK-SOP-014 among each stored interaction's retrieved hits."""
    with app.db.session() as session:
        rows = session.query(InteractionRow).filter(InteractionRow.id.in_(ids)).all()
        return {r.id: {h["revision"] for h in r.retrieved if h["doc_id"] == DOC} for r in rows}


def test_askers_see_one_revision_and_only_the_new_one_after_the_switch(
    backend: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "docs"
    for part in ("brookfield/sop", "all/sop"):
        shutil.copytree(SAMPLE_DOCS / part, corpus / part)
    writer = build(backend)
    assert writer.ingestor().ingest(corpus).failures == []
    apps = [build(backend), build(backend)]
    for app in apps:  # warm up: retriever, keyword snapshot, answerer
        warm = ask(app, QUESTION, "brookfield", "operator", user="warm-up").answer
        assert {c.revision for c in warm.citations if c.doc_id == DOC} == {"3"}
    write_revision_4(corpus / "brookfield" / "sop")
    warm_parser(corpus / "all" / "sop" / "osha-29-cfr-1910-147.md")

    run = Run()
    threads = [threading.Thread(target=watch_switch, args=(writer, run))]
    threads += [
        threading.Thread(target=asker, args=(apps[n % len(apps)], n, run)) for n in range(ASKERS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # asks in flight before the re-index starts
    try:
        report = writer.ingestor().ingest(corpus)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            run.switch_seen is None
            or sum(a.started > run.switch_seen for a in run.asked) < 2 * ASKERS
        ):
            time.sleep(0.1)
    finally:
        run.stop.set()
        for thread in threads:
            thread.join(120)

    assert run.errors == []
    assert report.failures == [] and report.documents.updated == 1
    assert run.switch_seen is not None
    before = [a for a in run.asked if a.started < run.switch_seen]
    after = [a for a in run.asked if a.started > run.switch_seen]
    assert before and len(after) >= 2 * ASKERS
    retrieved = retrieved_revisions(apps[0], [a.interaction_id for a in run.asked])
    assert len(retrieved) == len(run.asked), "every ask is stored"
    for a in run.asked:
        assert len(a.cited) <= 1 and len(retrieved[a.interaction_id]) <= 1, "never two revisions"
    stale = [a for a in after if a.cited - {"4"} or retrieved[a.interaction_id] - {"4"}]
    assert stale == [], f"{len(stale)} asks started after the switch saw revision 3"
    assert sum(a.cited == {"4"} for a in after) >= len(after) // 2, "rev 4 answers the question"
    for app in [writer, *apps]:
        app.db.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    components = build(make_settings(tmp_path / "home"))
    with components.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    components.db.dispose()
