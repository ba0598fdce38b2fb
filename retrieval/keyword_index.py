"""Keeps the keyword index in step with the vector index, using the SQL index generation.

The keyword index is derived data: it is built from every chunk of the vector index
(``VectorIndex.all_chunks``) and labelled with the registry's index generation, which the
ingestion writer bumps after every switch, removal and cleanup. Each search reads the generation
(one tiny SQL query); when it moved, the snapshot of the new generation is loaded from
``<store>/<generation>`` or, failing that, rebuilt and saved there, so a restart does not rebuild.

With ``background=True`` (the app's default) a process that already has a snapshot keeps
serving it while the new one is built in a thread: during a long ingest, searches neither wait
for nor repeat rebuilds. A stale snapshot cannot leak: the retriever re-checks every keyword hit
against the scope with live flags and against the versions SQL serves; it can only miss chunks
added since, which dense search still finds.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from core.db.engine import Database
from core.models import AccessScope
from core.ports import RankedId, VectorIndex
from core.registry import index_generation

log = logging.getLogger(__name__)


class KeywordSnapshot(Protocol):
    """An immutable keyword index of one generation."""

    generation: int

    @property
    def size(self) -> int:
        """Number of chunks indexed."""
        ...

    def search(self, question: str, scope: AccessScope, k: int) -> list[RankedId]:
        """Scoped search (see :class:`core.ports.KeywordIndex`)."""
        ...

    def save(self, directory: Path) -> None:
        """Persist into a new directory."""
        ...

    def locate(self, version_key: str, ordinals: Sequence[int]) -> list[str] | None:
        """Chunk ids by (version, ordinal) (see :class:`core.ports.ChunkLocator`)."""
        ...

    def dense_search(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[RankedId] | None:
        """Exact scoped dense search, or None when the snapshot holds no vectors."""
        ...


SnapshotBuilder = Callable[[VectorIndex, int], KeywordSnapshot]
SnapshotLoader = Callable[[Path], KeywordSnapshot | None]


class SyncedKeywordIndex:
    """A :class:`core.ports.KeywordIndex` that rebuilds itself when the index generation moves."""

    def __init__(
        self,
        source: VectorIndex,
        db: Database,
        build: SnapshotBuilder,
        load: SnapshotLoader,
        store_dir: Path | None = None,
        background: bool = False,
    ) -> None:
        self._source = source
        self._background = background
        self._worker: threading.Thread | None = None
        self._db = db
        self._build = build
        self._load = load
        self._store = store_dir
        self._snapshot: KeywordSnapshot | None = None
        self._lock = threading.Lock()
        self.rebuilds = 0

    def search(self, question: str, scope: AccessScope, k: int) -> list[RankedId]:
        """Scoped keyword search on the snapshot of the current generation."""
        return self.snapshot().search(question, scope, k)

    def locate(self, version_key: str, ordinals: Sequence[int]) -> list[str] | None:
        """Neighbour ids from the snapshot in memory (possibly stale: callers verify by get)."""
        snapshot = self._snapshot
        return snapshot.locate(version_key, ordinals) if snapshot is not None else None

    def dense_search(self, vector: np.ndarray, scope: AccessScope, k: int) -> list[RankedId] | None:
        """Exact scoped dense hits from the snapshot, only when it is of the current generation.

        None (use the vector index) when the snapshot is stale (a background rebuild is under
        way) or has no vectors: the vector index is always fresh, the snapshot only while nothing
        changed since its build.
        """
        generation = self._generation()
        snapshot = self.snapshot()  # builds or refreshes it exactly as keyword search would
        if snapshot.generation != generation:
            return None
        return snapshot.dense_search(vector, scope, k)

    def _generation(self) -> int:
        with self._db.session() as session:
            return index_generation(session)

    def snapshot(self) -> KeywordSnapshot:
        """The snapshot of the current generation, loading or building it when needed."""
        generation = self._generation()
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        if current is not None and self._background:
            self._refresh_in_background(generation)
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._load_or_build(generation)
            return self._snapshot

    def _refresh_in_background(self, generation: int) -> None:
        """Start one builder thread for ``generation`` unless one is already running."""
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                return
            self._worker = threading.Thread(
                target=self._refresh, args=(generation,), name="bm25-refresh", daemon=True
            )
            self._worker.start()

    def _refresh(self, generation: int) -> None:
        try:
            snapshot = self._load_or_build(generation)
        except Exception:  # keep serving the old snapshot; the next search retries
            log.exception("keyword index refresh failed for generation %d", generation)
            return
        with self._lock:
            if self._snapshot is None or self._snapshot.generation < snapshot.generation:
                self._snapshot = snapshot

    def wait_for_refresh(self, timeout: float = 60.0) -> None:
        """Block until a background rebuild (if any) has finished (tests, benchmarks)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _load_or_build(self, generation: int) -> KeywordSnapshot:
        if self._store is not None:
            stored = self._load(self._store / str(generation))
            if stored is not None and stored.size == self._source.count():
                return stored
        started = time.perf_counter()
        snapshot = self._build(self._source, generation)
        self.rebuilds += 1
        log.info(
            "keyword index rebuilt: generation %d, %d chunks in %.1f s",
            generation,
            snapshot.size,
            time.perf_counter() - started,
        )
        if self._store is not None:
            self._persist(snapshot, generation)
        return snapshot

    def _persist(self, snapshot: KeywordSnapshot, generation: int) -> None:
        """Save atomically (temp dir + rename) and drop older generations."""
        assert self._store is not None
        self._store.mkdir(parents=True, exist_ok=True)
        target = self._store / str(generation)
        staging = Path(tempfile.mkdtemp(prefix=f".{generation}-", dir=self._store))
        try:
            snapshot.save(staging / "data")
            if target.exists():
                shutil.rmtree(target, ignore_errors=True)
            os.replace(staging / "data", target)
        except OSError as exc:  # a read-only home still serves from memory
            log.warning("could not persist keyword index to %s: %s", target, exc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for old in self._store.iterdir():
            if old.name.isdigit() and int(old.name) < generation:
                shutil.rmtree(old, ignore_errors=True)
