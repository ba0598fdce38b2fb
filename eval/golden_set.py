"""The golden evaluation set: typed cases read from JSONL, with errors that name the line.

Format: ``eval/golden/README.md``. Each line is one :class:`GoldenCase`. Permission probes may
carry ``hidden_facts``: short strings that only the out-of-scope document contains; an answer
that contains one has leaked it. They are either a field of the line or, to keep the golden file
in its documented shape, listed in a side file ``<golden stem>.probe_facts.json`` mapping case id
to strings (``eval/golden/sample.probe_facts.json``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import UsageError
from core.models import Role, validate_site_id

_DOC_ID = re.compile(r"\b[A-Z]{3}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


class GoldenFormatError(UsageError):
    """A golden file that cannot be read; the message names the file and line."""


class CaseKind(StrEnum):
    """What a golden question tests."""

    ANSWERABLE = "answerable"
    UNANSWERABLE = "unanswerable"
    PROBE = "probe"


class RelevantRef(BaseModel):
    """A relevant passage: a document, optionally narrowed to a section, page or row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str = Field(min_length=1)
    section: str | None = None
    page: int | None = Field(default=None, ge=1)
    row: int | None = Field(default=None, ge=1)


class GoldenCase(BaseModel):
    """One golden question with its asker, expected sources and expected key facts."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    site: str
    role: Role
    answerable: bool
    relevant: list[RelevantRef] = Field(default_factory=list)
    must_include: list[str] = Field(default_factory=list)
    notes: str = ""
    hidden_facts: list[str] = Field(default_factory=list)
    expected_count: int | None = Field(default=None, ge=0)
    """Asset-history questions: how many work-order rows answer the count (the rows are the
    ``relevant`` entries with a ``row``)."""
    as_of: date | None = None
    """The date "this year" or "last month" is relative to (default: the day it is run)."""

    @field_validator("site")
    @classmethod
    def _site(cls, value: str) -> str:
        return validate_site_id(value)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> Role:
        return Role.parse(str(value))

    @model_validator(mode="after")
    def _consistent(self) -> GoldenCase:
        if self.answerable and not self.relevant:
            raise ValueError("an answerable case needs at least one relevant document")
        if not self.answerable and (self.relevant or self.must_include):
            raise ValueError("an unanswerable case has no relevant documents and no must_include")
        rows = [r for r in self.relevant if r.row is not None]
        if self.expected_count and len(rows) != self.expected_count:
            raise ValueError("expected_count must equal the number of relevant rows listed")
        return self

    @property
    def kind(self) -> CaseKind:
        """Answerable, unanswerable, or permission probe (notes start with ``probe:``)."""
        if self.answerable:
            return CaseKind.ANSWERABLE
        return CaseKind.PROBE if self.notes.startswith("probe:") else CaseKind.UNANSWERABLE

    @property
    def relevant_doc_ids(self) -> list[str]:
        """Distinct relevant doc ids, in the order listed."""
        return list(dict.fromkeys(r.doc_id for r in self.relevant))

    @property
    def probe_doc_ids(self) -> list[str]:
        """Out-of-scope doc ids named in a probe's notes."""
        if self.kind is not CaseKind.PROBE:
            return []
        return list(dict.fromkeys(_DOC_ID.findall(self.notes)))

    @property
    def safety(self) -> bool:
        """Marked safety-critical in its notes."""
        return "safety" in self.notes.lower()


def probe_facts_path(golden: Path) -> Path:
    """The side file of hidden facts that belongs to a golden file."""
    return golden.with_name(f"{golden.stem}.probe_facts.json")


def _read_probe_facts(path: Path) -> dict[str, list[str]]:
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldenFormatError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in raw.values()
    ):
        raise GoldenFormatError(f"{path}: expected an object mapping case id to a list of strings")
    return {str(k): list(v) for k, v in raw.items()}


def _parse_line(path: Path, lineno: int, line: str) -> GoldenCase:
    try:
        return GoldenCase.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        raise GoldenFormatError(f"{path}:{lineno}: not valid JSON: {exc.msg}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise GoldenFormatError(f"{path}:{lineno}: {where}: {first['msg']}") from exc
    except UsageError as exc:  # unknown role or bad site id raised by the validators
        raise GoldenFormatError(f"{path}:{lineno}: {exc}") from exc


def load_golden(path: Path) -> list[GoldenCase]:
    """Read and validate a golden JSONL file (plus its probe-facts side file, if any).

    Raises GoldenFormatError naming ``file:line`` for the first bad line, a duplicate id, or a
    side-file entry for an unknown case.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldenFormatError(f"cannot read golden file {path}: {exc.strerror}") from exc
    cases: list[GoldenCase] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case = _parse_line(path, lineno, line)
        if case.id in seen:
            raise GoldenFormatError(
                f"{path}:{lineno}: duplicate id {case.id!r} (first on line {seen[case.id]})"
            )
        seen[case.id] = lineno
        cases.append(case)
    if not cases:
        raise GoldenFormatError(f"{path}: no cases")
    facts = _read_probe_facts(probe_facts_path(path))
    unknown = sorted(set(facts) - set(seen))
    if unknown:
        raise GoldenFormatError(f"{probe_facts_path(path)}: unknown case ids {unknown}")
    for case in cases:
        case.hidden_facts = list(dict.fromkeys([*case.hidden_facts, *facts.get(case.id, [])]))
    return cases
