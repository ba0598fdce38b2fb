"""Parse and chunk documents in a separate process.

Why a process and not a thread: parsing is pure Python, and a thread holding the GIL makes the
embedding model (which hands the GIL back and forth between hundreds of small torch operations)
wait at every switch. Measured on 2 cores: with a parse thread, encoding ran at ~0.55x its own
speed; with a parse process the two only share CPU time.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

from pydantic import BaseModel, ConfigDict

from core.assets import AssetLink
from core.errors import DocumentError
from core.models import Chunk
from core.settings import ChunkingSettings, apply_offline_env
from ingestion.asset_links import build_links
from ingestion.chunking import chunk_document
from ingestion.metadata import default_title
from ingestion.parsing import parse_file
from ingestion.plan import PlannedDoc

_PR_SET_PDEATHSIG = 1


class Prepared(BaseModel):
    """A planned document with its chunks, ready to embed and write."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    item: PlannedDoc
    chunks: list[Chunk]
    links: list[AssetLink] = []


def prepare(item: PlannedDoc, max_bytes: int, chunking: ChunkingSettings) -> Prepared | str:
    """Parse and chunk one file; a failure is returned as its one-line reason."""
    try:
        parsed = parse_file(item.path, max_bytes)
        meta = item.meta
        if parsed.title_hint and meta.title == default_title(item.path):
            meta = meta.model_copy(update={"title": parsed.title_hint})
            item = item.model_copy(update={"meta": meta})
        chunks = chunk_document(parsed.blocks, meta, chunking)
        if not chunks:
            return "no text to index"
        links = build_links(meta, parsed.blocks, chunks)
    except DocumentError as exc:
        return str(exc)
    except Exception as exc:  # a parser bug must not stop the other documents
        return f"unexpected {type(exc).__name__}: {exc}"
    return Prepared(item=item, chunks=chunks, links=links)


def _init_worker() -> None:
    """Offline guards, and die with the parent (a killed ingest must not leave orphans)."""
    apply_offline_env()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def worker_pool() -> ProcessPoolExecutor:
    """One spawned worker process (spawn: forking a process that runs torch threads is unsafe)."""
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
    )
