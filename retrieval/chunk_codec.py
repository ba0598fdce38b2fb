"""Flat metadata encoding of a chunk, for vector stores that only hold scalar metadata.

Audience becomes one boolean per role (``aud_operator`` ...) so that the role filter is an
equality test inside the store's query, and ``current`` marks the served-version pre-filter.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from core.models import AccessScope, BlockKind, Chunk, DocType, Role

_NONE_INT = -1


def role_key(role: Role) -> str:
    """Metadata key of the per-role audience flag."""
    return f"aud_{role.value}"


def encode(chunk: Chunk, current: bool) -> dict[str, str | int | float | bool]:
    """Chunk -> flat metadata (no None values: stores reject them)."""
    meta: dict[str, str | int | float | bool] = {
        "doc_id": chunk.doc_id,
        "version_key": chunk.version_key,
        "ordinal": chunk.ordinal,
        "title": chunk.title,
        "site": chunk.site,
        "doc_type": chunk.doc_type.value,
        "revision": chunk.revision,
        "effective_date": chunk.effective_date.isoformat() if chunk.effective_date else "",
        "section": json.dumps(list(chunk.section_path)),
        "page": chunk.page if chunk.page is not None else _NONE_INT,
        "row": chunk.row if chunk.row is not None else _NONE_INT,
        "kind": chunk.kind.value,
        "assets": json.dumps(list(chunk.assets)),
        "safety": json.dumps(list(chunk.safety_notices)),
        "source_path": chunk.source_path,
        "text_hash": chunk.text_hash,
        "current": current,
    }
    for role in Role:
        meta[role_key(role)] = role in chunk.audience
    return meta


def decode(chunk_id: str, text: str, meta: dict[str, Any]) -> tuple[Chunk, bool]:
    """Flat metadata -> (chunk, current flag)."""
    effective = str(meta.get("effective_date") or "")
    chunk = Chunk(
        chunk_id=chunk_id,
        version_key=str(meta["version_key"]),
        doc_id=str(meta["doc_id"]),
        ordinal=int(meta["ordinal"]),
        text=text,
        title=str(meta["title"]),
        site=str(meta["site"]),
        doc_type=DocType(str(meta["doc_type"])),
        revision=str(meta["revision"]),
        effective_date=date.fromisoformat(effective) if effective else None,
        audience=frozenset(r for r in Role if meta.get(role_key(r))),
        section_path=tuple(json.loads(str(meta.get("section") or "[]"))),
        page=None if int(meta.get("page", _NONE_INT)) == _NONE_INT else int(meta["page"]),
        row=None if int(meta.get("row", _NONE_INT)) == _NONE_INT else int(meta["row"]),
        kind=BlockKind(str(meta.get("kind") or "text")),
        assets=tuple(json.loads(str(meta.get("assets") or "[]"))),
        safety_notices=tuple(json.loads(str(meta.get("safety") or "[]"))),
        source_path=str(meta.get("source_path") or ""),
    )
    return chunk, bool(meta.get("current", False))


def scope_filter(scope: AccessScope) -> dict[str, Any]:
    """The metadata filter that keeps a query inside an access scope."""
    clauses: list[dict[str, Any]] = [
        {"site": {"$in": sorted(scope.readable_sites)}},
        {role_key(scope.role): True},
    ]
    if not scope.include_superseded:
        clauses.append({"current": True})
    return {"$and": clauses}
