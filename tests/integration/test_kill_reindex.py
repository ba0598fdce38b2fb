"""kill -9 during a re-index, at several moments, then rerun: always consistent.

The test polls the registry and kills the ingest process after N new versions have switched, so
each kill lands mid-run (between or inside writes), not before or after the work.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.db.tables import DocumentRow
from core.models import DocumentStatus
from services.wiring import build
from tests.conftest import REPO, SAMPLE_DOCS
from tests.helpers import leftover_problems, make_settings, served_problems

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


def switched_since(db_file: Path, since: str) -> int:
    try:
        with sqlite3.connect(db_file, timeout=1) as conn:
            row = conn.execute(
                "SELECT count(*) FROM documents WHERE status='current' AND indexed_at > ?", (since,)
            ).fetchone()
            return int(row[0])
    except sqlite3.Error:
        return 0


def start_ingest(corpus: Path, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PLANT_COPILOT_HOME": str(home),
        "PLANT_COPILOT_EMBEDDING__BACKEND": "hashing",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "ingest", str(corpus), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_after_switches(proc: subprocess.Popen[bytes], db_file: Path, since: str, n: int) -> bool:
    """Kill -9 once ``n`` new versions are current; False if the run ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if switched_since(db_file, since) >= n:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    proc.wait()
    return False


def test_kill_during_reindex_leaves_one_served_version_and_rerun_repairs(tmp_path: Path) -> None:
    corpus, home = tmp_path / "docs", tmp_path / "home"
    shutil.copytree(SAMPLE_DOCS, corpus)
    settings = make_settings(home)
    build(settings).ingestor().ingest(corpus)
    db_file = home / "plant_copilot.db"

    kills = 0
    for round_no, after_n in enumerate([1, 4, 9, 17]):
        edit_every_text_document(corpus, f"r{round_no}")
        since = _now_iso(db_file)
        proc = start_ingest(corpus, home)
        kills += kill_after_switches(proc, db_file, since, after_n)
        components = build(settings)
        assert served_problems(components) == [], f"after kill in round {round_no}"
        components.db.dispose()
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


def _now_iso(db_file: Path) -> str:
    with sqlite3.connect(db_file) as conn:
        latest = conn.execute("SELECT max(indexed_at) FROM documents").fetchone()[0]
    return str(latest)
