"""Cold-start benchmark: a cold CLI ``ask`` and the first answer in a real browser.

Usage:  .venv/bin/python bench/first_answer_bench.py [--home DIR] [--runs 3] [--skip-browser] [--json]

1. Cold CLI ask: ``plant-copilot ask`` as a fresh process, ``--runs`` times; prints the wall time
   of each run and the time spent inside ask (its ``latency_ms.total``). Target <= 3 s wall.
2. First answer in the browser: starts ``plant-copilot serve`` (which warms the model and the
   index snapshot before listening), logs in as the demo operator in Debian Chromium (playwright,
   no download) and asks one question; prints the time from pressing Enter until the answer's
   Sources panel is drawn, plus the server's start-to-healthy time. Target <= 3 s.

Both use the configured embedder (``PLANT_COPILOT_EMBEDDING__BACKEND``) on an index of
``sample_docs`` built in ``--home`` (built once when the home is empty).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "What PPE do I need to clear a jam on the filler?"
CLI = [sys.executable, "-m", "app.cli.main"]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a fresh process (what an admin or a script does)."""
    return subprocess.run([*CLI, *args], env=env, cwd=REPO, capture_output=True, text=True)


def prepare(home: Path) -> dict[str, str]:
    """The environment for ``home``; indexes sample_docs and adds the demo users if needed."""
    env = {**os.environ, "PLANT_COPILOT_HOME": str(home), "PYTHONPATH": str(REPO)}
    if not (home / "plant_copilot.db").exists():
        for args in (("ingest", "sample_docs"), ("users", "demo")):
            done = cli(env, *args)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return env


def cold_asks(env: dict[str, str], runs: int) -> dict[str, object]:
    """Wall time of ``runs`` fresh ``ask`` processes and the time each spent inside ask."""
    walls, inside = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = cli(env, "ask", QUESTION, "--site", "brookfield", "--role", "operator", "--json")
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"ask failed: {done.stderr.strip()}")
        inside.append(json.loads(done.stdout)["latency_ms"]["total"] / 1000.0)
    return {
        "wall_s": [round(w, 2) for w in walls],
        "wall_median_s": round(statistics.median(walls), 2),
        "inside_ask_s": [round(s, 3) for s in inside],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], limit_s: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if process.poll() is not None:
            raise SystemExit("the server exited before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become healthy")


def _browser_first_answer(url: str) -> float:
    """Log in as the demo operator, ask once; seconds from Enter to the Sources panel."""
    from playwright.sync_api import expect, sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_label("Username").fill("olivia")
        page.get_by_label("Password", exact=True).fill("operator-demo-1")
        page.get_by_role("button", name="Log in").click()
        box = page.get_by_placeholder("Ask a question about your site's documents")
        box.fill(QUESTION)
        started = time.perf_counter()
        box.press("Enter")
        message = page.locator('[data-testid="stChatMessage"]').last
        expect(message.get_by_text(re.compile(r"Sources \(\d+\)"))).to_be_visible(timeout=120_000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def first_answer(env: dict[str, str]) -> dict[str, float]:
    """Serve the app as ``plant-copilot serve`` does and time the first browser answer."""
    port = _free_port()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        healthy = _wait_healthy(f"http://127.0.0.1:{port}", process)
        answer = _browser_first_answer(f"http://127.0.0.1:{port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return {"start_to_healthy_s": round(healthy, 2), "first_answer_s": round(answer, 2)}


def main() -> None:
    """Parse flags, run both measurements, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="data dir (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    home = opts.home or Path(tempfile.mkdtemp(prefix="first-answer-"))
    env = prepare(home)
    figures: dict[str, object] = {
        "embedder": os.environ.get("PLANT_COPILOT_EMBEDDING__BACKEND", "default"),
        "cold_cli_ask": cold_asks(env, opts.runs),
    }
    if not opts.skip_browser:
        figures["browser"] = first_answer(env)
    if opts.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
