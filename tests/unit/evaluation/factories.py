"""Hand-made golden cases and results for the evaluation unit tests."""

from __future__ import annotations

from typing import Any

from core.models import Role
from eval.golden_set import GoldenCase, RelevantRef
from eval.records import CaseResult, SourceRecord

ALL_ROLES = frozenset(Role)


def case(
    cid: str = "q1",
    relevant: list[RelevantRef] | None = None,
    answerable: bool = True,
    notes: str = "",
    **extra: Any,
) -> GoldenCase:
    """A case at brookfield for an operator; answerable cases default to DOC-A."""
    rel = (
        relevant if relevant is not None else ([RelevantRef(doc_id="DOC-A")] if answerable else [])
    )
    fields: dict[str, Any] = {
        "id": cid,
        "question": f"question {cid}?",
        "site": "brookfield",
        "role": "operator",
        "answerable": answerable,
        "relevant": rel,
        "must_include": ["2.0%"] if answerable else [],
        "notes": notes,
    }
    fields.update(extra)
    return GoldenCase.model_validate(fields)


def src(
    doc_id: str,
    section: tuple[str, ...] = (),
    page: int | None = None,
    row: int | None = None,
    site: str = "brookfield",
    audience: frozenset[Role] = ALL_ROLES,
    current: bool = True,
) -> SourceRecord:
    """A retrieved or cited chunk of ``doc_id``."""
    return SourceRecord(
        chunk_id=f"{doc_id}#{len(section)}{page}{row}",
        doc_id=doc_id,
        doc_type="sop",
        site=site,
        audience=audience,
        current=current,
        section_path=section,
        page=page,
        row=row,
    )


def result(c: GoldenCase, hits: list[SourceRecord], **fields: Any) -> CaseResult:
    """A result whose citations default to the first hit, answered with the must_include."""
    defaults: dict[str, Any] = {
        "citations": hits[:1],
        "answer": " ".join(c.must_include) or "The documents available to you do not answer this.",
        "abstained": not c.answerable,
        "search_ms": 10.0,
        "ask_ms": 20.0,
        "doc_type": "sop",
    }
    defaults.update(fields)
    return CaseResult(case=c, hits=hits, **defaults)


MAINTENANCE = frozenset({Role.TECHNICIAN, Role.QUALITY, Role.ADMIN})

GOLDEN = [
    {
        "id": "q1",
        "question": "What caustic concentration do we use for the filler CIP wash?",
        "site": "brookfield",
        "role": "operator",
        "answerable": True,
        "relevant": [{"doc_id": "BRK-SOP-14", "section": "CIP parameters"}],
        "must_include": ["2.0%"],
        "notes": "",
    },
    {
        "id": "q2",
        "question": "What caused the hand laceration on FILLER-2?",
        "site": "brookfield",
        "role": "operator",
        "answerable": False,
        "relevant": [],
        "must_include": [],
        "notes": "probe: BRK-INC-1 is an incident, not readable by operators",
        "hidden_facts": ["pocket 7"],
    },
    {
        "id": "q3",
        "question": "What is the carbonation target for Lemon Sparkle?",
        "site": "calder",
        "role": "technician",
        "answerable": False,
        "relevant": [],
        "must_include": [],
        "notes": "unanswerable: no product specification",
    },
]
