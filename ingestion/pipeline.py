"""Ingestion orchestration: repair, plan, parse and chunk, embed (only what is new), write, prune.

Work is done in windows of documents so that memory stays bounded and embedding runs in large
batches across documents (the model is the bottleneck; small per-document batches waste it).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import numpy as np

from core.db.engine import Database
from core.db.locks import exclusive_lock
from core.models import DocType, DocumentStatus
from core.policy import AccessPolicy
from core.ports import Embedder, VectorIndex
from core.registry import current_row, finish_run, list_rows, start_run, unlinked_doc_ids
from core.settings import ChunkingSettings
from ingestion.asset_register import (
    find_asset_files,
    ingest_registers,
    prune_registers,
    reread_registers,
)
from ingestion.discovery import discover
from ingestion.metadata import MetaOverrides
from ingestion.parse_worker import Prepared, prepare, worker_pool
from ingestion.plan import (
    PlannedDoc,
    Source,
    choose_current,
    decide,
    drop_conflicts,
    resolve_all,
    schedule,
)
from ingestion.prefetch import Prefetcher
from ingestion.progress import NullProgress, Progress
from ingestion.reembed import claim_or_check, reembed_if_needed
from ingestion.report import IngestReport
from ingestion.verify import verify_index
from ingestion.writer import NewVersion, prune_missing, repair, write_versions

WINDOW_CHUNKS = 256
PREFETCH_CHUNKS = 4096
"""At most this many parsed chunks wait for the model (a few 400-page manuals, ~13 MB)."""
_SERVED = [DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value]
P = ParamSpec("P")
R = TypeVar("R")


def _exclusive(
    method: Callable[Concatenate[Ingestor, P], R],
) -> Callable[Concatenate[Ingestor, P], R]:
    """Run an Ingestor method holding the ingestion lock (runs never overlap: core.db.locks)."""

    @functools.wraps(method)
    def run(self: Ingestor, *args: P.args, **kwargs: P.kwargs) -> R:
        with exclusive_lock(self._db, "ingestion", self._lock_wait_s):
            return method(self, *args, **kwargs)

    return run


def _rebuild(item: PlannedDoc, run_id: int | None) -> PlannedDoc:
    """A full rebuild of indexed content becomes a new version (new key, new chunk ids), so it
    switches in atomically like any other change."""
    if not item.unchanged:
        return item
    meta = item.meta.model_copy(update={"build": f"r{run_id}"})
    return item.model_copy(update={"meta": meta})


def _chunk_count(result: Prepared | str) -> int:
    """Weight of a parsed document in the prefetch buffer: its chunks (a failure weighs 0)."""
    return len(result.chunks) if isinstance(result, Prepared) else 0


def _rechoose(group: list[Prepared]) -> list[Prepared]:
    choose_current([p.item for p in group])
    return group


class Ingestor:
    """Runs ingest and reindex jobs against one registry and one vector index."""

    def __init__(
        self,
        db: Database,
        index: Callable[[], VectorIndex],
        embedder: Callable[[], Embedder],
        policy: AccessPolicy,
        chunking: ChunkingSettings,
        max_file_bytes: int,
        lock_wait_s: float = 3600.0,
    ) -> None:
        self._db = db
        self._lock_wait_s = lock_wait_s
        self._index = index
        self._embedder_factory = embedder
        self._policy = policy
        self._chunking = chunking
        self._max_bytes = max_file_bytes
        self._embedder_checked = False

    @_exclusive
    def ingest(
        self,
        path: Path,
        flags: MetaOverrides | None = None,
        prune: bool = False,
        full: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest a file or a folder; with ``prune``, drop versions whose file has gone."""
        files, ignored = discover(path)
        root = path if path.is_dir() else path.parent
        sources = [Source(path=f, root=root, flags=flags or MetaOverrides()) for f in files]
        report = self._run(
            sources, "ingest", str(path.resolve()), flags.site if flags else None, full, progress
        )
        report.ignored = ignored
        ingest_registers(self._db, find_asset_files(path), flags.site if flags else None, report)
        if prune:
            removed, deleted = prune_missing(
                self._db, self._index, path, {f.resolve() for f in files}
            )
            report.documents.removed += removed
            report.chunks.deleted += deleted
            prune_registers(self._db, path)
        return self._finish(report)

    @_exclusive
    def reindex(
        self, site: str | None = None, full: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Re-read every registered document (of one site) from its source file.

        Identity (doc_id, site, doc_type) stays as registered; the rest is re-resolved. A source
        file that has gone is reported as a failure and its indexed content is kept.
        """
        with self._db.session() as session:
            rows = list_rows(session, site=site, statuses=_SERVED)
            known = [(r.source_path, r.doc_id, r.site_id, r.doc_type) for r in rows]
        sources: list[Source] = []
        missing: list[str] = []
        for source_path, doc_id, site_id, doc_type in dict.fromkeys(known):
            path = Path(source_path)
            if not path.is_file():
                missing.append(source_path)
                continue
            flags = MetaOverrides(site=site_id, doc_type=DocType(doc_type), doc_id=doc_id)
            sources.append(Source(path=path, root=path.parent, flags=flags))
        check = verify_index(self._db, self._index(), site)  # the registry is the truth
        # another embedder built the index: re-embed it in place, then the rebuild may reuse
        reembedded = (
            reembed_if_needed(self._db, self._index(), self._embedder_factory(), site)
            if full
            else 0
        )
        report = self._run(
            sources, "reindex", "", site, full, progress, check.incomplete, reuse=reembedded > 0
        )
        report.chunks.embedded += reembedded
        report.repaired.documents_rebuilt = len(check.incomplete)
        report.repaired.orphan_versions_deleted = check.orphan_versions_deleted
        report.repaired.flags_fixed = check.flags_fixed
        for source_path in missing:
            report.fail(
                source_path, "source file missing (indexed content kept; use ingest --prune)"
            )
        reread_registers(self._db, site, report)
        return self._finish(report)

    def _run(
        self,
        sources: list[Source],
        kind: str,
        root: str,
        site: str | None,
        full: bool,
        progress: Progress | None,
        rebuild: frozenset[str] | set[str] = frozenset(),
        reuse: bool = False,
    ) -> IngestReport:
        started = time.perf_counter()
        self._embedder_checked = False
        progress = progress or NullProgress()
        report = IngestReport()
        report.repaired = repair(self._db, self._index)
        with self._db.session() as session:
            report.run_id = start_run(session, kind, root=root, site=site)
        planned = resolve_all(sources, self._policy, self._max_bytes, report)
        planned = decide(self._db, drop_conflicts(planned, report), report)
        with self._db.session() as session:  # indexed before the asset registry existed
            unlinked = unlinked_doc_ids(session, {p.meta.doc_id for p in planned})
        rebuild = {p.meta.doc_id for p in planned} if full else set(rebuild) | unlinked
        forced = [p for p in planned if p.meta.doc_id in rebuild]
        todo = schedule(
            [_rebuild(p, report.run_id) for p in forced]
            + [p for p in planned if p.meta.doc_id not in rebuild and not p.unchanged]
        )
        report.documents.unchanged += len(planned) - len(todo)
        progress.started(len(todo))
        self._process(todo, report, progress, reuse=reuse or not full)
        report.elapsed_s = round(time.perf_counter() - started, 3)
        return report

    def _finish(self, report: IngestReport) -> IngestReport:
        if report.run_id is not None:
            with self._db.session() as session:
                finish_run(
                    session,
                    report.run_id,
                    report.model_dump(include={"documents", "chunks"}),
                    [f.model_dump() for f in report.failures],
                )
        return report

    def _process(
        self, todo: list[PlannedDoc], report: IngestReport, progress: Progress, reuse: bool
    ) -> None:
        """Parse ahead in a worker process; embed and write complete doc_id groups as soon as the
        window is full, or at once when the parser has nothing ready (the model never idles)."""
        pool = worker_pool() if len(todo) > 1 else None
        try:
            self._consume(todo, pool, report, progress, reuse)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _consume(
        self,
        todo: list[PlannedDoc],
        pool: ProcessPoolExecutor | None,
        report: IngestReport,
        progress: Progress,
        reuse: bool,
    ) -> None:
        window: list[Prepared] = []
        group: list[Prepared] = []
        with Prefetcher(
            todo, self._prepare_in(pool), weigh=_chunk_count, budget=PREFETCH_CHUNKS
        ) as parsed:
            while not parsed.finished:
                got = parsed.poll(block=not window)
                if got is None:
                    self._flush(window, report, progress, reuse)
                    window = []
                    continue
                item, result = got
                if group and group[0].item.meta.doc_id != item.meta.doc_id:
                    window.extend(_rechoose(group))
                    group = []
                if isinstance(result, str):
                    self._record_failure(item, result, report)
                    progress.advanced(1, 0, item.path.name)
                else:
                    group.append(result)
                if sum(len(p.chunks) for p in window) >= WINDOW_CHUNKS:
                    self._flush(window, report, progress, reuse)
                    window = []
        self._flush([*window, *_rechoose(group)], report, progress, reuse)

    def _record_failure(self, item: PlannedDoc, reason: str, report: IngestReport) -> None:
        """Report a file that failed; its served version (if any) keeps serving, noted as stale."""
        report.fail(str(item.path), reason)
        with self._db.session() as session:
            row = current_row(session, item.meta.doc_id)
            if row is not None:
                row.last_error = reason

    def _prepare_in(
        self, pool: ProcessPoolExecutor | None
    ) -> Callable[[PlannedDoc], Prepared | str]:
        """The parse step, in the worker process when there is one."""

        def run(item: PlannedDoc) -> Prepared | str:
            if pool is None:
                return prepare(item, self._max_bytes, self._chunking)
            try:
                return pool.submit(prepare, item, self._max_bytes, self._chunking).result()
            except BrokenProcessPool as exc:
                return f"parser process died: {exc}"

        return run

    def _flush(
        self, window: list[Prepared], report: IngestReport, progress: Progress, reuse: bool
    ) -> None:
        if not window:
            return
        if not self._embedder_checked:  # before reusing or writing any vector
            claim_or_check(self._index(), self._embedder_factory())
            self._embedder_checked = True
        vectors = self._vectors(window, report, reuse)
        versions = [
            NewVersion(
                meta=p.item.meta,
                chunks=p.chunks,
                vectors=v,
                become_current=p.item.become_current,
                links=p.links,
            )
            for p, v in zip(window, vectors, strict=True)
        ]
        outcome = write_versions(self._db, self._index(), versions)
        report.chunks.deleted += outcome.deleted_chunks
        report.documents.superseded += outcome.superseded
        for prepared, replaced in zip(window, outcome.replaced_existing, strict=True):
            item = prepared.item
            if item.become_current and (replaced or not item.is_new_doc):
                report.documents.updated += 1
            elif item.become_current:
                report.documents.added += 1
            progress.advanced(1, len(prepared.chunks), item.path.name)

    def _vectors(
        self, window: list[Prepared], report: IngestReport, reuse: bool
    ) -> list[np.ndarray]:
        """Vectors per document: reused from the index by text hash, the rest embedded at once."""
        known: dict[str, np.ndarray] = {}
        if reuse:
            for doc_id in {p.item.meta.doc_id for p in window if not p.item.is_new_doc}:
                known.update(self._index().embeddings_by_text(doc_id))
        missing = sorted(
            {
                c.text_hash: c.text for p in window for c in p.chunks if c.text_hash not in known
            }.items()
        )
        if missing:
            embedded = self._embedder_factory().embed_documents([text for _, text in missing])
            known.update({h: embedded[i] for i, (h, _) in enumerate(missing)})
            report.chunks.embedded += len(missing)
        total = sum(len(p.chunks) for p in window)
        report.chunks.reused += total - len(missing)
        return [np.stack([known[c.text_hash] for c in p.chunks]) for p in window]
