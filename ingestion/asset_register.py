"""The per-site equipment register ``<root>/<site>/assets.yaml``: read, validate, store.

Format (see ``sample_docs/README.md``)::

    assets:
      IMM-4: {name: 350 t press, model: Kestrel KH-350, class: injection moulding machine,
              aliases: [Press 4]}

The site is the file's folder name unless the file says ``site:`` or ``--site`` is given. A
file that cannot be read is reported and the site keeps its previous register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.assets import ASSET_FILE, AssetProfile
from core.db.engine import Database
from core.db.tables import AssetProfileRow, utcnow
from core.errors import MetadataError, UsageError
from core.models import validate_site_id
from core.registry import ensure_site
from ingestion.report import IngestReport

_FIELDS = {"name", "model", "class", "aliases"}


def find_asset_files(path: Path) -> list[Path]:
    """The register files under an ingest path (the path itself when it is one)."""
    if path.is_file():
        return [path] if path.name == ASSET_FILE else []
    return sorted(p for p in path.rglob(ASSET_FILE) if p.is_file())


def _profile(site: str, tag: object, entry: object) -> AssetProfile:
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        raise MetadataError(f"asset {tag}: expected a mapping of name, model, class, aliases")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise MetadataError(f"asset {tag}: unknown field(s) {', '.join(sorted(unknown))}")
    aliases = entry.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return AssetProfile(
        site=site,
        tag=str(tag).strip().upper(),
        name=str(entry.get("name") or "").strip(),
        model=str(entry.get("model") or "").strip(),
        equipment_class=str(entry.get("class") or "").strip(),
        aliases=tuple(str(a).strip() for a in aliases if str(a).strip()),
    )


def load_asset_file(path: Path, site: str | None = None) -> tuple[str, list[AssetProfile]]:
    """(site, profiles) of one register file; raises MetadataError with a one-line reason."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MetadataError(f"{ASSET_FILE} is not readable YAML: {first}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("assets", {}), dict):
        raise MetadataError(f"{ASSET_FILE} must hold a mapping 'assets: {{TAG: {{...}}}}'")
    try:
        site_id = validate_site_id(str(site or raw.get("site") or path.parent.name))
    except UsageError as exc:
        raise MetadataError(str(exc)) from None
    profiles = [_profile(site_id, tag, entry) for tag, entry in (raw.get("assets") or {}).items()]
    return site_id, profiles


def store_profiles(
    session: Session, site: str, profiles: list[AssetProfile], source_path: str
) -> None:
    """Replace the register of ``site`` with ``profiles`` (one transaction)."""
    ensure_site(session, site)
    session.execute(delete(AssetProfileRow).where(AssetProfileRow.site_id == site))
    session.add_all(
        AssetProfileRow(
            site_id=site,
            tag=p.tag,
            name=p.name,
            model=p.model,
            equipment_class=p.equipment_class,
            aliases=list(p.aliases),
            source_path=source_path,
            updated_at=utcnow(),
        )
        for p in profiles
    )


def registered_files(session: Session, site: str | None = None) -> list[tuple[str, str]]:
    """(site, source path) of every stored register, for reindex and prune."""
    query = select(AssetProfileRow.site_id, AssetProfileRow.source_path).distinct()
    if site is not None:
        query = query.where(AssetProfileRow.site_id == site)
    return [(s, p) for s, p in session.execute(query) if p]


def drop_register(session: Session, site: str) -> None:
    """Forget a site's register (its file was pruned)."""
    session.execute(delete(AssetProfileRow).where(AssetProfileRow.site_id == site))


def read_profiles(session: Session, sites: set[str] | frozenset[str]) -> list[AssetProfile]:
    """The stored register entries of ``sites``."""
    rows = session.scalars(select(AssetProfileRow).where(AssetProfileRow.site_id.in_(sites)))
    return [
        AssetProfile(
            site=r.site_id,
            tag=r.tag,
            name=r.name,
            model=r.model,
            equipment_class=r.equipment_class,
            aliases=tuple(r.aliases or ()),
        )
        for r in rows
    ]


def ingest_registers(
    db: Database, files: list[Path], site: str | None, report: IngestReport
) -> None:
    """Store each register file; a bad one is reported and the site keeps its old register."""
    for path in files:
        try:
            site_id, profiles = load_asset_file(path, site)
        except MetadataError as exc:
            report.fail(str(path), str(exc))
            continue
        with db.session() as session:
            store_profiles(session, site_id, profiles, str(path.resolve()))
        report.asset_registers += 1


def prune_registers(db: Database, root: Path) -> None:
    """Forget registers whose file under ``root`` has gone."""
    prefix = str(root.resolve()).rstrip("/") + "/"
    with db.session() as session:
        for site_id, source in registered_files(session):
            if (source.startswith(prefix) or source == str(root.resolve())) and not Path(
                source
            ).is_file():
                drop_register(session, site_id)


def reread_registers(db: Database, site: str | None, report: IngestReport) -> None:
    """``reindex``: read every stored register (of ``site``) again from its file."""
    with db.session() as session:
        known = registered_files(session, site)
    for site_id, source in known:
        if Path(source).is_file():
            ingest_registers(db, [Path(source)], site_id, report)
        else:
            report.fail(source, "equipment register missing (kept; use ingest --prune)")
