"""Keep one embedder per index: stamp a new index, refuse another model, re-embed on demand.

An index records which embedder built it (``core.embedder_stamp``). Writes check the stamp
before any vector is reused or written, so a re-ingest never carries vectors of one model into
an index of another. ``reindex --full`` (all sites) with a different embedder re-embeds every
stored chunk in place from its stored text (the exact text that was embedded), which also covers
documents whose source file has gone and superseded revisions kept for audit.
"""

from __future__ import annotations

from core.db.engine import Database
from core.embedder_stamp import EmbedderStamp, recorded_stamp, require_compatible, stamp_of
from core.errors import EmbedderMismatchError
from core.ports import Embedder, VectorIndex
from core.registry import bump_generation

BATCH = 256


def claim_or_check(index: VectorIndex, embedder: Embedder) -> None:
    """Before writing: stamp an empty index with ``embedder``; refuse an index of another one."""
    if recorded_stamp(index) is None:
        index.set_embedder_stamp(stamp_of(embedder))
        return
    if index.embedder_stamp() is None:  # a legacy index accepted as MiniLM's: record it
        require_compatible(index, embedder)
        index.set_embedder_stamp(stamp_of(embedder))
        return
    require_compatible(index, embedder)


def needs_reembedding(index: VectorIndex, embedder: Embedder) -> bool:
    """True when the stored vectors are not (all) from ``embedder``."""
    stamp = recorded_stamp(index)
    if stamp is None:
        return False
    wanted = stamp_of(embedder)
    return not stamp.complete or (stamp.model_id, stamp.dimension) != (
        wanted.model_id,
        wanted.dimension,
    )


def reembed_all(db: Database, index: VectorIndex, embedder: Embedder) -> int:
    """Re-embed every stored chunk with ``embedder``; returns how many were embedded.

    The stamp says "incomplete" until the last vector is written, so an interrupted run leaves
    an index that every query refuses (and the next ``reindex --full`` finishes). The index
    generation is bumped so derived dense snapshots are rebuilt from the new vectors.
    """
    index.set_embedder_stamp(
        EmbedderStamp(model_id=embedder.model_id, dimension=embedder.dimension, complete=False)
    )
    done = 0
    ids: list[str] = []
    texts: list[str] = []
    for item in index.all_chunks():
        ids.append(item.chunk.chunk_id)
        texts.append(item.chunk.text)
        if len(ids) >= BATCH:
            index.set_embeddings(ids, embedder.embed_documents(texts))
            done, ids, texts = done + len(ids), [], []
    if ids:
        index.set_embeddings(ids, embedder.embed_documents(texts))
        done += len(ids)
    with db.session() as session:
        bump_generation(session)
    index.set_embedder_stamp(stamp_of(embedder))
    return done


def reembed_if_needed(
    db: Database, index: VectorIndex, embedder: Embedder, site: str | None
) -> int:
    """Before a full reindex: re-embed the whole index in place when another embedder built it
    (or a re-embedding was interrupted); 0 when nothing needed it. Refused for one site only:
    the other sites' vectors would stay another model's."""
    if not needs_reembedding(index, embedder):
        return 0
    if site is not None:
        raise EmbedderMismatchError(
            f"the index was built with another embedder than {embedder.model_id}: re-embed "
            "all sites with `plant-copilot reindex --full` (without --site)"
        )
    return reembed_all(db, index, embedder)
