"""Which retrieved manuals apply to the asset a question names.

A manual declares the equipment it describes (``equipment_models`` metadata, e.g. ``IMM-4:
Kestrel KH-350``); its figures hold for that model. When a question names an asset of the same
class (another injection moulding machine, the other reactor) that is neither declared by the
manual nor registered as that model, the manual is not evidence for it: IMM-4's clamp force is
not IMM-2's, R-101's rupture disc rating is not R-102's. The reader cannot see this (a row
"Clamp force | 3,500 kN" names no asset), so such hits are set aside before it reads, and the
answer says why in a notice.

Everything comes from the site register and the manuals' own metadata, never from words of
the question other than the assets it names (found once per question by
``services.asset_history.mentioned_assets``). A question naming
an asset the manual does cover, or no asset, or only assets of other classes (the chiller a
press manual mentions), keeps every hit.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.answers import SearchHit
from core.assets import AssetProfile, TagResolver, tag_key
from core.db.engine import Database
from core.db.tables import AssetLinkRow, DocumentRow
from core.models import DocumentStatus
from services.assets import resolver_for


class ManualMismatch(BaseModel):
    """A retrieved manual set aside because it is for another machine of the asked class."""

    doc_id: str
    title: str
    model: str
    covers: list[str]
    asked: list[str]

    def message(self) -> str:
        """One line for the answer's notices."""
        asked = " and ".join(self.asked)
        return (
            f"Not used for {asked}: {self.doc_id} ({self.title}) is for "
            f"{', '.join(self.covers)}, a {self.model}; {asked} is not registered as one."
        )


def _declared(session: Session, doc_ids: set[str]) -> dict[str, dict[str, str]]:
    """doc_id -> {declared tag (as written): model as written} of the current manuals among
    ``doc_ids``."""
    query = (
        select(AssetLinkRow.tag, AssetLinkRow.equipment_model, DocumentRow.doc_id)
        .join(DocumentRow, AssetLinkRow.document_id == DocumentRow.id)
        .where(
            AssetLinkRow.equipment_model > "",
            DocumentRow.status == DocumentStatus.CURRENT.value,
            DocumentRow.doc_id.in_(sorted(doc_ids)),
        )
    )
    out: dict[str, dict[str, str]] = {}
    for tag, model, doc_id in session.execute(query).tuples():
        out.setdefault(doc_id, {})[tag] = model
    return out


def _mismatch(
    declared: dict[str, str],
    asked: Sequence[str],
    profiles: dict[str, AssetProfile],
    resolver: TagResolver,
) -> tuple[str, list[str], list[str]] | None:
    """(model, covered tags, asked tags it does not cover) when the manual is for a sibling
    machine of every asked asset it could concern; None when it applies or is unrelated."""
    covers = sorted({resolver.canonical(t) for t in declared})
    models = {tag_key(m) for m in declared.values()}
    classes = {profiles[t].equipment_class for t in covers if t in profiles} - {""}

    def covered(tag: str) -> bool:
        profile = profiles.get(tag)
        return tag in covers or (profile is not None and tag_key(profile.model) in models)

    if not classes or any(covered(t) for t in asked):
        return None
    siblings = [t for t in asked if t in profiles and profiles[t].equipment_class in classes]
    if not siblings:
        return None
    return next(iter(declared.values())), covers, siblings


def applicable_hits(
    db: Database, site: str, asked: Sequence[str], hits: list[SearchHit]
) -> tuple[list[SearchHit], list[ManualMismatch]]:
    """``hits`` without the manuals that are for another machine of the class of the assets a
    question names (``asked``: canonical tags, ``asset_history.mentioned_assets``), and one
    notice per manual set aside."""
    if not hits or not asked:
        return hits, []
    with db.session() as session:
        resolver = resolver_for(session, site)
        declared = _declared(session, {h.chunk.doc_id for h in hits})
    profiles = {p.tag: p for p in resolver.profiles()}
    set_aside: dict[str, ManualMismatch] = {}
    for hit in hits:
        doc_id = hit.chunk.doc_id
        if doc_id in set_aside or doc_id not in declared:
            continue
        found = _mismatch(declared[doc_id], asked, profiles, resolver)
        if found is not None:
            model, covers, siblings = found
            set_aside[doc_id] = ManualMismatch(
                doc_id=doc_id, title=hit.chunk.title, model=model, covers=covers, asked=siblings
            )
    kept = [h for h in hits if h.chunk.doc_id not in set_aside]
    return kept, list(set_aside.values())
