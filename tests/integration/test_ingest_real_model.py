"""Acceptance on the real model: sample_docs indexes cleanly, and a second run embeds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.models import AccessScope, Role
from core.settings import Settings
from services.wiring import build
from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_second_cli_run_embeds_nothing_and_serves_real_vectors(real_corpus_home: Path) -> None:
    env = {**os.environ, "PLANT_COPILOT_HOME": str(real_corpus_home / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "ingest", str(real_corpus_home / "docs"), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(out.stdout)
    assert report["failures"] == []
    assert report["chunks"]["embedded"] == 0
    assert report["documents"]["unchanged"] >= 40

    components = build(Settings(_env_file=None, home=real_corpus_home / "home"))  # type: ignore[call-arg]
    assert components.embedder().model_id == "all-MiniLM-L6-v2-onnx-int8"  # the default
    scope = AccessScope(role=Role.OPERATOR, sites=frozenset({"brookfield"}))
    hits = components.index.query(
        components.embedder().embed_query("how do I clear a bottle jam on the filler"), scope, 5
    )
    assert hits and hits[0].chunk.doc_id == "BRK-SOP-012" and hits[0].chunk.revision == "3"
