"""The result of an ingest or reindex run: the public ``--json`` contract (README, "JSON output").

Fields may be added; existing ones keep their names and meaning.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentCounts(BaseModel):
    """How many documents each outcome applies to."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = 0
    removed: int = 0
    failed: int = 0


class ChunkCounts(BaseModel):
    """Chunks embedded by the model, reused from the index, and deleted from it."""

    embedded: int = 0
    reused: int = 0
    deleted: int = 0


class Failure(BaseModel):
    """One file that could not be ingested, with a one-line reason."""

    path: str
    reason: str


class RepairCounts(BaseModel):
    """What the start-of-run repair fixed after an interrupted run; ``reindex`` also checks
    the index against the registry (``ingestion/verify.py``) and fills the last three."""

    staged_discarded: int = 0
    versions_cleaned: int = 0
    documents_rebuilt: int = 0
    orphan_versions_deleted: int = 0
    flags_fixed: int = 0


class IngestReport(BaseModel):
    """Everything a run did; ``exit_code`` is 0 when nothing failed and 1 otherwise."""

    documents: DocumentCounts = Field(default_factory=DocumentCounts)
    chunks: ChunkCounts = Field(default_factory=ChunkCounts)
    failures: list[Failure] = Field(default_factory=list)
    sites_created: list[str] = Field(default_factory=list)
    ignored: int = 0
    asset_registers: int = 0
    """``assets.yaml`` files read into the equipment register."""
    repaired: RepairCounts = Field(default_factory=RepairCounts)
    run_id: int | None = None
    elapsed_s: float = 0.0

    def fail(self, path: str, reason: str) -> None:
        """Record one failed file."""
        self.failures.append(Failure(path=path, reason=reason.strip().splitlines()[0][:500]))
        self.documents.failed += 1

    @property
    def exit_code(self) -> int:
        """CLI exit status for this run."""
        return 1 if self.failures else 0
