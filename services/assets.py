"""The asset view: one asset's manual sections, SOPs, incidents and work orders, scoped like
search (role, sites, current revisions only), with counts computed from the stored rows.

Used by ``plant-copilot assets``, the Asset page and history answers; nothing here guesses:
every figure is a count over :class:`core.assets.LinkedRecord` rows the asker may read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.assets import (
    AssetLink,
    AssetProfile,
    AssetSummary,
    LinkedRecord,
    LinkKind,
    TagResolver,
    tag_key,
)
from core.db.engine import Database
from core.db.tables import AssetLinkRow, AssetSpellingRow, DocumentRow
from core.errors import NotFoundError
from core.models import AccessScope, DocType, DocumentStatus, Role
from ingestion.asset_register import read_profiles


def is_corrective(record: LinkedRecord) -> bool:
    """A work-order row that fixed a fault, not planned maintenance (``NONE (PM)``)."""
    mode = record.failure_mode.strip().upper()
    return bool(mode) and not mode.startswith("NONE") and mode not in {"PM", "PLANNED"}


class TimelinePoint(BaseModel):
    """Records of one series (a failure mode, or ``incident``) in one month."""

    month: str
    series: str
    count: int


class AssetView(BaseModel):
    """Everything ``assets show`` prints and the Asset page draws."""

    site: str
    tag: str
    name: str = ""
    model: str = ""
    equipment_class: str = ""
    aliases: list[str] = Field(default_factory=list)
    manual_sections: list[LinkedRecord] = Field(default_factory=list)
    sops: list[LinkedRecord] = Field(default_factory=list)
    incidents: list[LinkedRecord] = Field(default_factory=list)
    work_orders: list[LinkedRecord] = Field(default_factory=list)
    failure_modes: dict[str, int] = Field(default_factory=dict)
    last_corrective: LinkedRecord | None = None
    timeline: list[TimelinePoint] = Field(default_factory=list)


_LINK_FIELDS = tuple(f for f in AssetLink.model_fields if f not in ("tag", "kind"))


def _record(link: AssetLinkRow, doc: DocumentRow, tag: str) -> LinkedRecord:
    return LinkedRecord(
        tag=tag,
        kind=LinkKind(link.kind),
        site=doc.site_id,
        doc_id=doc.doc_id,
        title=doc.title,
        doc_type=doc.doc_type,
        revision=doc.revision,
        effective_date=doc.effective_date,
        source_path=doc.source_path,
        **{name: getattr(link, name) for name in _LINK_FIELDS},
    )


def _readable(doc: DocumentRow, scope: AccessScope) -> bool:
    return scope.allows(doc.site_id, frozenset(Role(r) for r in doc.audience.split(",")), True)


def load_links(
    session: Session,
    sites: Iterable[str],
    keys: set[str] | None = None,
    doc_types: Iterable[DocType] | None = None,
) -> list[tuple[AssetLinkRow, DocumentRow]]:
    """Links of current versions at ``sites`` (optionally only these tag keys or doc types),
    unscoped: callers filter by the reader's scope."""
    query = (
        select(AssetLinkRow, DocumentRow)
        .join(DocumentRow, AssetLinkRow.document_id == DocumentRow.id)
        .where(
            DocumentRow.status == DocumentStatus.CURRENT.value,
            AssetLinkRow.site_id.in_(sorted(set(sites))),
        )
    )
    if keys is not None:
        query = query.where(AssetLinkRow.tag_key.in_(sorted(keys)))
    if doc_types is not None:  # few documents, many links: select the documents first
        wanted = select(DocumentRow.id).where(
            DocumentRow.status == DocumentStatus.CURRENT.value,
            DocumentRow.doc_type.in_(sorted(t.value for t in doc_types)),
        )
        query = query.where(AssetLinkRow.document_id.in_(wanted))
    return [(link, doc) for link, doc in session.execute(query).tuples()]


def resolver_for(session: Session, site: str) -> TagResolver:
    """The tag resolver of one site: its register plus every spelling found in its records."""
    return resolvers_for(session, {site})[site]


def resolvers_for(session: Session, sites: set[str]) -> dict[str, TagResolver]:
    """Tag resolvers of several sites, read with two queries whatever their number."""
    seen: dict[str, list[str]] = {s: [] for s in sites}
    query = select(AssetSpellingRow.site_id, AssetSpellingRow.tag).where(
        AssetSpellingRow.site_id.in_(sorted(sites))
    )
    for site, tag in session.execute(query):
        seen[site].append(tag)
    profiles = read_profiles(session, sites)
    return {s: TagResolver([p for p in profiles if p.site == s], sorted(seen[s])) for s in sites}


def scoped_records(
    db: Database, scope: AccessScope, site: str, tag: str
) -> tuple[AssetProfile | None, str, list[LinkedRecord]]:
    """(register entry, canonical tag, records the scope may read) of one asset at one site."""
    with db.session() as session:
        resolver = resolver_for(session, site)
        canonical = resolver.canonical(tag)
        profiles = {p.tag: p for p in read_profiles(session, {site})}
        pairs = load_links(session, [site], resolver.keys_of(tag))
        records = [_record(link, doc, canonical) for link, doc in pairs if _readable(doc, scope)]
        known = resolver.known(tag) or canonical in profiles
    if not known:
        raise NotFoundError(f"no asset {tag!r} at site {site!r}")
    return profiles.get(canonical), canonical, records


