"""Metadata precedence: CLI flags > sidecar / front matter > folder layout > policy defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import MetadataError
from core.models import DocType, Role
from core.policy import AccessPolicy
from ingestion.metadata import MetaOverrides, layout_site_and_type, resolve_metadata

pytestmark = pytest.mark.unit
POLICY = AccessPolicy()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_layout_gives_site_and_type(tmp_path: Path) -> None:
    doc = write(tmp_path / "calder" / "incident" / "ir-7.md", "# Incident\n")
    meta = resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h")
    assert (meta.site, meta.doc_type, meta.doc_id) == ("calder", DocType.INCIDENT, "calder-ir-7")
    assert meta.audience == frozenset({Role.TECHNICIAN, Role.QUALITY, Role.ADMIN})


def test_root_may_itself_be_the_site_folder(tmp_path: Path) -> None:
    doc = write(tmp_path / "calder" / "sop" / "a.md", "x")
    assert layout_site_and_type(doc, tmp_path / "calder") == ("calder", DocType.SOP)


def test_front_matter_beats_layout_and_flags_beat_front_matter(tmp_path: Path) -> None:
    doc = write(
        tmp_path / "calder" / "sop" / "a.md",
        "---\ndoc_id: CAL-SOP-1\nrevision: 3\neffective_date: 2025-06-01\n"
        "audience: [quality, admin]\nassets: [imm-4, EXT-2]\ntitle: Purge\n---\n# Body\n",
    )
    meta = resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h")
    assert (meta.doc_id, meta.revision, meta.title) == ("CAL-SOP-1", "3", "Purge")
    assert meta.effective_date == date(2025, 6, 1)
    assert meta.audience == frozenset({Role.QUALITY, Role.ADMIN})
    assert meta.assets == ("EXT-2", "IMM-4")
    flagged = resolve_metadata(
        doc,
        tmp_path,
        MetaOverrides(site="dunmore", revision="4", audience=frozenset({Role.OPERATOR})),
        POLICY,
        "h",
    )
    assert (flagged.site, flagged.revision) == ("dunmore", "4")
    assert flagged.audience == frozenset({Role.OPERATOR, Role.ADMIN})


def test_sidecar_is_read_for_binary_files(tmp_path: Path) -> None:
    doc = tmp_path / "dunmore" / "manual" / "r101.pdf"
    doc.parent.mkdir(parents=True)
    doc.write_bytes(b"%PDF-1.4")
    write(doc.with_name("r101.pdf.meta.yaml"), "doc_id: DUN-MAN-R101\nrevision: B\n")
    meta = resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h")
    assert (meta.doc_id, meta.revision, meta.doc_type) == ("DUN-MAN-R101", "B", DocType.MANUAL)


@pytest.mark.parametrize(
    ("front", "needle"),
    [
        ("audience: [operator, boss]", "unknown role 'boss'"),
        ("effective_date: next tuesday", "not an ISO date"),
        ("colour: red", "unknown metadata field"),
        ("doc_type: recipe", "unknown doc type"),
    ],
)
def test_bad_metadata_is_a_clear_error(tmp_path: Path, front: str, needle: str) -> None:
    doc = write(tmp_path / "calder" / "sop" / "a.md", f"---\n{front}\n---\ntext\n")
    with pytest.raises(MetadataError, match=needle):
        resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h")


def test_missing_site_is_a_clear_error(tmp_path: Path) -> None:
    doc = write(tmp_path / "loose.md", "text")
    with pytest.raises(MetadataError, match="no site"):
        resolve_metadata(doc, tmp_path, MetaOverrides(doc_type=DocType.SOP), POLICY, "h")


def test_hash_changes_with_metadata_not_only_bytes(tmp_path: Path) -> None:
    doc = write(tmp_path / "calder" / "sop" / "a.md", "x")
    one = resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h")
    two = resolve_metadata(
        doc, tmp_path, MetaOverrides(audience=frozenset({Role.QUALITY})), POLICY, "h"
    )
    assert one.version_key != two.version_key
    assert (
        one.version_key == resolve_metadata(doc, tmp_path, MetaOverrides(), POLICY, "h").version_key
    )
