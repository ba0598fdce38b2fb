"""Throwaway PostgreSQL and Chroma servers on loopback, for the test suite and the benchmarks.

No pytest in here: ``tests/servers.py`` wraps these in fixtures and ``bench/load_bench.py`` uses
them directly. PostgreSQL refuses to run as root, so when we are root every server binary runs
as the ``postgres`` user through ``runuser`` in a temp directory that user owns (the recipe in
the shared offline-stack notes); as any other user the binaries run directly. Both servers bind
to 127.0.0.1 on a free port only, and both keep their data across ``stop()``/``start()`` so
tests can take a backend away and bring it back. A small watchdog process per server stops it
and deletes its files if the process that started it dies without cleaning up (a test run
killed by a timeout), so no server outlives its owner.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PG_GLOB = "/usr/lib/postgresql/*/bin"


class ServerError(RuntimeError):
    """A throwaway server could not be started."""


_WATCHDOG = """
import json, os, shutil, signal, subprocess, sys, time
owner, spec = int(sys.argv[1]), json.loads(sys.argv[2])
while os.getppid() == owner:
    time.sleep(0.5)
for command in spec["commands"]:
    subprocess.run(command, capture_output=True, timeout=60, check=False)
for group in spec["killpg"]:
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
for path in spec["remove"]:
    shutil.rmtree(path, ignore_errors=True)
"""


class Watchdog:
    """Runs cleanup commands once the current process has died; ``cancel`` after a clean stop."""

    def __init__(
        self,
        commands: list[list[str]] | None = None,
        killpg: list[int] | None = None,
        remove: list[str] | None = None,
    ) -> None:
        spec = {"commands": commands or [], "killpg": killpg or [], "remove": remove or []}
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), json.dumps(spec)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def cancel(self) -> None:
        """The owner cleaned up itself: the watchdog must not act (a pid may be reused)."""
        self._proc.kill()
        self._proc.wait()


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_bindir() -> Path | None:
    """The newest PostgreSQL server bin directory (``$PG_BINDIR`` overrides), or None."""
    override = os.environ.get("PG_BINDIR")
    if override:
        return Path(override) if (Path(override) / "initdb").exists() else None
    found = sorted(Path("/").glob(PG_GLOB.lstrip("/")), key=lambda p: _version(p.parent.name))
    found = [p for p in found if (p / "initdb").exists()]
    return found[-1] if found else None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def chroma_binary() -> Path:
    """The ``chroma`` CLI of the running interpreter's environment."""
    beside = Path(sys.executable).with_name("chroma")
    if beside.exists():
        return beside
    found = shutil.which("chroma")
    if found is None:
        raise ServerError("the chroma CLI is not installed (pip install chromadb)")
    return Path(found)


class PostgresServer:
    """initdb + pg_ctl in a private temp directory; ``fsync=off`` (throwaway data)."""

    def __init__(self, port: int | None = None) -> None:
        bindir = pg_bindir()
        if bindir is None:
            raise ServerError(
                f"PostgreSQL server binaries not found ({PG_GLOB}/initdb): run `make server-deps`"
                " (apt-get install -y postgresql) or deselect with -m 'not server'"
            )
        self.bindir = bindir
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="plant-pg-"))
        self.data = self.root / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres")
        stop = [
            *self._prefix(),
            str(bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "stop",
        ]
        self._watchdog = Watchdog(commands=[stop], remove=[str(self.root)])

    def _prefix(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if self._as_postgres else []

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self._prefix(), str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise ServerError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> PostgresServer:
        """initdb on first start, then start the server and wait until it accepts connections."""
        if not self.data.exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--no-sync",
            )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
            " -c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o", options,
            "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: like a crash; data stays for a later start)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def cleanup(self) -> None:
        """Stop and delete everything."""
        with contextlib.suppress(ServerError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self._watchdog.cancel()

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for ``database`` (psycopg 3 driver)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str) -> str:
        """Create an empty database (like ``createdb``); returns its URL."""
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever is still connected to it."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ChromaServer:
    """``chroma run --path DIR --host 127.0.0.1 --port P`` in its own process group."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.log = path.parent / f"{path.name}-chroma.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._watchdog: Watchdog | None = None

    def start(self, timeout: float = 60.0) -> ChromaServer:
        """Start the server and wait for its heartbeat."""
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        self.path.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(
                [str(chroma_binary()), "run", "--path", str(self.path), "--host", self.host,
                 "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True,
            )  # fmt: skip
        self._watchdog = Watchdog(killpg=[self._proc.pid])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.heartbeat():
                return self
            if self._proc.poll() is not None:
                raise ServerError(f"chroma exited with {self._proc.returncode}; see {self.log}")
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"chroma did not answer its heartbeat in {timeout:.0f} s; see {self.log}")

    def heartbeat(self) -> bool:
        """True when the server answers ``/api/v2/heartbeat``."""
        url = f"http://{self.host}:{self.port}/api/v2/heartbeat"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections are accepted but never answered."""
        if self._proc is not None:
            os.killpg(self._proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Undo :meth:`pause`."""
        if self._proc is not None:
            os.killpg(self._proc.pid, signal.SIGCONT)

    @property
    def running(self) -> bool:
        """The server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGKILL with ``kill``, else SIGTERM and SIGKILL after 3 s (a graceful
        shutdown waits for clients' keep-alive connections to close)."""
        proc, self._proc = self._proc, None
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.cancel()
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            os.killpg(proc.pid, signal.SIGCONT)  # a paused server must see its SIGTERM
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        _wait_port_free(self.host, self.port)


def _wait_port_free(host: str, port: int, timeout: float = 10.0) -> None:
    """Wait until nothing listens on the port any more (so a restart can bind it again)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex((host, port)) != 0:
                return
        time.sleep(0.05)
