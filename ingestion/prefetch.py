"""Run a function over items in a background thread, keeping results in order.

Parsing (Python-bound) runs here while the caller embeds (torch releases the GIL), so the model
is rarely idle; the caller polls without blocking and embeds whatever is ready.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_DONE = object()


class Prefetcher(Generic[T, R]):
    """Applies ``work`` to ``items`` ahead of the consumer, at most ``ahead`` results buffered."""

    def __init__(self, items: Sequence[T], work: Callable[[T], R], ahead: int = 32) -> None:
        self._items = items
        self._work = work
        self._queue: queue.Queue[object] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="prefetch", daemon=True)
        self.finished = False

    def __enter__(self) -> Prefetcher[T, R]:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()

    def _run(self) -> None:
        for item in self._items:
            if self._stop.is_set():
                return
            result = (item, self._work(item))
            while not self._stop.is_set():
                try:
                    self._queue.put(result, timeout=0.1)
                    break
                except queue.Full:
                    continue
        self._queue.put(_DONE)

    def poll(self, block: bool) -> tuple[T, R] | None:
        """The next (item, result); None when nothing is ready (non-blocking) or all are done."""
        if self.finished:
            return None
        try:
            got = self._queue.get(block=block)
        except queue.Empty:
            return None
        if got is _DONE:
            self.finished = True
            return None
        return got  # type: ignore[return-value]
