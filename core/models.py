"""Typed domain models shared by every layer: roles, sites, documents, chunks, users, scopes.

Adapters translate to and from these; nothing outside an adapter sees a vendor type.
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.errors import AccessDeniedError, UnknownRoleError, UsageError

COMPANY_WIDE = "all"
"""Site id of documents that every site may read."""


class Role(StrEnum):
    """The four roles of the product; anything else is an error."""

    OPERATOR = "operator"
    TECHNICIAN = "technician"
    QUALITY = "quality"
    ADMIN = "admin"

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        """Return the role named ``value`` or raise :class:`UnknownRoleError` listing valid ones."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = ", ".join(r.value for r in cls)
            raise UnknownRoleError(f"unknown role {value!r} (valid: {valid})") from None


class DocType(StrEnum):
    """Kinds of plant document; the access policy maps each to default roles."""

    SOP = "sop"
    MANUAL = "manual"
    INCIDENT = "incident"
    WORK_ORDER = "work_order"

    @classmethod
    def parse(cls, value: str | DocType) -> DocType:
        """Return the doc type named ``value`` (``work-order`` is accepted) or raise UsageError."""
        key = str(value).strip().lower().replace("-", "_")
        try:
            return cls(key)
        except ValueError:
            valid = ", ".join(t.value for t in cls)
            raise UsageError(f"unknown doc type {value!r} (valid: {valid})") from None


def parse_roles(values: list[str] | tuple[str, ...] | str) -> frozenset[Role]:
    """Parse a comma string or a list of role names into a set of roles."""
    items = values.split(",") if isinstance(values, str) else list(values)
    roles = frozenset(Role.parse(v) for v in items if str(v).strip())
    if not roles:
        raise UnknownRoleError("an audience needs at least one role")
    return roles


def validate_site_id(value: str) -> str:
    """Normalise a site id: lower-case letters, digits, '-' and '_'; raise UsageError otherwise."""
    site = value.strip().lower()
    if not site or not all(c.isalnum() or c in "-_" for c in site) or len(site) > 64:
        raise UsageError(f"invalid site id {value!r} (letters, digits, '-' and '_' only)")
    return site


class DocumentStatus(StrEnum):
    """Life cycle of one document revision in the registry.

    ``staged`` rows have chunks being written and are never served; ``current`` is the one served
    revision of a doc_id; ``superseded`` is an older revision kept for audit; ``replaced`` (same
    revision, edited content) and ``removed`` (file pruned or deleted) have their chunks deleted.
    """

    STAGED = "staged"
    CURRENT = "current"
    SUPERSEDED = "superseded"
    REPLACED = "replaced"
    REMOVED = "removed"


class DocumentMeta(BaseModel):
    """Resolved metadata of one document revision, before or after indexing."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    site: str
    doc_type: DocType
    revision: str = "1"
    effective_date: date | None = None
    audience: frozenset[Role]
    assets: tuple[str, ...] = ()
    equipment_models: tuple[tuple[str, str], ...] = ()
    """(tag, equipment model) pairs a manual declares, e.g. ``(("IMM-4", "Kestrel KH-350"),)``."""
    source_path: str
    content_hash: str
    build: str = ""
    """Set when the same content is rebuilt (``reindex --full``) so the rebuild is a new version."""

    @property
    def version_key(self) -> str:
        """Identity of this exact content of this revision: ``doc_id::revision::hash16[::build]``."""
        return version_key(self.doc_id, self.revision, self.content_hash, self.build)


def version_key(doc_id: str, revision: str, content_hash: str, build: str = "") -> str:
    """Build the key that ties a registry row to its chunks in the vector index."""
    key = f"{doc_id}::{revision}::{content_hash[:16]}"
    return f"{key}::{build}" if build else key


class BlockKind(StrEnum):
    """What a parsed block is; tables and records are never split."""

    TITLE = "title"
    TEXT = "text"
    LIST_ITEM = "list_item"
    TABLE = "table"
    RECORD = "record"


class Block(BaseModel):
    """One parsed element of a document, with where it sits (section path, page or row)."""

    kind: BlockKind
    text: str
    section_path: tuple[str, ...] = ()
    page: int | None = None
    row: int | None = None
    record_fields: dict[str, str] = Field(default_factory=dict)


class Chunk(BaseModel):
    """A retrievable unit of one document revision, with everything a citation needs."""

    chunk_id: str
    version_key: str
    doc_id: str
    ordinal: int
    text: str
    title: str
    site: str
    doc_type: DocType
    revision: str
    effective_date: date | None = None
    audience: frozenset[Role]
    section_path: tuple[str, ...] = ()
    page: int | None = None
    row: int | None = None
    kind: BlockKind = BlockKind.TEXT
    assets: tuple[str, ...] = ()
    safety_notices: tuple[str, ...] = ()
    source_path: str = ""

    @property
    def section(self) -> str:
        """Section path joined for display, e.g. ``Procedure > Clearing the jam``."""
        return " > ".join(self.section_path)

    @property
    def text_hash(self) -> str:
        """Hash of the embedded text, used to reuse embeddings of unchanged chunks."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:24]


class AccessScope(BaseModel):
    """What a user may read: one role, a set of sites (plus company-wide documents)."""

    model_config = ConfigDict(frozen=True)

    role: Role
    sites: frozenset[str]
    include_superseded: bool = False

    @field_validator("sites")
    @classmethod
    def _sites_not_empty(cls, value: frozenset[str]) -> frozenset[str]:
        if not value:
            raise UsageError("an access scope needs at least one site")
        return frozenset(validate_site_id(s) for s in value)

    @property
    def readable_sites(self) -> frozenset[str]:
        """The user's sites plus the company-wide pseudo-site."""
        return self.sites | {COMPANY_WIDE}

    def allows(self, chunk_site: str, chunk_audience: frozenset[Role], current: bool) -> bool:
        """True when a chunk with these attributes is inside the scope."""
        return (
            chunk_site in self.readable_sites
            and self.role in chunk_audience
            and (current or self.include_superseded)
        )


class User(BaseModel):
    """An authenticated person; the role and sites define the access scope."""

    username: str
    role: Role
    sites: frozenset[str]
    display_name: str = ""
    disabled: bool = False

    def scope(self, site: str | None = None) -> AccessScope:
        """The scope for a question about one of the user's sites (or all of them)."""
        if site is None:
            return AccessScope(role=self.role, sites=self.sites)
        site_id = validate_site_id(site)
        if site_id not in self.sites:
            raise AccessDeniedError(f"user {self.username!r} has no access to site {site_id!r}")
        return AccessScope(role=self.role, sites=frozenset({site_id}))


def file_sha256(path: Path) -> str:
    """Content hash of a file, streamed so large files do not load into memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