def dated_span(db: Database, site: str, doc_ids: Iterable[str]) -> tuple[date, date] | None:
    """First and last event date over all rows of these current documents at ``site``: the
    span an export covers, which is wider than one asset's rows (an asset with no work order
    since July still had none in October, if the export runs to November)."""
    query = (
        select(func.min(AssetLinkRow.event_date), func.max(AssetLinkRow.event_date))
        .join(DocumentRow, AssetLinkRow.document_id == DocumentRow.id)
        .where(
            DocumentRow.status == DocumentStatus.CURRENT.value,
            DocumentRow.doc_id.in_(sorted(set(doc_ids))),
            AssetLinkRow.site_id == site,
        )
    )
    with db.session() as session:
        first, last = session.execute(query).one()
    return (first, last) if first is not None and last is not None else None


def failure_modes(db: Database, site: str) -> set[str]:
    """The failure-mode codes the site's current records use (the CMMS's own vocabulary)."""
    query = (
        select(AssetLinkRow.failure_mode)
        .join(DocumentRow, AssetLinkRow.document_id == DocumentRow.id)
        .where(DocumentRow.status == DocumentStatus.CURRENT.value, AssetLinkRow.site_id == site)
        .distinct()
    )
    with db.session() as session:
        return {mode for mode in session.scalars(query) if mode}


def _newest_first(records: list[LinkedRecord]) -> list[LinkedRecord]:
    return sorted(
        records, key=lambda r: (r.when.isoformat() if r.when else "", r.row or 0), reverse=True
    )


def _timeline(incidents: list[LinkedRecord], orders: list[LinkedRecord]) -> list[TimelinePoint]:
    counts: Counter[tuple[str, str]] = Counter()
    for record in incidents:
        if record.when:
            counts[(record.when.strftime("%Y-%m"), "incident")] += 1
    for record in orders:
        if record.when:
            counts[(record.when.strftime("%Y-%m"), record.failure_mode or "UNSPECIFIED")] += 1
    return [TimelinePoint(month=m, series=s, count=n) for (m, s), n in sorted(counts.items())]


def build_view(
    site: str, tag: str, profile: AssetProfile | None, records: list[LinkedRecord]
) -> AssetView:
    """Group an asset's readable records by type, newest first, with counts from the rows."""
    by_type: dict[str, list[LinkedRecord]] = {t.value: [] for t in DocType}
    for record in records:
        by_type[record.doc_type].append(record)
    orders = _newest_first(by_type[DocType.WORK_ORDER.value])
    incidents = _newest_first(by_type[DocType.INCIDENT.value])
    manual = [r for r in by_type[DocType.MANUAL.value] if r.kind is LinkKind.SECTION]
    corrective = [r for r in orders if is_corrective(r) and r.action]
    return AssetView(
        site=site,
        tag=tag,
        name=profile.name if profile else "",
        model=profile.model if profile and profile.model else _manual_model(records),
        equipment_class=profile.equipment_class if profile else "",
        aliases=list(profile.aliases) if profile else [],
        manual_sections=manual,
        sops=_newest_first(by_type[DocType.SOP.value]),
        incidents=incidents,
        work_orders=orders,
        failure_modes=dict(Counter(r.failure_mode or "UNSPECIFIED" for r in orders).most_common()),
        last_corrective=corrective[0] if corrective else None,
        timeline=_timeline(incidents, orders),
    )


def _manual_model(records: list[LinkedRecord]) -> str:
    """The model a manual's metadata declares for the asset (used when the register has none)."""
    return next((r.equipment_model for r in records if r.equipment_model), "")


def show_asset(db: Database, scope: AccessScope, site: str, tag: str) -> AssetView:
    """The asset view of ``tag`` at ``site`` for ``scope``; NotFoundError for an unknown tag."""
    profile, canonical, records = scoped_records(db, scope, site, tag)
    return build_view(site, canonical, profile, records)


def list_assets(db: Database, scope: AccessScope) -> list[AssetSummary]:
    """Every asset of the scope's sites with its register entry and readable record counts."""
    out: list[AssetSummary] = []
    with db.session() as session:
        for site in sorted(scope.sites):
            resolver = resolver_for(session, site)
            profiles = {p.tag: p for p in read_profiles(session, {site})}
            counts: dict[str, Counter[str]] = {tag: Counter() for tag in profiles}
            for link, doc in load_links(session, [site]):
                if link.kind == LinkKind.SECTION.value or not _readable(doc, scope):
                    continue
                counts.setdefault(resolver.canonical(link.tag), Counter())[doc.doc_type] += 1
            for tag in sorted(counts):
                p = profiles.get(tag)
                out.append(
                    AssetSummary(
                        site=site,
                        tag=tag,
                        name=p.name if p else "",
                        model=p.model if p else "",
                        equipment_class=p.equipment_class if p else "",
                        counts=dict(counts[tag]),
                    )
                )
    return out


def model_key(model: str) -> str:
    """Equipment models compare by their spelling-free key, like tags."""
    return tag_key(model)
