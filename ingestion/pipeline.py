"""Ingestion orchestration: repair, plan, parse and chunk, embed (only what is new), write, prune.

Work is done in windows of documents so that memory stays bounded and embedding runs in large
batches across documents (the model is the bottleneck; small per-document batches waste it).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from core.db.engine import Database
from core.errors import DocumentError
from core.models import Chunk, DocType, DocumentStatus
from core.policy import AccessPolicy
from core.ports import Embedder, VectorIndex
from core.registry import finish_run, list_rows, start_run
from core.settings import ChunkingSettings
from ingestion.chunking import chunk_document
from ingestion.discovery import discover
from ingestion.metadata import MetaOverrides, default_title
from ingestion.parsing import parse_file
from ingestion.plan import (
    PlannedDoc,
    Source,
    choose_current,
    decide,
    drop_conflicts,
    resolve_all,
)
from ingestion.progress import NullProgress, Progress
from ingestion.report import IngestReport
from ingestion.writer import remove_versions, repair, write_version

WINDOW_CHUNKS = 256
_SERVED = [DocumentStatus.CURRENT.value, DocumentStatus.SUPERSEDED.value]


class Prepared(BaseModel):
    """A planned document with its chunks, ready to embed and write."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    item: PlannedDoc
    chunks: list[Chunk]


def prefetch(
    items: list[PlannedDoc], work: Callable[[PlannedDoc], Prepared | str], ahead: int = 4
) -> Iterator[tuple[PlannedDoc, Prepared | str]]:
    """Run ``work`` on items in one background thread, up to ``ahead`` items in advance, and
    yield results in order. Parsing is Python-bound while embedding releases the GIL in torch,
    so the two overlap."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
        pending: deque[tuple[PlannedDoc, Future[Prepared | str]]] = deque()
        for item in items:
            pending.append((item, pool.submit(work, item)))
            if len(pending) > ahead:
                done_item, future = pending.popleft()
                yield done_item, future.result()
        while pending:
            done_item, future = pending.popleft()
            yield done_item, future.result()


def _rechoose(group: list[Prepared]) -> list[Prepared]:
    choose_current([p.item for p in group])
    return group


class Ingestor:
    """Runs ingest and reindex jobs against one registry and one vector index."""

    def __init__(
        self,
        db: Database,
        index: VectorIndex,
        embedder: Callable[[], Embedder],
        policy: AccessPolicy,
        chunking: ChunkingSettings,
        max_file_bytes: int,
    ) -> None:
        self._db = db
        self._index = index
        self._embedder_factory = embedder
        self._policy = policy
        self._chunking = chunking
        self._max_bytes = max_file_bytes

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
        if prune:
            self._prune(path, {f.resolve() for f in files}, report)
        return self._finish(report)

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
        report = self._run(sources, "reindex", "", site, full, progress)
        for source_path in missing:
            report.fail(
                source_path, "source file missing (indexed content kept; use ingest --prune)"
            )
        return self._finish(report)

    def _run(
        self,
        sources: list[Source],
        kind: str,
        root: str,
        site: str | None,
        full: bool,
        progress: Progress | None,
    ) -> IngestReport:
        started = time.perf_counter()
        progress = progress or NullProgress()
        report = IngestReport()
        report.repaired = repair(self._db, self._index)
        with self._db.session() as session:
            report.run_id = start_run(session, kind, root=root, site=site)
        planned = resolve_all(sources, self._policy, self._max_bytes, report)
        planned = decide(self._db, drop_conflicts(planned, report), report)
        todo = [p for p in planned if full or not p.unchanged]
        report.documents.unchanged += len(planned) - len(todo)
        progress.started(len(todo))
        self._process(todo, report, progress, reuse=not full)
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
        """Parse ahead in a worker thread while the main thread embeds and writes."""
        window: list[Prepared] = []
        for group in self._prepared_groups(todo, report, progress):
            window.extend(group)
            if sum(len(p.chunks) for p in window) >= WINDOW_CHUNKS:
                self._flush(window, report, progress, reuse)
                window = []
        self._flush(window, report, progress, reuse)

    def _prepared_groups(
        self, todo: list[PlannedDoc], report: IngestReport, progress: Progress
    ) -> Iterator[list[Prepared]]:
        """Yield each doc_id's successfully parsed revisions, with the served one re-chosen
        among them (a corrupt newest revision must not leave the document unserved)."""
        group: list[Prepared] = []
        for item, result in prefetch(todo, self._prepare):
            if group and group[0].item.meta.doc_id != item.meta.doc_id:
                yield _rechoose(group)
                group = []
            if isinstance(result, str):
                report.fail(str(item.path), result)
                progress.advanced(1, 0, item.path.name)
                continue
            group.append(result)
        if group:
            yield _rechoose(group)

    def _prepare(self, item: PlannedDoc) -> Prepared | str:
        """Parse and chunk one file; a failure is returned as its one-line reason."""
        try:
            parsed = parse_file(item.path, self._max_bytes)
            meta = item.meta
            if parsed.title_hint and meta.title == default_title(item.path):
                meta = meta.model_copy(update={"title": parsed.title_hint})
                item = item.model_copy(update={"meta": meta})
            chunks = chunk_document(parsed.blocks, meta, self._chunking)
            if not chunks:
                return "no text to index"
        except DocumentError as exc:
            return str(exc)
        except Exception as exc:  # a parser bug must not stop the other documents
            return f"unexpected {type(exc).__name__}: {exc}"
        return Prepared(item=item, chunks=chunks)

    def _flush(
        self, window: list[Prepared], report: IngestReport, progress: Progress, reuse: bool
    ) -> None:
        if not window:
            return
        vectors = self._vectors(window, report, reuse)
        for prepared, doc_vectors in zip(window, vectors, strict=True):
            item = prepared.item
            outcome = write_version(
                self._db, self._index, item.meta, prepared.chunks, doc_vectors, item.become_current
            )
            report.chunks.deleted += outcome.deleted_chunks
            report.documents.superseded += outcome.superseded
            if item.become_current and (outcome.replaced_existing or not item.is_new_doc):
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
                known.update(self._index.embeddings_by_text(doc_id))
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

    def _prune(self, path: Path, present: set[Path], report: IngestReport) -> None:
        """Remove registered versions whose file under ``path`` no longer exists."""
        root = str(path.resolve())
        with self._db.session() as session:
            rows = list_rows(session, statuses=_SERVED)
            gone = [
                r.id
                for r in rows
                if (r.source_path == root or r.source_path.startswith(root.rstrip("/") + "/"))
                and (Path(r.source_path) not in present or not Path(r.source_path).exists())
            ]
        report.documents.removed += len(gone)
        report.chunks.deleted += remove_versions(self._db, self._index, gone)
