"""Flat metadata encoding of a chunk, for vector stores that only hold scalar metadata.

Audience becomes one boolean per role (``aud_operator`` ...) and ``current`` marks the
served-version flag. The scope filter itself uses one more key per role, ``sc_<role>``, present
only when the role is in the audience, holding the site (``~site`` when not current): a scope is
then ONE indexed ``$in`` clause. Chroma resolves each clause of a filter into the set of matching
ids before searching, so an ``$and`` of site, role and current flags costs as much as the three
(large) sets together; the single clause costs only the in-scope set (2-3x faster at 100k chunks).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from core.models import AccessScope, BlockKind, Chunk, DocType, Role

_NONE_INT = -1
SCOPE_CODEC = 2
"""Version of the scope encoding; collections written by an older one are migrated on open."""
_NOT_CURRENT = "~"  # site ids never contain '~' (see core.models.validate_site_id)


def role_key(role: Role) -> str:
    """Metadata key of the per-role audience flag."""
    return f"aud_{role.value}"


def scope_key(role: Role) -> str:
    """Metadata key of the per-role scope field (site, or ``~site`` when not current)."""
    return f"sc_{role.value}"


def scope_fields(
    site: str, audience: frozenset[Role], current: bool
) -> dict[str, str | int | float | bool | None]:
    """The ``sc_<role>`` fields of a chunk; None deletes the key of a role outside the audience."""
    value = site if current else f"{_NOT_CURRENT}{site}"
    return {scope_key(role): value if role in audience else None for role in Role}


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
    for key, value in scope_fields(chunk.site, chunk.audience, current).items():
        if value is not None:
            meta[key] = value
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
    """The metadata filter that keeps a query inside an access scope: one ``$in`` clause."""
    values = sorted(scope.readable_sites)
    if scope.include_superseded:
        values += [f"{_NOT_CURRENT}{site}" for site in values]
    return {scope_key(scope.role): {"$in": values}}
