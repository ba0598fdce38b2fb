"""Opening a cited document's original file, access-checked against the document's CURRENT version.

A citation may be old (the interaction was logged before a new revision came in), so the check
and the file are both taken from the registry's current row: the user's role must be in its
audience and its site must be one of the user's sites or company-wide. Superseded or deleted
documents are not downloadable here (quality reviewers see their stored text instead).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from pydantic import BaseModel

from core.db.engine import Database
from core.errors import AccessDeniedError, NotFoundError, UsageError
from core.models import AccessScope, Role, User, parse_roles
from core.registry import current_row


class SourceFile(BaseModel):
    """A downloadable original: name, MIME type, bytes, and which revision it is."""

    doc_id: str
    revision: str
    file_name: str
    mime: str
    data: bytes


class CurrentSource(BaseModel):
    """The served version of a document as far as downloads are concerned."""

    doc_id: str
    revision: str
    site: str
    audience: frozenset[Role]
    source_path: str


def current_source(db: Database, doc_id: str) -> CurrentSource:
    """The current registry row of ``doc_id``, or NotFoundError when nothing is served."""
    with db.session() as session:
        row = current_row(session, doc_id)
        if row is None:
            raise NotFoundError(f"{doc_id} is no longer served (superseded or deleted)")
        return CurrentSource(
            doc_id=row.doc_id,
            revision=row.revision,
            site=row.site_id,
            audience=parse_roles(row.audience),
            source_path=row.source_path,
        )


def check_source_access(user: User, source: CurrentSource) -> None:
    """AccessDeniedError unless the user's role and sites allow this version."""
    scope = AccessScope(role=user.role, sites=user.sites)
    if not scope.allows(source.site, source.audience, current=True):
        raise AccessDeniedError(f"{user.username!r} may not open {source.doc_id}")


class DownloadInfo(BaseModel):
    """What a download button needs before the click: the file name, type and revision."""

    doc_id: str
    revision: str
    file_name: str
    mime: str


def download_info(db: Database, user: User, doc_id: str) -> DownloadInfo | None:
    """The current version's file details when the user may download it, else None.

    Cheap (one registry read, no file read): the bytes are read by :func:`open_source` on click.
    """
    try:
        source = current_source(db, doc_id)
        check_source_access(user, source)
    except (AccessDeniedError, NotFoundError):
        return None
    name = Path(source.source_path).name
    return DownloadInfo(
        doc_id=source.doc_id,
        revision=source.revision,
        file_name=name,
        mime=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


def open_source(db: Database, user: User, doc_id: str, max_bytes: int) -> SourceFile:
    """Read the original file of ``doc_id``'s current version for ``user``.

    Raises AccessDeniedError (role or site), NotFoundError (not served, file gone) or
    UsageError for files over ``max_bytes`` (a guard against serving huge files).
    """
    source = current_source(db, doc_id)
    check_source_access(user, source)
    path = Path(source.source_path)
    if not path.is_file():
        raise NotFoundError(f"the original file of {doc_id} is no longer at {path}")
    if path.stat().st_size > max_bytes:
        raise UsageError(f"{path.name} is larger than the download limit ({max_bytes} bytes)")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return SourceFile(
        doc_id=source.doc_id,
        revision=source.revision,
        file_name=path.name,
        mime=mime,
        data=path.read_bytes(),
    )
