"""Cross-site learning: an incident on one equipment model warns every site that runs it.

* :func:`same_equipment_elsewhere` gives the "same equipment elsewhere" notice of one asset:
  incidents at other sites on assets of the same equipment model. Only a role that may read
  the incident counts it; its title, date and doc id are shown only when the incident's site is
  in the reader's scope, otherwise the notice gives a count.
* :func:`review_queue` lists, for quality, the SOPs at their sites that cover an equipment model
  with an incident elsewhere since the SOP took effect, proposed as "SOP needs update".

An asset's model comes from the site register (``assets.yaml``), else from a manual's
``equipment_models`` metadata; models compare by spelling-free key.
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.assets import LinkKind, TagResolver, tag_key
from core.db.engine import Database
from core.db.tables import AssetLinkRow, DocumentRow, EquipmentReviewRow, SiteRow
from core.errors import AccessDeniedError, NotFoundError, UsageError
from core.models import AccessScope, DocType, Role, User
from ingestion.asset_register import read_profiles
from services.assets import load_links, resolver_for, resolvers_for

REVIEWER_ROLES = frozenset({Role.QUALITY, Role.ADMIN})


class IncidentRef(BaseModel):
    """An incident on the same equipment model at another site (only when it may be shown)."""

    doc_id: str
    title: str
    site: str
    tag: str
    when: date | None = None


class EquipmentNotice(BaseModel):
    """The "same equipment elsewhere" notice of one asset."""

    model: str
    incidents: list[IncidentRef] = Field(default_factory=list)
    other_sites_count: int = 0
    """Incidents at sites outside the reader's scope: counted, never described."""

    @property
    def total(self) -> int:
        """Every incident the notice is about."""
        return len(self.incidents) + self.other_sites_count

    def message(self) -> str:
        """One line for the CLI, the Asset page and chat answers."""
        parts = [f"{i.doc_id} {i.title} ({i.site}, {i.when or 'undated'})" for i in self.incidents]
        if self.other_sites_count:
            parts.append(f"{self.other_sites_count} incident(s) at sites outside your access")
        return f"Same equipment elsewhere ({self.model}): " + "; ".join(parts)


class _Incident(BaseModel):
    doc_id: str
    title: str
    site: str
    tag: str
    when: date | None
    audience: frozenset[Role]
    model_key: str


def _models(
    session: Session, resolvers: dict[str, TagResolver] | None = None
) -> dict[tuple[str, str], tuple[str, str]]:
    """(site, canonical tag) -> (model key, model as written) for every asset with a model
    (of the resolvers' sites, default all)."""
    resolvers = resolvers or _all_resolvers(session)
    sites = set(resolvers)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    # by the (sparse) model index alone: a site filter makes SQLite scan the site's links
    manual = select(AssetLinkRow).where(AssetLinkRow.equipment_model > "")
    for link in session.scalars(manual):
        if link.site_id not in sites:
            continue
        tag = resolvers[link.site_id].canonical(link.tag)
        out[(link.site_id, tag)] = (tag_key(link.equipment_model), link.equipment_model)
    for profile in read_profiles(session, sites):
        if profile.model:  # the register wins over a manual's metadata
            out[(profile.site, profile.tag)] = (tag_key(profile.model), profile.model)
    return out


def _all_resolvers(session: Session) -> dict[str, TagResolver]:
    return resolvers_for(session, set(session.scalars(select(SiteRow.id))))


def _incidents(
    session: Session,
    models: dict[tuple[str, str], tuple[str, str]],
    resolvers: dict[str, TagResolver] | None = None,
) -> list[_Incident]:
    """Every current incident linked to an asset with a known model."""
    resolvers = resolvers or _all_resolvers(session)
    sites = sorted(resolvers)
    out: list[_Incident] = []
    for link, doc in load_links(session, sites, doc_types=[DocType.INCIDENT]):
        if link.kind != LinkKind.DOCUMENT.value:
            continue
        tag = resolvers[doc.site_id].canonical(link.tag)
        model = models.get((doc.site_id, tag))
        if model is None:
            continue
        out.append(
            _Incident(
                doc_id=doc.doc_id,
                title=doc.title,
                site=doc.site_id,
                tag=tag,
                when=link.event_date or doc.effective_date,
                audience=frozenset(Role(r) for r in doc.audience.split(",")),
                model_key=model[0],
            )
        )
    return out


def same_equipment_elsewhere(
    db: Database, scope: AccessScope, site: str, tag: str
) -> EquipmentNotice | None:
    """The notice for ``tag`` at ``site`` (one of the scope's sites), or None when there is none."""
    if site not in scope.sites:
        raise AccessDeniedError(f"site {site!r} is outside the reader's scope")
    with db.session() as session:
        own = resolvers_for(session, {site})
        canonical = own[site].canonical(tag)
        if (site, canonical) not in _models(session, own):  # no model: nothing to compare
            return None
        resolvers = _all_resolvers(session)
        models = _models(session, resolvers)
        mine = models[(site, canonical)]
        seen: dict[str, _Incident] = {}
        for inc in _incidents(session, models, resolvers):
            if inc.site != site and inc.model_key == mine[0] and scope.role in inc.audience:
                seen.setdefault(inc.doc_id, inc)
    if not seen:
        return None
    shown = sorted(
        (i for i in seen.values() if i.site in scope.sites),
        key=lambda i: i.when or date.min,
        reverse=True,
    )
    refs = [
        IncidentRef(doc_id=i.doc_id, title=i.title, site=i.site, tag=i.tag, when=i.when)
        for i in shown
    ]
    return EquipmentNotice(model=mine[1], incidents=refs, other_sites_count=len(seen) - len(refs))


