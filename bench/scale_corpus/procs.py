"""Run a CLI command as a fresh process and measure it: wall time and peak RSS of its tree.

Peak RSS is the kernel's high-water mark (``VmHWM`` in ``/proc/<pid>/status``) of the command
and of every descendant (the ingest's spawned parse worker), sampled every 0.2 s while they
live, so a child that exits before the parent is still counted. Linux only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

REPO = Path(__file__).resolve().parents[2]


class Measured(BaseModel):
    """One finished command: exit code, wall time, stdout, peak RSS per process role."""

    returncode: int
    wall_s: float
    stdout: str
    peak_rss_mb: dict[str, float] = Field(default_factory=dict)

    def parsed(self) -> Any:
        """The command's stdout parsed as JSON."""
        return json.loads(self.stdout)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(tree.get(current, []))
    return out


def _hwm_mb(pid: int) -> tuple[str, float] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            role = "worker" if "multiprocessing" in cmdline else "main"
            return role, int(line.split()[1]) / 1024
    return None


def cli(*args: str) -> list[str]:
    """The argv of ``plant-copilot *args`` run by this interpreter."""
    return [sys.executable, "-m", "app.cli.main", *args]


def run_measured(argv: list[str], env: dict[str, str], log: Path | None = None) -> Measured:
    """Run ``argv`` from the repo root as a fresh process, sampling its tree's peak RSS."""
    err = log.open("a", encoding="utf-8") if log else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
    )
    peaks: dict[int, tuple[str, float]] = {}
    out_chunks: list[str] = []
    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        for pid in _descendants(proc.pid):
            sample = _hwm_mb(pid)
            if sample:
                peaks[pid] = (sample[0], max(sample[1], peaks.get(pid, ("", 0.0))[1]))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    reader.join()
    if log:
        err.close()  # type: ignore[union-attr]
    by_role: dict[str, float] = {}
    for role, mb in peaks.values():
        by_role[role] = round(max(mb, by_role.get(role, 0.0)), 1)
    return Measured(
        returncode=proc.returncode,
        wall_s=round(wall, 2),
        stdout="".join(out_chunks),
        peak_rss_mb=by_role,
    )
