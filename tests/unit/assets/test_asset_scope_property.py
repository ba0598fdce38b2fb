"""Property: the asset view and the cross-site notice never show a record outside the scope.

The same generated worlds as the search property (tests/unit/retrieval/test_scope_property.py:
sites incl. ``all``, doc types, audiences, registry states incl. superseded, staged and removed
versions), each version linked to assets with one equipment model shared by every site. Ground
truth comes from the generated spec: a record may be shown only when its version is current,
its site is the asset's site (one of the scope's), and the scope's role is in its audience; a
notice names an incident only when its site is in the scope, and counts only incidents the
role may read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.assets import AssetLink, AssetProfile, LinkKind
from core.db.engine import Database
from core.models import AccessScope, DocType, DocumentStatus
from core.registry import document_row, ensure_site, insert_asset_links
from ingestion.asset_register import store_profiles
from services.assets import show_asset
from services.equipment import same_equipment_elsewhere
from tests.unit.retrieval.test_scope_property import (
    _LAYOUT,
    SITES,
    DocSpec,
    _version,
    doc_st,
    scope_st,
)

pytestmark = pytest.mark.unit

_COUNTER = itertools.count()
TAGS = ("PUMP-1", "PUMP-2")
_KINDS = {DocType.WORK_ORDER: LinkKind.ROW, DocType.MANUAL: LinkKind.SECTION}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('aprop') / 'registry.db'}")
    database.upgrade()
    with database.session() as s:
        for site in SITES:
            ensure_site(s, site)
    yield database
    database.dispose()


def build_world(db: Database, specs: list[DocSpec], tags: list[int]) -> tuple[str, list[tuple]]:
    """Write versions with links to ``<prefix>-PUMP-n``; return the prefix and ground truth
    rows (doc_id, site, doc_type, audience, status, tag)."""
    prefix = f"w{next(_COUNTER)}"
    truth: list[tuple] = []
    with db.session() as session:
        for site in SITES[:-1]:  # every site runs the same model, so notices cross sites
            profiles = [
                AssetProfile(site=site, tag=f"{prefix}-{t}", model=f"{prefix} model") for t in TAGS
            ]
            store_profiles(session, site, profiles, "")
        for n, (spec, t) in enumerate(zip(specs, tags, strict=True)):
            doc_id = f"{prefix}-d{n}"
            tag = f"{prefix}-{TAGS[t]}"
            for revision, status, _ in _LAYOUT[spec.state]:
                meta, chunks = _version(doc_id, spec, revision)
                row = document_row(meta, status, len(chunks))
                session.add(row)
                session.flush()
                kind = _KINDS.get(spec.doc_type, LinkKind.DOCUMENT)
                insert_asset_links(session, row.id, spec.site, [AssetLink(tag=tag, kind=kind)])
                truth.append((doc_id, spec.site, spec.doc_type, spec.audience, status, tag))
    return prefix, truth


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.lists(st.tuples(doc_st, st.integers(0, 1)), min_size=1, max_size=8),
    scopes=st.lists(scope_st, min_size=1, max_size=3),
)
def test_asset_view_and_notice_stay_in_scope(
    db: Database, data: list[tuple[DocSpec, int]], scopes: list[AccessScope]
) -> None:
    prefix, truth = build_world(db, [d for d, _ in data], [t for _, t in data])
    for scope in scopes:
        for site in sorted(scope.sites):
            for t in TAGS:
                tag = f"{prefix}-{t}"
                view = show_asset(db, scope, site, tag)
                shown = sorted(
                    r.doc_id
                    for r in [*view.sops, *view.incidents, *view.work_orders, *view.manual_sections]
                )
                expected = sorted(
                    d
                    for d, s, _, aud, status, tg in truth
                    if tg == tag and s == site and status is DocumentStatus.CURRENT
                    and scope.role in aud
                )  # fmt: skip
                assert shown == expected, (scope, site, tag)
                _check_notice(db, scope, site, tag, truth)


def _check_notice(
    db: Database, scope: AccessScope, site: str, tag: str, truth: list[tuple]
) -> None:
    notice = same_equipment_elsewhere(db, scope, site, tag)
    readable = {
        d
        for d, s, dt, aud, status, _ in truth
        if dt is DocType.INCIDENT and status is DocumentStatus.CURRENT and s not in (site, "all")
        and scope.role in aud
    }  # fmt: skip
    if not readable:
        assert notice is None
        return
    assert notice is not None
    for ref in notice.incidents:
        assert ref.site in scope.sites and ref.site != site, (ref, scope)
        assert ref.doc_id in readable
    assert notice.total == len(readable)