class EquipmentDisposition(StrEnum):
    """A reviewer's verdict on one queue item."""

    SOP_NEEDS_UPDATE = "sop_needs_update"
    NO_CHANGE_NEEDED = "no_change_needed"

    @property
    def label(self) -> str:
        """Human wording."""
        return {"sop_needs_update": "SOP needs update"}.get(self.value, "No change needed")


class EquipmentReviewItem(BaseModel):
    """An SOP at the reviewer's site that may need an update after an incident elsewhere."""

    item_id: str
    model: str
    sop_doc_id: str
    sop_title: str
    sop_site: str
    sop_revision: str
    sop_effective_date: date | None = None
    incident_date: date | None = None
    incident_doc_id: str | None = None
    """None when the incident's site is outside the reviewer's access (it is only counted)."""
    incident_title: str | None = None
    incident_site: str | None = None
    proposed: EquipmentDisposition = EquipmentDisposition.SOP_NEEDS_UPDATE
    disposition: EquipmentDisposition | None = None
    reviewer: str | None = None
    comment: str = ""


def _item_id(incident: str, sop: str, revision: str) -> str:
    return hashlib.sha256(f"{incident}\x1f{sop}\x1f{revision}".encode()).hexdigest()[:16]


def _sops_by_model(
    session: Session, sites: frozenset[str], models: dict[tuple[str, str], tuple[str, str]]
) -> dict[str, dict[str, tuple[DocumentRow, str]]]:
    """model key -> {sop doc_id: (row, model)} of current SOPs at ``sites`` linked to the model."""
    out: dict[str, dict[str, tuple[DocumentRow, str]]] = {}
    for site in sorted(sites):
        resolver = resolver_for(session, site)
        for link, doc in load_links(session, [site], doc_types=[DocType.SOP]):
            if link.kind != LinkKind.DOCUMENT.value:
                continue
            model = models.get((site, resolver.canonical(link.tag)))
            if model is not None:
                out.setdefault(model[0], {}).setdefault(doc.doc_id, (doc, model[1]))
    return out


def _require_reviewer(reviewer: User) -> None:
    if reviewer.role not in REVIEWER_ROLES:
        raise AccessDeniedError(f"the {reviewer.role.value} role may not review SOPs")


def review_queue(db: Database, reviewer: User) -> list[EquipmentReviewItem]:
    """SOPs at the reviewer's sites covering a model that had an incident at another site
    on or after the SOP's effective date, newest incident first, with any recorded verdict."""
    return [item for item, _ in _queue(db, reviewer)]


def _queue(db: Database, reviewer: User) -> list[tuple[EquipmentReviewItem, str]]:
    """The queue, each item with its incident's doc id (stored with a verdict, never shown)."""
    _require_reviewer(reviewer)
    items: dict[str, tuple[EquipmentReviewItem, str]] = {}
    with db.session() as session:
        models = _models(session)
        sops = _sops_by_model(session, reviewer.sites, models)
        for inc in _incidents(session, models):
            for doc, model in sops.get(inc.model_key, {}).values():
                if doc.site_id == inc.site or (
                    doc.effective_date and inc.when and doc.effective_date > inc.when
                ):
                    continue
                item = _item(inc, doc, model, reviewer)
                items[item.item_id] = (item, inc.doc_id)
        _attach_verdicts(session, items)
    return sorted(
        items.values(),
        key=lambda pair: (pair[0].incident_date or date.min, pair[0].sop_doc_id),
        reverse=True,
    )


def _item(inc: _Incident, doc: DocumentRow, model: str, reviewer: User) -> EquipmentReviewItem:
    visible = inc.site in reviewer.sites and reviewer.role in inc.audience
    return EquipmentReviewItem(
        item_id=_item_id(inc.doc_id, doc.doc_id, doc.revision),
        model=model,
        sop_doc_id=doc.doc_id,
        sop_title=doc.title,
        sop_site=doc.site_id,
        sop_revision=doc.revision,
        sop_effective_date=doc.effective_date,
        incident_date=inc.when,
        incident_doc_id=inc.doc_id if visible else None,
        incident_title=inc.title if visible else None,
        incident_site=inc.site if visible else None,
    )


def _attach_verdicts(session: Session, items: dict[str, tuple[EquipmentReviewItem, str]]) -> None:
    rows = session.scalars(select(EquipmentReviewRow).order_by(EquipmentReviewRow.id))
    for row in rows:  # later verdicts override earlier ones
        pair = items.get(_item_id(row.incident_doc_id, row.sop_doc_id, row.sop_revision))
        if pair is not None:
            item = pair[0]
            item.disposition = EquipmentDisposition(row.disposition)
            item.reviewer = row.reviewer
            item.comment = row.comment


def record_equipment_review(
    db: Database, reviewer: User, item_id: str, disposition: str, comment: str = ""
) -> EquipmentReviewItem:
    """Record a verdict on one item of the reviewer's own queue."""
    try:
        verdict = EquipmentDisposition(disposition)
    except ValueError:
        valid = ", ".join(d.value for d in EquipmentDisposition)
        raise UsageError(f"unknown disposition {disposition!r} (valid: {valid})") from None
    queue = {item.item_id: (item, incident) for item, incident in _queue(db, reviewer)}
    if item_id not in queue:
        raise NotFoundError(f"no review item {item_id!r} in your queue")
    item, incident = queue[item_id]
    with db.session() as session:
        session.add(
            EquipmentReviewRow(
                incident_doc_id=incident,
                sop_doc_id=item.sop_doc_id,
                sop_revision=item.sop_revision,
                disposition=verdict.value,
                reviewer=reviewer.username,
                comment=comment.strip()[:2000],
            )
        )
    return item.model_copy(
        update={"disposition": verdict, "reviewer": reviewer.username, "comment": comment.strip()}
    )
