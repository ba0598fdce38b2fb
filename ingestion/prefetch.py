"""Run a function over items in a background thread, keeping results in order.

Parsing (Python-bound) runs here while the caller embeds (torch releases the GIL), so the model
is rarely idle; the caller polls without blocking and embeds whatever is ready.

Memory: at most ``ahead`` results wait in the buffer, and, with ``weigh`` and ``budget``, at most
``budget`` units of weight (the pipeline weighs a parsed document by its chunks): a corpus of
400-page manuals (about 900 chunks and 3 MB each) is never parsed 32 documents ahead of the
model. A single result heavier than the budget still passes, alone.
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

    def __init__(
        self,
        items: Sequence[T],
        work: Callable[[T], R],
        ahead: int = 32,
        weigh: Callable[[R], int] | None = None,
        budget: int | None = None,
    ) -> None:
        self._items = items
        self._work = work
        self._weigh = weigh or (lambda _result: 0)
        self._budget = budget
        self._weight = 0
        self._room = threading.Condition()
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

    def _wait_for_room(self, weight: int) -> None:
        """Block while the buffered weight plus ``weight`` is over the budget (and not empty)."""
        with self._room:
            while (
                self._budget is not None
                and self._weight > 0
                and self._weight + weight > self._budget
                and not self._stop.is_set()
            ):
                self._room.wait(timeout=0.1)
            self._weight += weight

    def _run(self) -> None:
        for item in self._items:
            if self._stop.is_set():
                return
            value = self._work(item)
            self._wait_for_room(self._weigh(value))
            result = (item, value)
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
        pair: tuple[T, R] = got  # type: ignore[assignment]
        with self._room:
            self._weight -= self._weigh(pair[1])
            self._room.notify_all()
        return pair
