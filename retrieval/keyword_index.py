"""Keeps the keyword index in step with the vector index, using the SQL index generation.

The keyword index is derived data: it is built from every chunk of the vector index
(``VectorIndex.all_chunks``) and labelled with the registry's index generation, which the
ingestion writer bumps after every switch, removal and cleanup. Each search reads the generation
(one tiny SQL query); when it moved, the snapshot of the new generation is loaded from
``<store>/<generation>`` or, failing that, rebuilt and saved there, so a restart does not rebuild.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from core.db.engine import Database
from core.models import AccessScope
from core.ports import KeywordHit, ScoredChunk, VectorIndex
from core.registry import index_generation

log = logging.getLogger(__name__)


class KeywordSnapshot(Protocol):
    """An immutable keyword index of one generation."""

    generation: int

    @property
    def size(self) -> int:
        """Number of chunks indexed."""
        ...

    def search(self, question: str, scope: AccessScope, k: int) -> list[KeywordHit]:
        """Scoped search (see :class:`core.ports.KeywordIndex`)."""
        ...

    def save(self, directory: Path) -> None:
        """Persist into a new directory."""
        ...


SnapshotBuilder = Callable[[Iterable[ScoredChunk], int], KeywordSnapshot]
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
    ) -> None:
        self._source = source
        self._db = db
        self._build = build
        self._load = load
        self._store = store_dir
        self._snapshot: KeywordSnapshot | None = None
        self._lock = threading.Lock()
        self.rebuilds = 0

    def search(self, question: str, scope: AccessScope, k: int) -> list[KeywordHit]:
        """Scoped keyword search on the snapshot of the current generation."""
        return self.snapshot().search(question, scope, k)

    def snapshot(self) -> KeywordSnapshot:
        """The snapshot of the current generation, loading or building it when needed."""
        with self._db.session() as session:
            generation = index_generation(session)
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._load_or_build(generation)
            return self._snapshot

    def _load_or_build(self, generation: int) -> KeywordSnapshot:
        if self._store is not None:
            stored = self._load(self._store / str(generation))
            if stored is not None and stored.size == self._source.count():
                return stored
        started = time.perf_counter()
        snapshot = self._build(self._source.all_chunks(), generation)
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
