"""A rich progress bar that shows documents/s and chunks/s for ingestion."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    """Implements ingestion's Progress protocol on stderr; silent when disabled (``--json``)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=not enabled,
        )
        self._task = self._bar.add_task("indexing", total=0, rate="")
        self._start = time.perf_counter()
        self._chunks = 0
        self._docs = 0

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def started(self, total_docs: int) -> None:
        """Set the number of documents to process."""
        self._start = time.perf_counter()
        self._bar.update(self._task, total=total_docs)

    def advanced(self, docs: int, chunks: int, label: str) -> None:
        """Advance and refresh the rates."""
        self._docs += docs
        self._chunks += chunks
        elapsed = max(time.perf_counter() - self._start, 1e-6)
        rate = f"{self._docs / elapsed:.1f} docs/s  {self._chunks / elapsed:.1f} chunks/s  {label[:40]}"
        self._bar.update(self._task, advance=docs, rate=rate)
