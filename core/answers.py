"""Typed results of search and answering: hits, citations, answers.

These are the shapes the CLI prints as JSON and the UI renders; services build them.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from core.models import Chunk
from core.support import SupportEvidence


class SearchHit(BaseModel):
    """One retrieved chunk with its fused score and the scores it came from.

    ``score`` orders the hits (reciprocal-rank fusion, or the cross-encoder's score when
    reranking is on); it is comparable only within one search. ``dense_score`` is the cosine
    similarity and ``keyword_score`` the BM25 score, each None when that retriever did not find
    the chunk. ``context_text`` is set when neighbouring chunks of the same document version were
    joined so that numbered steps are not cut (``context_chunk_ids`` lists them, in order).
    """

    rank: int
    chunk: Chunk
    score: float
    dense_score: float | None = None
    keyword_score: float | None = None
    rerank_score: float | None = None
    context_text: str | None = None
    context_chunk_ids: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The text to read: the joined context when there is one, else the chunk's own."""
        return self.context_text or self.chunk.text


class Citation(BaseModel):
    """Where a statement of an answer comes from, precise enough to open the source."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    site: str
    doc_type: str
    revision: str
    effective_date: date | None = None
    section: str = ""
    page: int | None = None
    row: int | None = None
    snippet: str
    score: float
    source_path: str

    @classmethod
    def from_hit(cls, n: int, hit: SearchHit, snippet: str) -> Citation:
        """Build citation number ``n`` for a retrieved chunk."""
        c = hit.chunk
        return cls(
            n=n,
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            title=c.title,
            site=c.site,
            doc_type=c.doc_type.value,
            revision=c.revision,
            effective_date=c.effective_date,
            section=c.section,
            page=c.page,
            row=c.row,
            snippet=snippet,
            score=round(hit.score, 6),
            source_path=c.source_path,
        )


class ClosestDocument(BaseModel):
    """An in-scope document named when the copilot abstains."""

    doc_id: str
    title: str
    section: str = ""


class HistoryFacts(BaseModel):
    """What an asset-history answer counted: the figures a reader (and the eval) can check."""

    site: str
    tag: str
    count: int
    """Work-order rows that match the criterion in the period."""
    incident_count: int = 0
    criterion: str = ""
    period: str = ""
    latest_date: date | None = None


class Answer(BaseModel):
    """A grounded answer (or an abstention) with its citations and safety notices.

    ``support_score`` is the evidence score the abstention decision was based on (0..1);
    ``fallback_reason`` says why an optional LLM answer was replaced by the reader's one.
    """

    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    safety_notices: list[str] = Field(default_factory=list)
    closest_documents: list[ClosestDocument] = Field(default_factory=list)
    answerer: str = "reader"
    latency_ms: dict[str, float] = Field(default_factory=dict)
    support_score: float | None = None
    support_evidence: SupportEvidence | None = None
    """What ``support_score`` was computed from (reader answers only)."""
    fallback_reason: str | None = None
    assets: list[str] = Field(default_factory=list)
    """Asset tags (of the asked site) the answer is about: the UI links each to its page."""
    notices: list[str] = Field(default_factory=list)
    """Cross-site "same equipment elsewhere" notices, already scoped to the asker."""
    history: HistoryFacts | None = None
