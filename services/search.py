"""The search use case: validate who is asking and where, then run the scoped retriever.

Shared by the CLI, the answer service and the UI, so validation and latency recording live in
one place.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from core.answers import SearchHit
from core.errors import UsageError
from core.models import AccessScope, Role
from core.registry import require_site

if TYPE_CHECKING:
    from services.wiring import Components

log = logging.getLogger("plant_copilot.search")
MAX_K = 100


class SearchResult(BaseModel):
    """Hits of one search, the scope it ran in, and its latency (total and per stage) in ms."""

    hits: list[SearchHit]
    scope: AccessScope
    latency_ms: dict[str, float] = Field(default_factory=dict)


def make_scope(components: Components, site: str, role: str | Role) -> AccessScope:
    """The access scope of a role at one site; UnknownRoleError / UnknownSiteError otherwise."""
    parsed = Role.parse(role)
    with components.db.session() as session:
        site_id = require_site(session, site)
    return AccessScope(role=parsed, sites=frozenset({site_id}))


def run_search(
    components: Components, question: str, site: str, role: str | Role, k: int | None = None
) -> SearchResult:
    """Validate, search inside the scope, and record latency (logged, and returned)."""
    started = time.perf_counter()
    if not question.strip():
        raise UsageError("the question is empty")
    limit = components.settings.retrieval.k if k is None else k
    if not 1 <= limit <= MAX_K:
        raise UsageError(f"k must be between 1 and {MAX_K} (got {limit})")
    scope = make_scope(components, site, role)
    retriever = components.retriever()
    timed = getattr(retriever, "search_timed", None)
    if timed is not None:
        outcome = timed(question, scope, limit)
        hits, latency = outcome.hits, dict(outcome.timings_ms)
    else:
        hits, latency = retriever.search(question, scope, limit), {}
    latency["total"] = round((time.perf_counter() - started) * 1000, 3)
    log.info(
        "search site=%s role=%s k=%d hits=%d latency_ms=%.1f",
        ",".join(sorted(scope.sites)),
        scope.role.value,
        limit,
        len(hits),
        latency["total"],
    )
    return SearchResult(hits=hits, scope=scope, latency_ms=latency)


def search(
    components: Components, question: str, site: str, role: str | Role, k: int | None = None
) -> list[SearchHit]:
    """Up to k hits for ``question`` that ``role`` may read at ``site``, best first."""
    return run_search(components, question, site, role, k).hits
