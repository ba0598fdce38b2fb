"""``reindex`` repairs an index restored out of step with the registry, in both modes.

A database dump and a Chroma snapshot taken at different moments disagree in every way this
test creates by hand: a served version whose chunks are missing (snapshot older than the dump),
stale served flags both ways, and chunks of a version the registry never registered (snapshot
newer than the dump). The registry is the source of truth; one ``reindex`` brings the index in
line and a second finds nothing to do (docs/deployment.md, "Backups").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.db.tables import DocumentRow
from core.settings import Settings
from services.search import search
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import leftover_problems, served_problems

pytestmark = pytest.mark.integration


def version(components: Components, doc_id: str, status: str) -> str:
    with components.db.session() as session:
        row = session.query(DocumentRow).filter_by(doc_id=doc_id, status=status).first()
        assert row is not None, (doc_id, status)
        return row.version_key


def add_unregistered_copy(components: Components, key: str) -> None:
    """Chunks of a version the registry does not know (as if Chroma were newer than the dump)."""
    index = components.index
    ghost = key.split("::")[0] + "::9::feedface"
    chunks = [
        c.model_copy(update={"chunk_id": f"ghost-{c.chunk_id}", "version_key": ghost})
        for c in index.chunks_of_version(key)
    ]
    index.add(chunks, components.embedder().embed_documents([c.text for c in chunks]), True)


def test_reindex_makes_the_index_match_the_registry_again(
    backend: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "docs"
    for part in ("brookfield/sop", "all/sop"):
        shutil.copytree(SAMPLE_DOCS / part, corpus / part)
    components = build(backend)
    assert components.ingestor().ingest(corpus).failures == []
    index = components.index
    index.delete_version(version(components, "BRK-SOP-012", "current"))
    index.set_current(version(components, "BRK-SOP-002", "current"), False)
    index.set_current(version(components, "BRK-SOP-014", "superseded"), True)
    add_unregistered_copy(components, version(components, "BRK-SOP-020", "current"))
    assert served_problems(components) and leftover_problems(components)

    report = components.ingestor().reindex()
    assert report.failures == []
    repaired = report.repaired
    assert (repaired.documents_rebuilt, repaired.orphan_versions_deleted) == (1, 1)
    assert repaired.flags_fixed == 2
    assert served_problems(components) == [] and leftover_problems(components) == []
    hits = search(components, "clear a bottle jam on FILLER-2", "brookfield", "operator", k=5)
    assert "BRK-SOP-012" in {h.chunk.doc_id for h in hits}

    again = components.ingestor().reindex()
    assert again.repaired.model_dump() == {key: 0 for key in again.repaired.model_dump()}
    assert again.chunks.embedded == 0 and again.documents.updated == 0
    components.db.dispose()
