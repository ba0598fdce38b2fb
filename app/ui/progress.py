"""Ingestion progress drawn as a Streamlit progress bar (implements ingestion's Progress)."""

from __future__ import annotations

import time
from typing import Any


class StreamlitProgress:
    """Updates an ``st.progress`` element with documents done, docs/s and chunks/s."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self._total = 0
        self._docs = 0
        self._chunks = 0
        self._start = time.perf_counter()

    def started(self, total_docs: int) -> None:
        """Work on ``total_docs`` documents begins."""
        self._total = total_docs
        self._start = time.perf_counter()
        if total_docs:
            self._bar.progress(0.0, text=f"0 / {total_docs} documents")
        else:
            self._bar.progress(1.0, text="Every document is unchanged: nothing to re-index")

    def advanced(self, docs: int, chunks: int, label: str) -> None:
        """More documents are done: move the bar and show the rates."""
        self._docs += docs
        self._chunks += chunks
        elapsed = max(time.perf_counter() - self._start, 1e-6)
        share = min(1.0, self._docs / self._total) if self._total else 1.0
        self._bar.progress(
            share,
            text=f"{self._docs} / {self._total} documents · {self._docs / elapsed:.1f} docs/s · "
            f"{self._chunks / elapsed:.1f} chunks/s · {label[:40]}",
        )
