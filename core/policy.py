"""Per-installation access policy: which roles read which document types by default.

A document's own ``audience`` overrides the default (e.g. a deviation investigation for quality
and admin only). The policy is data, loaded from an optional YAML file named in settings.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

from core.errors import UsageError
from core.models import DocType, Role, parse_roles

_ALL = frozenset(Role)
_MAINTENANCE = frozenset({Role.TECHNICIAN, Role.QUALITY, Role.ADMIN})

DEFAULT_AUDIENCE: dict[DocType, frozenset[Role]] = {
    DocType.SOP: _ALL,
    DocType.MANUAL: _ALL,
    DocType.INCIDENT: _MAINTENANCE,
    DocType.WORK_ORDER: _MAINTENANCE,
}


class AccessPolicy(BaseModel):
    """Maps each doc type to the roles that may read it unless a document says otherwise."""

    by_doc_type: dict[DocType, frozenset[Role]] = DEFAULT_AUDIENCE

    def audience_for(
        self, doc_type: DocType, override: frozenset[Role] | None = None
    ) -> frozenset[Role]:
        """The effective audience: the document's own when given, else the policy's default.

        Admins always keep read access so that they can audit what the index holds.
        """
        roles = override if override else self.by_doc_type[doc_type]
        return roles | {Role.ADMIN}

    @classmethod
    def load(cls, path: Path | None) -> AccessPolicy:
        """Read a YAML mapping ``doc_type: [roles]``; missing types keep their default."""
        if path is None:
            return cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise UsageError(f"cannot read access policy {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise UsageError(f"access policy {path} must map doc types to role lists")
        mapping = dict(DEFAULT_AUDIENCE)
        for key, roles in raw.items():
            mapping[DocType.parse(key)] = parse_roles(roles)
        return cls(by_doc_type=mapping)
