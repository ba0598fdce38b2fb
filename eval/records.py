"""What one golden question produced: the hits of search, the answer of ask, and timings.

These records are the only input of the metrics (``eval/metrics.py``), so metrics are pure
functions that tests feed with hand-made records, and a broken retriever's records go through
exactly the same code as the real one's.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.models import COMPANY_WIDE, Role
from core.support import SupportEvidence
from eval.golden_set import GoldenCase

NO_DOC_TYPE = "none"
"""Doc-type slice of a question with no document (an unanswerable question)."""


class SourceRecord(BaseModel):
    """A retrieved chunk or a cited chunk, with what the scope and section checks need."""

    chunk_id: str
    doc_id: str
    doc_type: str = ""
    site: str
    audience: frozenset[Role]
    current: bool = Field(description="Its version is the one the registry serves")
    section_path: tuple[str, ...] = ()
    page: int | None = None
    row: int | None = None
    text: str = ""

    def allowed_for(self, site: str, role: Role) -> bool:
        """Inside the asker's scope: own site or company-wide, role in the audience, current."""
        return self.site in {site, COMPANY_WIDE} and role in self.audience and self.current


class CaseResult(BaseModel):
    """The outcome of one golden case."""

    case: GoldenCase
    hits: list[SourceRecord] = Field(default_factory=list, description="Search, best first")
    citations: list[SourceRecord] = Field(default_factory=list)
    answer: str = ""
    abstained: bool = False
    support_score: float | None = Field(
        default=None, description="The answerer's support score (0..1)"
    )
    support_evidence: SupportEvidence | None = Field(
        default=None, description="What the support score was computed from (eval/fit_support)"
    )
    search_ms: float = 0.0
    ask_ms: float = 0.0
    doc_type: str = NO_DOC_TYPE
    error: str | None = Field(default=None, description="Set when search or ask raised")
    counted: int | None = Field(
        default=None, description="The count an asset-history answer computed from rows"
    )
