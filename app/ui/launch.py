"""How the web UI is started: the ``streamlit run`` command line and its offline environment.

Used by ``plant-copilot serve`` and by the browser tests, so both run the app the same way.
Command-line flags repeat ``.streamlit/config.toml`` so the app stays offline and local even
when started from another directory (Streamlit only reads the config of the working directory).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from core.settings import OFFLINE_ENV

MAIN_SCRIPT = Path(__file__).with_name("main.py")
PROJECT_ROOT = MAIN_SCRIPT.parents[2]

# Every option that would make Streamlit reach the network, or listen beyond loopback.
STREAMLIT_FLAGS: dict[str, str] = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "global.developmentMode": "false",
    "client.toolbarMode": "minimal",
}


def streamlit_argv(port: int = 8501, address: str = "127.0.0.1") -> list[str]:
    """``python -m app.ui.serve run app/ui/main.py`` with the offline, loopback-only flags.

    ``app.ui.serve`` warms the components, then runs Streamlit's own command line in-process.

    A manually set ``server.address`` also stops Streamlit from looking up the machine's
    external IP (it asks checkip.amazonaws.com when headless and no address is set).
    """
    flags = {**STREAMLIT_FLAGS, "server.port": str(port), "server.address": address}
    argv = [sys.executable, "-m", "app.ui.serve", "run", str(MAIN_SCRIPT)]
    argv += [f"--{key}={value}" for key, value in flags.items()]
    return argv


def streamlit_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the app process: offline variables, and the project on the path."""
    env = dict(os.environ if base is None else base)
    for key, value in OFFLINE_ENV.items():
        env.setdefault(key, value)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), path) if p)
    return env
