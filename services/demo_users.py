"""Demo accounts for ``make run``: one per role, with sites, and well-known passwords.

Idempotent: existing accounts are left as they are. A credential is printed only while the demo
password still works, so a changed password is never shown as if it were valid. These
passwords are public (they are in this file): never use ``users demo`` on a real installation.
"""

from __future__ import annotations

from pydantic import BaseModel

from core.db.engine import Database
from core.db.tables import UserRow
from core.models import Role
from core.settings import AuthSettings
from services.passwords import verify_password
from services.users import create_user


class DemoUser(BaseModel):
    """One demo account and what ``users demo`` did with it."""

    username: str
    display_name: str
    role: Role
    sites: tuple[str, ...]
    password: str
    created: bool = False
    password_valid: bool = True


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        username="olivia",
        display_name="Olivia (operator)",
        role=Role.OPERATOR,
        sites=("brookfield",),
        password="operator-demo-1",
    ),
    DemoUser(
        username="theo",
        display_name="Theo (technician)",
        role=Role.TECHNICIAN,
        sites=("brookfield", "calder"),
        password="technician-demo-1",
    ),
    DemoUser(
        username="quinn",
        display_name="Quinn (quality)",
        role=Role.QUALITY,
        sites=("brookfield", "calder", "dunmore"),
        password="quality-demo-1",
    ),
    DemoUser(
        username="ada",
        display_name="Ada (admin)",
        role=Role.ADMIN,
        sites=("brookfield", "calder", "dunmore"),
        password="admin-demo-1",
    ),
)


def ensure_demo_users(db: Database, settings: AuthSettings) -> list[DemoUser]:
    """Create the missing demo accounts; report for each whether its demo password still works."""
    out: list[DemoUser] = []
    for demo in DEMO_USERS:
        with db.session() as session:
            row = session.get(UserRow, demo.username)
            existing_hash = row.password_hash if row is not None else None
        if existing_hash is None:
            create_user(
                db, settings, demo.username, demo.password, demo.role, demo.sites, demo.display_name
            )
            out.append(demo.model_copy(update={"created": True}))
        else:
            valid = verify_password(demo.password, existing_hash)
            out.append(demo.model_copy(update={"password_valid": valid}))
    return out
