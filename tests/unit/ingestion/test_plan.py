"""Planning a run: unchanged versions recognised from the registry in a few queries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event

from core.db.engine import Database
from core.models import DocType, DocumentMeta, Role
from core.registry import ensure_site
from ingestion.plan import PlannedDoc, decide
from ingestion.report import IngestReport
from ingestion.writer import write_version
from retrieval.memory_index import InMemoryVectorIndex

pytestmark = pytest.mark.unit


def meta(doc_id: str, revision: str, content: str) -> DocumentMeta:
    return DocumentMeta(
        doc_id=doc_id,
        title=doc_id,
        site="brookfield",
        doc_type=DocType.SOP,
        revision=revision,
        audience=frozenset(Role),
        source_path=f"/{doc_id}.md",
        content_hash=f"{revision}-{content}".ljust(16, "0"),
    )


def planned(m: DocumentMeta) -> PlannedDoc:
    return PlannedDoc(path=Path(m.source_path), meta=m)


def test_unchanged_new_and_older_revisions_in_a_bounded_number_of_queries(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.upgrade()
    with db.session() as session:
        ensure_site(session, "brookfield")
    index = InMemoryVectorIndex()
    for i in range(600):
        write_version(db, index, meta(f"D{i}", "2", "a"), [], np.zeros((0, 8), "float32"), True)
    queries: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    items = [planned(meta(f"D{i}", "2", "a")) for i in range(600)]
    items += [
        planned(meta("D1", "3", "b")),
        planned(meta("D2", "1", "c")),
        planned(meta("N", "1", "d")),
    ]
    report = IngestReport()
    by_key = {(p.meta.doc_id, p.meta.revision): p for p in decide(db, items, report)}
    assert len(queries) <= 10, len(queries)
    assert by_key[("D0", "2")].unchanged and not by_key[("D0", "2")].is_new_doc
    assert not by_key[("D1", "3")].unchanged and by_key[("D1", "3")].become_current
    assert not by_key[("D1", "2")].become_current
    assert not by_key[("D2", "1")].not_older_than_current
    assert by_key[("N", "1")].is_new_doc and by_key[("N", "1")].become_current
    assert report.sites_created == []  # brookfield existed already
    db.dispose()
