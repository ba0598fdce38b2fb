"""Progress reporting from long ingestion work to whoever shows it (CLI bar, UI, nothing)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress events; implementations must be cheap."""

    def started(self, total_docs: int) -> None:
        """Work on ``total_docs`` documents begins."""
        ...

    def advanced(self, docs: int, chunks: int, label: str) -> None:
        """``docs`` more documents and ``chunks`` more chunks are done."""
        ...


class NullProgress:
    """Discards progress."""

    def started(self, total_docs: int) -> None:
        """Ignore."""

    def advanced(self, docs: int, chunks: int, label: str) -> None:
        """Ignore."""
