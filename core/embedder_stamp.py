"""Which embedder built an index, and the check that refuses to mix two embedders' vectors.

Vectors of two models (even the torch MiniLM and its int8 ONNX export) are not comparable: a
query vector of one against an index of the other ranks badly without failing. So the index
records the embedder's ``model_id`` and dimension (:class:`EmbedderStamp`) and every query or
write with another embedder is refused with :class:`EmbedderMismatchError`, until
``plant-copilot reindex --full`` has re-embedded every stored chunk.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from core.errors import EmbedderMismatchError

REINDEX_HINT = "re-embed it with `plant-copilot reindex --full`"


class EmbedderStamp(BaseModel):
    """The embedder an index's vectors come from; ``complete`` is False while re-embedding."""

    model_id: str
    dimension: int
    complete: bool = True


LEGACY_STAMP = EmbedderStamp(model_id="all-MiniLM-L6-v2", dimension=384)
"""Assumed for a non-empty index that recorded nothing: before stamps existed, the torch MiniLM
was the only real embedder (an index of the hashing fake is then reported as MiniLM's)."""


class _Identified(Protocol):
    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...


class _Stamped(Protocol):
    def embedder_stamp(self) -> EmbedderStamp | None: ...

    def count(self) -> int: ...


def stamp_of(embedder: _Identified) -> EmbedderStamp:
    """The stamp an index built by ``embedder`` carries."""
    return EmbedderStamp(model_id=embedder.model_id, dimension=embedder.dimension)


def recorded_stamp(index: _Stamped) -> EmbedderStamp | None:
    """The index's stamp; LEGACY_STAMP for an unstamped index; None when the index is empty
    (an empty index holds no vector to mix with: any embedder may fill it)."""
    if index.count() == 0:
        return None
    return index.embedder_stamp() or LEGACY_STAMP


def same_embedder(stamp: EmbedderStamp, embedder: _Identified) -> bool:
    """True when ``embedder`` produces the vectors the stamp names."""
    return stamp.model_id == embedder.model_id and stamp.dimension == embedder.dimension


def require_compatible(index: _Stamped, embedder: _Identified) -> None:
    """Raise EmbedderMismatchError unless ``index`` is empty or fully built by ``embedder``."""
    stamp = recorded_stamp(index)
    if stamp is None:
        return
    if not stamp.complete:
        raise EmbedderMismatchError(
            f"the index is half re-embedded (a change to embedder {stamp.model_id} was "
            f"interrupted); finish it: {REINDEX_HINT}"
        )
    if not same_embedder(stamp, embedder):
        raise EmbedderMismatchError(
            f"the index was built with embedder {stamp.model_id} ({stamp.dimension}-dim) but "
            f"{embedder.model_id} ({embedder.dimension}-dim) is configured "
            f"(PLANT_COPILOT_EMBEDDING__BACKEND); {REINDEX_HINT}"
        )
