"""Versioned prompt templates, shipped as package data next to this module.

``answer_<version>.txt`` is the system prompt of the optional LLM answerer;
``roles/<role>_<version>.txt`` adds the instructions for one role. A prompt change is a new
version file (``answer_v2.txt``), never an edit of a released one, so that an interaction
record naming ``v1`` keeps meaning what it meant. Placeholders use ``string.Template``
(``$abstain_phrase``) so that braces in prompt text need no escaping.
"""

from __future__ import annotations

import re
from importlib import resources
from string import Template

from core.errors import UsageError
from core.models import Role

_VERSION = re.compile(r"v\d{1,3}")


def _read(*parts: str) -> str:
    """Read one packaged text file; raise UsageError naming it when it does not exist."""
    node = resources.files(__name__)
    for part in parts:
        node = node.joinpath(part)
    try:
        return node.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise UsageError(f"prompt file {'/'.join(parts)} is missing") from exc


def _check_version(version: str) -> str:
    if not _VERSION.fullmatch(version):
        raise UsageError(f"invalid prompt version {version!r} (expected v1, v2, ...)")
    return version


def answer_template(version: str = "v1") -> Template:
    """The system prompt template of the answerer, version ``version``."""
    return Template(_read(f"answer_{_check_version(version)}.txt"))


def role_instructions(role: Role | str, version: str = "v1") -> str:
    """The extra instructions for one role (operator, technician, quality, admin)."""
    name = Role.parse(role).value
    return _read("roles", f"{name}_{_check_version(version)}.txt").strip()


def system_prompt(role: Role | str, abstain_phrase: str, version: str = "v1") -> str:
    """The complete system prompt for ``role``: rules, fixed abstention phrase, role part."""
    return (
        answer_template(version)
        .substitute(
            abstain_phrase=abstain_phrase, role_instructions=role_instructions(role, version)
        )
        .strip()
    )
