"""The prefetch buffer is bounded by count and by weight (parsed chunks), results in order."""

from __future__ import annotations

import threading
import time

import pytest

from ingestion.prefetch import Prefetcher

pytestmark = pytest.mark.unit


def _settle(calls: list[int], expected: int) -> None:
    """Wait until ``calls`` reaches ``expected``, then give the producer time to overshoot."""
    deadline = time.monotonic() + 10
    while len(calls) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)


def test_the_producer_stops_at_the_weight_budget_and_resumes_when_taken() -> None:
    calls: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            calls.append(item)
        return 6  # every result weighs 6

    with Prefetcher(list(range(6)), work, weigh=lambda w: w, budget=10) as buffer:
        _settle(calls, 2)
        assert len(calls) == 2  # one buffered (6), the second waits: 6 + 6 > 10
        assert buffer.poll(block=True) == (0, 6)
        _settle(calls, 3)
        assert len(calls) == 3
        taken = [buffer.poll(block=True) for _ in range(5)]
    assert [pair[0] for pair in taken if pair] == [1, 2, 3, 4, 5]


def test_a_result_heavier_than_the_budget_still_passes_alone() -> None:
    with Prefetcher([1, 2], lambda item: item * 100, weigh=lambda w: w, budget=10) as buffer:
        assert buffer.poll(block=True) == (1, 100)
        assert buffer.poll(block=True) == (2, 200)
        assert buffer.poll(block=True) is None
        assert buffer.finished


def test_leaving_early_stops_a_producer_waiting_for_room() -> None:
    with Prefetcher(list(range(100)), lambda item: 5, weigh=lambda w: w, budget=5) as buffer:
        assert buffer.poll(block=True) == (0, 5)
    # __exit__ returned: the producer thread, blocked on the budget, has ended
