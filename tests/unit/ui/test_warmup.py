"""Start-up warm-up: ``serve`` builds and warms the components before Streamlit listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.ui import session
from services.warmup import warm
from services.wiring import Components, build
from tests.helpers import make_settings

pytestmark = pytest.mark.unit


def test_warm_loads_retriever_and_answerer_and_searches(ui_components: Components) -> None:
    assert ui_components._retriever is None and ui_components._answerer is None
    report = warm(ui_components)
    assert report.searched
    assert ui_components._retriever is not None and ui_components._answerer is not None
    assert report.retriever_ms >= 0 and report.search_ms >= 0


def test_warm_on_an_empty_home_only_loads(tmp_path: Path) -> None:
    components = build(make_settings(tmp_path / "home"))
    report = warm(components)
    assert not report.searched and components._retriever is not None
    components.db.dispose()


def test_serve_entry_warms_before_streamlit_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import serve

    seen: dict[str, Any] = {}

    def fake_streamlit_main() -> None:
        seen["components"] = session._override
        seen["argv"] = list(serve.sys.argv)

    monkeypatch.setenv("PLANT_COPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    monkeypatch.setattr("streamlit.web.cli.main", fake_streamlit_main)
    monkeypatch.setattr(serve.sys, "argv", ["serve", "run", "main.py", "--server.port=1"])
    try:
        serve.main()
        components = seen["components"]
        assert isinstance(components, Components) and components._retriever is not None
        assert seen["argv"] == ["streamlit", "run", "main.py", "--server.port=1"]
    finally:
        session.use_components(None)
