"""Which UI pages each role may open. Navigation shows only these, and every page re-checks
through :func:`require_page` before drawing anything, so a direct URL cannot bypass the menu.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import AccessDeniedError
from core.models import Role


class Page(StrEnum):
    """The pages of the app; the value is the URL path."""

    CHAT = "chat"
    ASSET = "asset"
    REVIEW = "review"
    ADMIN = "admin"


PAGE_ROLES: dict[Page, frozenset[Role]] = {
    Page.CHAT: frozenset(Role),
    Page.ASSET: frozenset({Role.TECHNICIAN, Role.QUALITY, Role.ADMIN}),
    Page.REVIEW: frozenset({Role.QUALITY, Role.ADMIN}),
    Page.ADMIN: frozenset({Role.ADMIN}),
}


def pages_for(role: str | Role) -> list[Page]:
    """The pages a role may open, in menu order."""
    role_ = Role.parse(role)
    return [page for page in Page if role_ in PAGE_ROLES[page]]


def can_open(role: str | Role, page: Page) -> bool:
    """True when ``role`` may open ``page``."""
    return Role.parse(role) in PAGE_ROLES[page]


def require_page(role: str | Role, page: Page) -> None:
    """Raise AccessDeniedError unless ``role`` may open ``page``."""
    if not can_open(role, page):
        raise AccessDeniedError(f"the {Role.parse(role).value} role may not open the {page} page")
