"""Warm-up: load the model, the keyword/dense snapshot and the answerer before the first user.

``plant-copilot serve`` calls :func:`warm` once at start-up, before the web server listens, so
the first question in the browser pays none of the one-time costs (imports, model load, reading
the snapshot from disk, first-query allocations). The warm-up search runs as an admin over every
known site and is not logged: no user asked anything.
"""

from __future__ import annotations

import logging
import time

from pydantic import BaseModel

from core.models import AccessScope, Role
from core.registry import site_ids
from services.wiring import Components

log = logging.getLogger(__name__)

WARM_QUESTION = "lockout procedure before maintenance"
"""Any plant question: it only has to touch the embedder, both indexes and the answerer."""


class WarmupReport(BaseModel):
    """How long each one-time step took (ms); the model loads during the search (or, on an
    empty index, where ``searched`` is False, on its own)."""

    retriever_ms: float
    search_ms: float
    answer_ms: float
    searched: bool


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000.0, 1)


def warm(components: Components) -> WarmupReport:
    """Build the retriever and answerer and run one unlogged search + answer through them."""
    started = time.perf_counter()
    retriever = components.retriever()
    retriever_ms = _ms(started)
    with components.db.session() as session:
        sites = frozenset(site_ids(session))
    if not sites:  # nothing to search yet: still load the model (the search would have)
        components.embedder().embed_query(WARM_QUESTION)
        return WarmupReport(retriever_ms=retriever_ms, search_ms=0.0, answer_ms=0.0, searched=False)
    started = time.perf_counter()
    hits = retriever.search(WARM_QUESTION, AccessScope(role=Role.ADMIN, sites=sites), k=8)
    search_ms = _ms(started)
    started = time.perf_counter()
    components.answerer().answer(WARM_QUESTION, hits, Role.ADMIN)
    report = WarmupReport(
        retriever_ms=retriever_ms, search_ms=search_ms, answer_ms=_ms(started), searched=True
    )
    log.info("warm-up done: %s", report)
    return report
