"""Assets end to end: ``assets list/show`` on sample_docs, history answers counted from rows,
cross-site notices and the equipment review queue, and the registry kept current by ingest,
reindex and prune (hashing embedder, real Chroma and SQLite)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.cli.main import main
from core.db.tables import AssetLinkRow, DocumentRow
from core.errors import AccessDeniedError, NotFoundError
from core.models import AccessScope, Role, User
from services.ask import ask
from services.equipment import record_equipment_review, review_queue, same_equipment_elsewhere
from services.wiring import Components, build
from tests.conftest import SAMPLE_DOCS
from tests.helpers import export_rows, make_settings

pytestmark = pytest.mark.integration
WO_DUN = "dunmore/work_order/dun-cmms-export-2025.csv"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Components]]:
    root = tmp_path_factory.mktemp("assets")
    shutil.copytree(SAMPLE_DOCS, root / "docs")
    components = build(make_settings(root / "home"))
    report = components.ingestor().ingest(root / "docs")
    assert report.failures == [] and report.asset_registers == 3
    yield root, components


@pytest.fixture
def cli_home(sample: tuple[Path, Components], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANT_COPILOT_HOME", str(sample[0] / "home"))
    monkeypatch.setenv("PLANT_COPILOT_EMBEDDING__BACKEND", "hashing")
    return sample[0]


def test_list_names_real_tags_from_all_four_doc_types(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _json(capsys, "assets", "list", "--site", "brookfield")
    assert isinstance(rows, list)
    by_tag = {r["tag"]: r for r in rows}
    assert set(by_tag["FILLER-2"]["counts"]) == {"sop", "manual", "incident", "work_order"}
    assert by_tag["FILLER-2"]["model"] == "Castell CF-900"
    assert by_tag["P-401"]["model"] == "Castell CDS-50"
    assert all(r["site"] == "brookfield" for r in rows)


def test_show_is_scoped_by_role_and_counts_from_rows(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tech = _json(capsys, "assets", "show", "press 4", "--site", "calder", "--role", "technician")
    assert isinstance(tech, dict)
    view = tech["view"]
    assert view["tag"] == "IMM-4" and view["model"] == "Kestrel KH-350"
    incidents = [r["doc_id"] for r in view["incidents"]]
    assert "CAL-INC-2025-009" in incidents and "CAL-DEV-2025-004" not in incidents  # quality only
    rows = export_rows(cli_home / "docs" / "calder" / "work_order" / "cal-cmms-export-2025.xlsx")
    expected = [r for r in rows if r["asset"] == "IMM-4"]
    assert len(view["work_orders"]) == len(expected) > 0
    dates = [r["event_date"] for r in view["work_orders"]]
    assert dates == sorted(dates, reverse=True)
    assert sum(view["failure_modes"].values()) == len(expected)
    assert view["manual_sections"] and view["manual_sections"][0]["page"] == 1
    quality = _json(capsys, "assets", "show", "IMM-4", "--site", "calder", "--role", "quality")
    assert "CAL-DEV-2025-004" in [r["doc_id"] for r in quality["view"]["incidents"]]  # type: ignore[index]
    op = _json(capsys, "assets", "show", "IMM-4", "--site", "calder", "--role", "operator")
    assert op["view"]["work_orders"] == [] and op["view"]["incidents"] == []  # type: ignore[index]
    assert op["view"]["sops"]  # type: ignore[index]
    assert main(["assets", "show", "IMM-9", "--site", "calder", "--role", "admin"]) != 0


def test_history_answer_counts_rows_and_cites_them(sample: tuple[Path, Components]) -> None:
    root, components = sample
    rows = export_rows(root / "docs" / WO_DUN)
    leaks = [
        n for n, r in enumerate(rows, start=1)
        if r["asset"] == "P-302" and r["failure_mode"] == "LEAKAGE"
    ]  # fmt: skip
    result = ask(components, "How many times has P-302 leaked in 2025?", "dunmore", "technician")
    answer = result.answer
    assert answer.history is not None and answer.history.count == len(leaks) == 2
    assert {c.row for c in answer.citations if c.doc_id == "DUN-WO-2025"} == set(leaks)
    assert "DUN-INC-2025-012" in {c.doc_id for c in answer.citations}


def test_history_the_asker_may_not_read_goes_to_their_documents(
    sample: tuple[Path, Components],
) -> None:
    """An operator reads no work orders or incidents: the question is answered (or refused)
    from the operator's documents exactly as for an asset with no records, so nothing tells
    whether hidden records exist."""
    components = sample[1]
    denied = ask(components, "How many times has P-302 leaked in 2025?", "dunmore", "operator")
    answer = denied.answer
    assert answer.answerer != "asset-history" and answer.history is None
    assert "WO-DUN" not in answer.answer and "DUN-INC" not in answer.answer
    assert {c.doc_type for c in answer.citations} <= {"sop", "manual"}
    cited = {c.doc_id for c in answer.citations} | {d.doc_id for d in answer.closest_documents}
    assert not cited & {"DUN-WO-2025", "DUN-INC-2025-012"}


def test_notice_shows_details_only_inside_scope(sample: tuple[Path, Components]) -> None:
    db = sample[1].db
    brk = AccessScope(role=Role.TECHNICIAN, sites=frozenset({"brookfield"}))
    counted = same_equipment_elsewhere(db, brk, "brookfield", "P-401")
    assert counted is not None and counted.incidents == [] and counted.other_sites_count == 1
    assert "DUN-" not in counted.message()
    both = AccessScope(role=Role.TECHNICIAN, sites=frozenset({"brookfield", "dunmore"}))
    shown = same_equipment_elsewhere(db, both, "brookfield", "P-401")
    assert shown is not None and [i.doc_id for i in shown.incidents] == ["DUN-INC-2025-012"]
    op = AccessScope(role=Role.OPERATOR, sites=frozenset({"brookfield", "dunmore"}))
    assert same_equipment_elsewhere(db, op, "brookfield", "P-401") is None
    assert same_equipment_elsewhere(db, both, "brookfield", "CONV-3") is None  # no model
    with pytest.raises(AccessDeniedError):
        same_equipment_elsewhere(db, brk, "dunmore", "P-302")


def test_review_queue_proposes_the_other_sites_sop(sample: tuple[Path, Components]) -> None:
    db = sample[1].db
    quality = User(username="q1", role=Role.QUALITY, sites=frozenset({"brookfield", "dunmore"}))
    items = [i for i in review_queue(db, quality) if i.incident_doc_id == "DUN-INC-2025-012"]
    assert [i.sop_doc_id for i in items] == ["BRK-SOP-031"]
    assert items[0].proposed.label == "SOP needs update" and items[0].disposition is None
    done = record_equipment_review(db, quality, items[0].item_id, "sop_needs_update", "add rounds")
    assert done.disposition is not None
    again = {i.item_id: i for i in review_queue(db, quality)}[items[0].item_id]
    assert again.disposition == done.disposition and again.reviewer == "q1"
    local = User(username="q2", role=Role.QUALITY, sites=frozenset({"brookfield"}))
    hidden = [i for i in review_queue(db, local) if i.sop_doc_id == "BRK-SOP-031"]
    assert hidden and all(i.incident_doc_id is None and i.incident_title is None for i in hidden)
    with pytest.raises(NotFoundError):
        record_equipment_review(db, local, "nope", "no_change_needed")
    with pytest.raises(AccessDeniedError):
        review_queue(db, User(username="t", role=Role.TECHNICIAN, sites=frozenset({"dunmore"})))


@pytest.fixture
def dunmore(tmp_path: Path) -> tuple[Path, Components]:
    shutil.copytree(SAMPLE_DOCS / "dunmore", tmp_path / "docs" / "dunmore")
    components = build(make_settings(tmp_path / "home"))
    assert components.ingestor().ingest(tmp_path / "docs").failures == []
    return tmp_path / "docs", components


def _p302_orders(components: Components) -> list[str]:
    from services.assets import show_asset

    scope = AccessScope(role=Role.ADMIN, sites=frozenset({"dunmore"}))
    return [r.record_id for r in show_asset(components.db, scope, "dunmore", "P-302").work_orders]


def test_reindex_and_prune_keep_the_registry_current(dunmore: tuple[Path, Components]) -> None:
    docs, components = dunmore
    before = _p302_orders(components)
    export = docs / WO_DUN
    with export.open("a", encoding="utf-8") as handle:
        handle.write(
            "WO-DUN-259999,P-302,2025-11-14,P-302 seal weeping,replaced seal,LEAKAGE,OPEN\n"
        )
    report = components.ingestor().reindex(site="dunmore")
    assert report.failures == [] and report.documents.updated == 1
    assert _p302_orders(components) == ["WO-DUN-259999", *before]
    export.unlink()
    components.ingestor().ingest(docs, prune=True)
    assert _p302_orders(components) == []
    with components.db.session() as session:  # the removed version's links are not served
        served = session.scalars(
            select(func.count()).select_from(AssetLinkRow).join(DocumentRow)
            .where(DocumentRow.status == "current", DocumentRow.doc_type == "work_order")
        ).one()  # fmt: skip
    assert served == 0


def test_register_edits_apply_to_records_indexed_earlier(dunmore: tuple[Path, Components]) -> None:
    docs, components = dunmore
    from services.assets import show_asset

    scope = AccessScope(role=Role.ADMIN, sites=frozenset({"dunmore"}))
    register = docs / "dunmore" / "assets.yaml"
    register.write_text(register.read_text() + "  P-303: {aliases: [spare pump]}\n")
    assert components.ingestor().ingest(docs).asset_registers == 1
    text = register.read_text().replace("[standby transfer pump]", "[standby transfer pump, SP2]")
    register.write_text(text)
    components.ingestor().ingest(docs)
    assert show_asset(components.db, scope, "dunmore", "sp2").tag == "P-302"
    register.write_text("assets: [broken\n")
    report = components.ingestor().ingest(docs)
    assert report.failures[0].reason.startswith("assets.yaml is not readable YAML")
    assert show_asset(components.db, scope, "dunmore", "sp2").tag == "P-302"  # old register kept


def test_versions_without_links_are_relinked_without_re_embedding(
    dunmore: tuple[Path, Components],
) -> None:
    docs, components = dunmore
    expected = _p302_orders(components)
    with components.db.session() as session:  # as a database upgraded from 0006 looks
        session.execute(update(DocumentRow).values(assets_linked=False))
        session.query(AssetLinkRow).delete()
    assert _p302_orders(components) == []
    report = components.ingestor().ingest(docs)
    assert report.failures == [] and report.chunks.embedded == 0
    assert _p302_orders(components) == expected


def test_links_of_an_interrupted_version_are_discarded(dunmore: tuple[Path, Components]) -> None:
    from core.assets import AssetLink, LinkKind
    from core.registry import insert_asset_links, insert_staged
    from ingestion.writer import repair

    docs, components = dunmore
    with components.db.session() as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.status == "current")).first()
        assert row is not None
        from ingestion.metadata import MetaOverrides, resolve_metadata

        meta = resolve_metadata(
            Path(row.source_path), docs, MetaOverrides(), components.policy, "edited"
        )
        staged = insert_staged(session, meta, 0)
        insert_asset_links(
            session, staged.id, "dunmore", [AssetLink(tag="X-9", kind=LinkKind.DOCUMENT)]
        )
    repair(components.db, components.index)
    with components.db.session() as session:
        assert session.query(AssetLinkRow).filter(AssetLinkRow.tag == "X-9").count() == 0


def test_reviews_cli_lists_and_records(
    cli_home: Path, sample: tuple[Path, Components], capsys: pytest.CaptureFixture[str]
) -> None:
    from services.users import create_user

    components = sample[1]
    create_user(
        components.db, components.settings.auth, "qcli", "pw-123456789", "quality", "brookfield"
    )
    items = _json(capsys, "assets", "reviews", "--user", "qcli")
    assert isinstance(items, list) and items
    assert all(i["sop_site"] == "brookfield" and i["incident_doc_id"] is None for i in items)
    done = _json(capsys, "assets", "reviews", "--user", "qcli", "--record", items[0]["item_id"],
                 "--verdict", "no_change_needed")  # fmt: skip
    assert isinstance(done, list) and done[0]["disposition"] == "no_change_needed"
    assert main(["assets", "reviews", "--user", "qcli", "--record", "x"]) == 4  # not found
