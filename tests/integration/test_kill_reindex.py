"""kill -9 during a re-index, at several moments, then rerun: always consistent.

The test polls the registry and kills the ingest process after N new versions have switched, so
each kill lands mid-run (between or inside writes), not before or after the work. It runs in both
modes (``backend``): embedded, and against PostgreSQL + the Chroma server, where the killed
process leaves a half-finished HTTP write and an open database session behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from core.db.engine import make_engine
from core.db.tables import DocumentRow
from core.models import DocumentStatus
from core.settings import Settings
from services.wiring import build
from tests.conftest import REPO, SAMPLE_DOCS
from tests.helpers import leftover_problems, served_problems
from tests.servers import settings_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def edit_every_text_document(corpus: Path, marker: str) -> int:
    """Append a line to every Markdown/text/HTML document; returns how many changed."""
    changed = 0
    for path in sorted(corpus.rglob("*")):
        if path.suffix in {".md", ".txt"} and path.name != "README.md":
            path.write_text(
                path.read_text(encoding="utf-8")
                + f"\n\nRevision note {marker}: the procedure was reviewed by the area owner and stays valid.\n",
                encoding="utf-8",
            )
            changed += 1
    return changed


def switched_since(engine: Engine, since: datetime) -> int:
    """Versions made current after ``since`` (0 while the database is busy)."""
    query = select(func.count()).where(
        DocumentRow.status == DocumentStatus.CURRENT.value, DocumentRow.indexed_at > since
    )
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    except SQLAlchemyError:
        return 0


def latest_switch(engine: Engine) -> datetime:
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(DocumentRow.indexed_at))).scalar_one()
    assert latest is not None
    return latest


def start_ingest(corpus: Path, settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "ingest", str(corpus), "--json"],
        cwd=REPO,
        env={**os.environ, **settings_env(settings)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_after_switches(
    proc: subprocess.Popen[bytes], engine: Engine, since: datetime, n: int
) -> bool:
    """Kill -9 once ``n`` new versions are current; False if the run ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if switched_since(engine, since) >= n:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    proc.wait()
    return False


def test_kill_during_reindex_leaves_one_served_version_and_rerun_repairs(
    tmp_path: Path, backend: Settings
) -> None:
    corpus = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS, corpus)
    settings = backend
    build(settings).ingestor().ingest(corpus)
    engine = make_engine(settings.resolved_database_url)

    kills = 0
    for round_no, after_n in enumerate([1, 4, 9, 17]):
        edit_every_text_document(corpus, f"r{round_no}")
        since = latest_switch(engine)
        proc = start_ingest(corpus, settings)
        kills += kill_after_switches(proc, engine, since, after_n)
        components = build(settings)
        assert served_problems(components) == [], f"after kill in round {round_no}"
        components.db.dispose()
    engine.dispose()
    assert kills >= 3, "most rounds must have been killed mid-run"

    components = build(settings)
    report = components.ingestor().ingest(corpus)
    assert report.failures == []
    assert served_problems(components) == []
    assert leftover_problems(components) == []
    with components.db.session() as session:
        current = [
            r for r in session.query(DocumentRow) if r.status == DocumentStatus.CURRENT.value
        ]
    edited = [r for r in current if r.source_path.endswith((".md", ".txt"))]
    assert edited and all(
        "Revision note r3:" in Path(r.source_path).read_text(encoding="utf-8") for r in edited
    )
    served_texts = {
        r.doc_id: " ".join(c.text for c in components.index.chunks_of_version(r.version_key))
        for r in edited
    }
    stale = [d for d, text in served_texts.items() if "Revision note r3" not in text]
    assert stale == [], "every edited document is served in its newest content"
