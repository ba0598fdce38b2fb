"""Shared set-up of the UI tests: a small real corpus and components around it.

The corpus (a few brookfield and calder SOPs and an incident, two revisions of one SOP) is
ingested once per session with the hashing embedder into an in-memory index; each test gets a
copy of the SQLite registry and the shared, read-only index, and the real hybrid retriever.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.settings import AuthSettings, Settings, UISettings
from retrieval.memory_index import InMemoryVectorIndex
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import make_settings

CORPUS_FILES = (
    "brookfield/sop/brk-sop-001-lockout-tagout.md",
    "brookfield/sop/brk-sop-012-filler-jam-rev2.md",
    "brookfield/sop/brk-sop-012-filler-jam-rev3.md",
    "brookfield/sop/brk-sop-002-ppe-requirements.txt",
    "brookfield/sop/brk-sop-002-ppe-requirements.txt.meta.yaml",
    "brookfield/incident/brk-inc-2025-014-filler-2-hand-laceration.md",
    "calder/sop/cal-sop-001-lockout-tagout.md",
    "calder/assets.yaml",
    "calder/incident/cal-inc-2025-009-imm-4-hydraulic-hose-burst.md",
    "calder/work_order/cal-cmms-export-2025.xlsx",
    "calder/work_order/cal-cmms-export-2025.xlsx.meta.yaml",
    "dunmore/sop/dun-sop-001-lockout-tagout.md",
    "all/sop/all-sop-001-incident-deviation-reporting.md",
)
LOCKOUT_Q = "What are the lockout steps for FILLER-2?"
OFF_TOPIC_Q = "What is the canteen menu on Friday?"
DEMO_PASSWORDS = {
    "olivia": "operator-demo-1",
    "theo": "technician-demo-1",
    "quinn": "quality-demo-1",
    "ada": "admin-demo-1",
}


def copy_corpus(dest: Path) -> Path:
    """Copy the corpus files from sample_docs into ``dest``; return ``dest``."""
    for rel in CORPUS_FILES:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_DOCS / rel, target)
    return dest


@dataclass
class Corpus:
    """An ingested corpus: its files, a template home holding the registry, the index."""

    docs: Path
    home: Path
    index: InMemoryVectorIndex


def ingest_corpus(root: Path) -> Corpus:
    """Ingest the corpus once (hashing embedder, in-memory index)."""
    docs = copy_corpus(root / "docs")
    index = InMemoryVectorIndex()
    components = build(make_settings(root / "home"), index=index)
    report = components.ingestor().ingest(docs)
    assert report.failures == [], report.failures
    components.db.dispose()
    return Corpus(docs=docs, home=root / "home", index=index)


def ui_settings(home: Path) -> Settings:
    """Fast settings for UI tests: cheap bcrypt, 3 attempts before a lock-out, no pacing."""
    settings = make_settings(home)
    settings.auth = AuthSettings(bcrypt_rounds=4, max_failed_attempts=3, lockout_minutes=15)
    settings.ui = UISettings(stream_delay_s=0.0)
    return settings


def components_for(corpus: Corpus, tmp_path: Path) -> Iterator[Components]:
    """Components over a private copy of the registry and the shared index, demo users added."""
    from services.demo_users import ensure_demo_users

    home = tmp_path / "home"
    shutil.copytree(corpus.home, home)
    components = build(ui_settings(home), index=corpus.index)
    ensure_demo_users(components.db, components.settings.auth)
    yield components
    components.db.dispose()
