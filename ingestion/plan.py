"""Decide, before parsing anything, what each file of a run needs: nothing, or a new version.

A file's version is identified by its metadata and bytes (``DocumentMeta.version_key``); a
version already in the registry is unchanged and costs no parsing and no embedding. Among the
revisions of one doc_id, the newest (effective date, then revision number) is served.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from core.db.engine import Database
from core.errors import DocumentError
from core.models import DocumentMeta, DocumentStatus, file_sha256
from core.policy import AccessPolicy
from core.registry import ServedVersion, ensure_site, kept_versions
from ingestion.metadata import MetaOverrides, resolve_metadata
from ingestion.report import IngestReport


class PlannedDoc(BaseModel):
    """One file with its resolved metadata and what to do with it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    meta: DocumentMeta
    unchanged: bool = False
    not_older_than_current: bool = True
    become_current: bool = True
    is_new_doc: bool = True


def revision_order(effective: date | None, revision: str) -> tuple[date, tuple[object, ...]]:
    """Sort key: effective date first, then the revision compared number by number."""
    parts = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", revision) if p)
    return (effective or date.min, tuple((0, p) if isinstance(p, int) else (1, p) for p in parts))


class Source(BaseModel):
    """A file to ingest, the root its folder layout is read from, and the CLI flags for it."""

    path: Path
    root: Path
    flags: MetaOverrides = MetaOverrides()


def resolve_all(
    sources: list[Source], policy: AccessPolicy, max_bytes: int, report: IngestReport
) -> list[PlannedDoc]:
    """Resolve metadata for every file; failures go to the report, the rest are returned."""
    planned: list[PlannedDoc] = []
    for source in sources:
        path = source.path
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DocumentError(
                    f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"
                )
            meta = resolve_metadata(path, source.root, source.flags, policy, file_sha256(path))
        except DocumentError as exc:
            report.fail(str(path), str(exc))
            continue
        except OSError as exc:
            report.fail(str(path), f"cannot read file: {exc.strerror or exc}")
            continue
        planned.append(PlannedDoc(path=path, meta=meta))
    return planned


def drop_conflicts(planned: list[PlannedDoc], report: IngestReport) -> list[PlannedDoc]:
    """Fail every file whose doc_id and revision another file of the run claims with other content."""
    by_revision: dict[tuple[str, str], list[PlannedDoc]] = defaultdict(list)
    for item in planned:
        by_revision[(item.meta.doc_id, item.meta.revision)].append(item)
    keep: list[PlannedDoc] = []
    for (doc_id, revision), items in by_revision.items():
        versions = {i.meta.version_key for i in items}
        if len(versions) > 1:
            names = ", ".join(sorted(i.path.name for i in items))
            for item in items:
                report.fail(
                    str(item.path),
                    f"conflicting revisions: {names} all claim {doc_id} revision {revision} "
                    "with different content",
                )
            continue
        keep.append(items[0])
        report.documents.unchanged += len(items) - 1  # identical copies
    return keep


def choose_current(items: list[PlannedDoc]) -> None:
    """Of one doc_id's revisions (oldest first), the newest becomes current unless it is older
    than what is served already. Called again after parsing when the newest failed."""
    for item in items:
        item.become_current = item is items[-1] and item.not_older_than_current


def decide(db: Database, planned: list[PlannedDoc], report: IngestReport) -> list[PlannedDoc]:
    """Mark unchanged versions, choose which new version becomes current; create new sites."""
    groups: dict[str, list[PlannedDoc]] = defaultdict(list)
    for item in planned:
        groups[item.meta.doc_id].append(item)
    with db.session() as session:
        for site in sorted({item.meta.site for item in planned}):
            if ensure_site(session, site) and site not in report.sites_created:
                report.sites_created.append(site)
        served = kept_versions(session, list(groups))
    for doc_id, items in groups.items():
        _mark(items, served.get(doc_id, []))
    return sorted(
        planned,
        key=lambda i: (i.meta.doc_id, revision_order(i.meta.effective_date, i.meta.revision)),
    )


def _mark(items: list[PlannedDoc], served: list[ServedVersion]) -> None:
    """Mark one doc_id's planned revisions against its registry rows (current or superseded)."""
    items.sort(key=lambda i: revision_order(i.meta.effective_date, i.meta.revision))
    current = next((v for v in served if v.status == DocumentStatus.CURRENT.value), None)
    best = revision_order(current.effective_date, current.revision) if current else None
    known = {(v.revision, v.content_hash) for v in served}
    for item in items:
        item.unchanged = (item.meta.revision, item.meta.content_hash) in known
        item.is_new_doc = current is None
        order = revision_order(item.meta.effective_date, item.meta.revision)
        item.not_older_than_current = best is None or order >= best
    choose_current(items)


_CHEAP_TO_PARSE = {".csv", ".xlsx"}


def schedule(todo: list[PlannedDoc]) -> list[PlannedDoc]:
    """Order work so the embedding model starts early: documents that need no heavy parser
    (CSV/XLSX exports) first, then the rest; a doc_id's revisions stay together, oldest first."""
    heavy: dict[str, bool] = defaultdict(bool)
    for item in todo:
        heavy[item.meta.doc_id] |= item.path.suffix.lower() not in _CHEAP_TO_PARSE
    return sorted(
        todo,
        key=lambda i: (
            heavy[i.meta.doc_id],
            i.meta.doc_id,
            revision_order(i.meta.effective_date, i.meta.revision),
        ),
    )
