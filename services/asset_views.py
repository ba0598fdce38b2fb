"""Asset use cases shared by the CLI and the UI: validate role and site, build the scope,
read the view and its cross-site notice (services.assets, services.equipment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.assets import AssetSummary
from core.models import AccessScope, Role, User
from core.registry import require_site, site_ids
from services.assets import AssetView, list_assets, show_asset
from services.equipment import EquipmentNotice, same_equipment_elsewhere

if TYPE_CHECKING:
    from services.wiring import Components


class AssetPage(BaseModel):
    """One asset's view and its "same equipment elsewhere" notice (None when there is none)."""

    view: AssetView
    notice: EquipmentNotice | None = None


def _sites(components: Components, sites: list[str]) -> frozenset[str]:
    with components.db.session() as session:
        if sites:
            return frozenset(require_site(session, s) for s in sites)
        return frozenset(s for s in site_ids(session) if s != "all")


def list_for(components: Components, sites: list[str], role: str) -> list[AssetSummary]:
    """``assets list``: the assets of ``sites`` (default all) with what ``role`` may read."""
    scope = AccessScope(role=Role.parse(role), sites=_sites(components, sites))
    return list_assets(components.db, scope)


def show_for(components: Components, tag: str, site: str, role: str) -> AssetPage:
    """``assets show``: one asset at one site, scoped to ``role`` at that site."""
    scope = AccessScope(role=Role.parse(role), sites=_sites(components, [site]))
    return page_for(components, scope, next(iter(scope.sites)), tag)


def page_for(components: Components, scope: AccessScope, site: str, tag: str) -> AssetPage:
    """The view and notice of ``tag`` at ``site`` for a scope (the UI passes all user sites)."""
    view = show_asset(components.db, scope, site, tag)
    notice = same_equipment_elsewhere(components.db, scope, site, view.tag)
    return AssetPage(view=view, notice=notice)


def user_page(components: Components, user: User, site: str, tag: str) -> AssetPage:
    """The Asset page of a logged-in user: every site of the user is in scope for the notice."""
    if site not in user.sites:
        user.scope(site)  # raises AccessDeniedError naming the site
    return page_for(components, user.scope(), site, tag)
