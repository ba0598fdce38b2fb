"""The scale-corpus generator (bench/scale_corpus) at a tiny scale: deterministic, laid out
as ingestion expects, and with the counts its summary claims."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from bench.scale_corpus import generate
from bench.scale_corpus.common import SITES, Plan
from core.models import DocType
from core.policy import AccessPolicy
from ingestion.discovery import discover
from ingestion.metadata import MetaOverrides, resolve_metadata

pytestmark = pytest.mark.unit

TINY = Plan(scale=0.002, seed=5)


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("scale") / "corpus"
    return root, generate(root, TINY, sample_docs=None)


def test_same_seed_gives_byte_identical_files(corpus, tmp_path: Path) -> None:
    root, _ = corpus
    again = generate(tmp_path / "again", TINY, sample_docs=None)
    assert _digests(root) == _digests(Path(again.root))


def test_another_seed_gives_other_content(corpus, tmp_path: Path) -> None:
    root, _ = corpus
    other = generate(tmp_path / "other", Plan(scale=TINY.scale, seed=6), sample_docs=None)
    mine, theirs = _digests(root), _digests(Path(other.root))
    common = mine.keys() & theirs.keys()
    assert len(common) > len(mine) // 2
    assert sum(mine[k] != theirs[k] for k in common) > len(common) // 2


def test_every_document_resolves_from_the_layout(corpus) -> None:
    root, _ = corpus
    files, ignored = discover(root)
    assert ignored == 1  # SCALE_CORPUS.txt
    kinds: Counter[tuple[str, DocType]] = Counter()
    for path in files:
        rel = path.relative_to(root).parts
        assert len(rel) == 3 and rel[0] in SITES, rel
        meta = resolve_metadata(path, root, MetaOverrides(), AccessPolicy(), "x")
        assert (meta.site, meta.doc_type.value) == (rel[0], rel[1])
        kinds[(meta.site, meta.doc_type)] += 1
    for site in SITES:
        for doc_type in (DocType.SOP, DocType.INCIDENT, DocType.WORK_ORDER):
            assert kinds[(site, doc_type)] >= 1, (site, doc_type)
    assert sum(n for (_, doc_type), n in kinds.items() if doc_type is DocType.MANUAL) == 1


def test_counts_match_the_summary_and_the_plan(corpus) -> None:
    root, summary = corpus
    rows = 0
    for path in root.glob("*/work_order/*.csv"):
        with path.open(encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.reader(handle)) - 1
    xlsx = list(root.glob("calder/work_order/*.xlsx"))
    assert xlsx and rows > 0
    per_site = -(-TINY.wo_rows_per_site // 6) * 6
    assert summary.work_order_rows == per_site * len(SITES)
    assert summary.manual_pages == TINY.manual_pages * TINY.manuals
    assert summary.total_files == sum(1 for p in root.rglob("*") if p.is_file())
    assert summary.files_by_type[".pdf"] == TINY.manuals
    assert summary.sop_files >= summary.sop_doc_ids == TINY.sops_per_site * len(SITES)


def test_older_revisions_exist_beside_newer_ones(corpus) -> None:
    root, _ = corpus
    revisions: dict[str, set[str]] = {}
    for path in root.glob("*/*/*.md"):
        meta = resolve_metadata(path, root, MetaOverrides(), AccessPolicy(), "x")
        revisions.setdefault(meta.doc_id, set()).add(meta.revision)
    assert any(len(revs) >= 2 for revs in revisions.values())
