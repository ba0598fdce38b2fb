"""Asset domain: tag spelling, the equipment register of a site, and the links from records to
assets.

A tag is written many ways (``FILLER-2``, ``Filler 2``, ``filler2``); they share one *key*, the
tag's letters and digits upper-cased. Other spellings (``F-2``) are declared as aliases in the
site's ``assets.yaml``. The registry stores the tag as written plus its key and resolves the
canonical tag when it is read, so an alias added later applies to records indexed earlier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

ASSET_FILE = "assets.yaml"
"""The per-site equipment register: ``<root>/<site>/assets.yaml``."""

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def tag_key(tag: str) -> str:
    """The spelling-free key of a tag or model: ``Filler 2``, ``FILLER-2`` -> ``FILLER2``."""
    return _NON_ALNUM.sub("", tag.upper())


class AssetProfile(BaseModel):
    """One asset of a site's register: canonical tag, what it is, other spellings."""

    model_config = ConfigDict(frozen=True)

    site: str
    tag: str
    name: str = ""
    model: str = ""
    equipment_class: str = ""
    aliases: tuple[str, ...] = ()


class TagResolver:
    """Maps any known spelling of a tag at one site to its canonical tag."""

    def __init__(self, profiles: Iterable[AssetProfile], seen_tags: Iterable[str] = ()) -> None:
        self._by_key: dict[str, str] = {}
        self._profiles = tuple(profiles)
        self._aliases = frozenset(tag_key(a) for p in self._profiles for a in p.aliases)
        for tag in seen_tags:  # spellings found in records: the first one seen wins
            self._by_key.setdefault(tag_key(tag), tag.strip().upper())
        for profile in self._profiles:  # the register wins over record spellings
            self._by_key[tag_key(profile.tag)] = profile.tag
            for alias in profile.aliases:
                self._by_key[tag_key(alias)] = profile.tag

    def canonical(self, tag: str) -> str:
        """The register's tag for ``tag``; an unknown tag is returned upper-cased."""
        return self._by_key.get(tag_key(tag), tag.strip().upper())

    def keys_of(self, tag: str) -> set[str]:
        """Every key that resolves to the same canonical tag as ``tag``."""
        target = self.canonical(tag)
        keys = {k for k, v in self._by_key.items() if v == target}
        return keys | {tag_key(target), tag_key(tag)}

    def known(self, tag: str) -> bool:
        """True when the spelling resolves to a tag of the register or of a record."""
        return tag_key(tag) in self._by_key

    def spellings(self) -> dict[str, str]:
        """Key -> canonical tag, for finding tags in free text."""
        return dict(self._by_key)

    def alias_keys(self) -> frozenset[str]:
        """Keys of the register's declared aliases (they may be plain words)."""
        return self._aliases

    def profiles(self) -> tuple[AssetProfile, ...]:
        """The site's register entries."""
        return self._profiles


class LinkKind(StrEnum):
    """How a record is tied to an asset."""

    DOCUMENT = "document"  # the document's metadata names the asset
    SECTION = "section"  # a section of a manual that names the asset in its metadata
    ROW = "row"  # a work-order row whose asset column names it


class AssetLink(BaseModel):
    """One record about one asset, extracted at ingest; stored with the document version."""

    model_config = ConfigDict(frozen=True)

    tag: str
    kind: LinkKind
    chunk_id: str | None = None
    section: str = ""
    page: int | None = None
    row: int | None = None
    record_id: str = ""
    event_date: date | None = None
    failure_mode: str = ""
    summary: str = ""
    action: str = ""
    status: str = ""
    equipment_model: str = ""


class LinkedRecord(AssetLink):
    """A link as a reader sees it: the record, its document and where to cite it."""

    model_config = ConfigDict(frozen=False)

    site: str
    doc_id: str
    title: str
    doc_type: str
    revision: str
    effective_date: date | None = None
    source_path: str = ""

    @property
    def when(self) -> date | None:
        """The record's own date, else its document's effective date."""
        return self.event_date or self.effective_date


class AssetSummary(BaseModel):
    """One row of ``assets list``: a tag, what it is, and how many records of each type."""

    site: str
    tag: str
    name: str = ""
    model: str = ""
    equipment_class: str = ""
    counts: dict[str, int] = Field(default_factory=dict)
