"""Hand-written plant chunks and a tiny scoped retriever fake, shared by the answering tests.

The texts are realistic SOP, manual, work-order and incident excerpts for two sites, so the
tests exercise numbered steps, WARNING/CAUTION lines, lockout steps, tables and records.
``FakeRetriever`` is a test double of ``core.ports.Retriever`` (dense search over the in-memory
index with the hashing embedder); the real hybrid retriever lives in ``services/search.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from core.answers import SearchHit
from core.models import AccessScope, BlockKind, Chunk, DocType, Role
from retrieval.embedders import HashingEmbedder
from retrieval.memory_index import InMemoryVectorIndex

ALL_ROLES = frozenset(Role)
MAINTENANCE = frozenset({Role.TECHNICIAN, Role.QUALITY, Role.ADMIN})

JAM_WARNING = (
    "WARNING: The star wheel can restart without warning. "
    "Never reach into the filler while it is energised."
)
JAM_STEPS = """1. Press the E-STOP on the Filler 2 HMI panel.
2. Apply lockout/tagout at main disconnect MCC-2-04 and verify zero energy by pressing START.
3. Open the infeed guard and remove the jammed bottles by hand.
   a) Wear cut-resistant gloves.
4. Inspect the star wheel for cracked pockets and report damage to maintenance.
5. Close the guard, remove your lock and tag, and restart Filler 2 from the HMI."""

TORQUE_TABLE = """Tighten fasteners in a cross pattern using a calibrated torque wrench.

| Fastener | Size | Torque |
|---|---|---|
| Gearbox coupling bolts | M12 | 85 Nm |
| Motor mount bolts | M16 | 210 Nm |
| Guard fixings | M6 | 10 Nm |

CAUTION: Re-check the coupling bolt torque after the first 24 hours of operation."""


def chunk(
    chunk_id: str,
    text: str,
    *,
    doc_id: str,
    title: str,
    site: str = "brookfield",
    doc_type: DocType = DocType.SOP,
    revision: str = "1",
    section: tuple[str, ...] = (),
    ordinal: int = 0,
    audience: frozenset[Role] = ALL_ROLES,
    notices: tuple[str, ...] = (),
    kind: BlockKind = BlockKind.TEXT,
    assets: tuple[str, ...] = (),
    page: int | None = None,
    row: int | None = None,
) -> Chunk:
    """A chunk with sensible defaults for the fields a test does not care about."""
    return Chunk(
        chunk_id=chunk_id,
        version_key=f"{doc_id}::{revision}::0123456789abcdef",
        doc_id=doc_id,
        ordinal=ordinal,
        text=text,
        title=title,
        site=site,
        doc_type=doc_type,
        revision=revision,
        effective_date=date(2025, 3, 1),
        audience=audience,
        section_path=section,
        page=page,
        row=row,
        kind=kind,
        assets=assets,
        safety_notices=notices,
        source_path=f"/docs/{site}/{doc_type.value}/{doc_id}.md",
    )


def hits(chunks: Iterable[Chunk]) -> list[SearchHit]:
    """Hits ranked in the given order with decreasing fused scores."""
    return [
        SearchHit(rank=i + 1, chunk=c, score=round(1.0 / (60 + i + 1), 6))
        for i, c in enumerate(chunks)
    ]


JAM_INTRO = chunk(
    "brk-sop-012:0",
    f"# Clearing a jam on Filler 2\n\n{JAM_WARNING}",
    doc_id="BRK-SOP-012",
    title="Clearing a jam on Filler 2",
    revision="4",
    section=("Clearing a jam on Filler 2",),
    ordinal=0,
    notices=(JAM_WARNING,),
    assets=("FIL-2",),
)
JAM_PROC = chunk(
    "brk-sop-012:1",
    JAM_STEPS,
    doc_id="BRK-SOP-012",
    title="Clearing a jam on Filler 2",
    revision="4",
    section=("Clearing a jam on Filler 2",),
    ordinal=1,
    notices=(
        "2. Apply lockout/tagout at main disconnect MCC-2-04 and verify zero energy by "
        "pressing START.",
    ),
    assets=("FIL-2",),
)
TORQUE = chunk(
    "brk-man-003:7",
    TORQUE_TABLE,
    doc_id="BRK-MAN-003",
    title="CONV-3 gearbox maintenance manual",
    doc_type=DocType.MANUAL,
    revision="B",
    section=("Maintenance", "Torque values"),
    ordinal=7,
    page=14,
    kind=BlockKind.TABLE,
    notices=("CAUTION: Re-check the coupling bolt torque after the first 24 hours of operation.",),
    assets=("CONV-3",),
)
WORK_ORDER = chunk(
    "brk-wo-2024:41",
    "WO-88123 | EXT-2 | 2024-02-11 | barrel zone 3 heater not heating | "
    "replaced heater band, checked thermocouple TC-3, ok",
    doc_id="BRK-WO-2024",
    title="Brookfield work orders 2024",
    doc_type=DocType.WORK_ORDER,
    ordinal=41,
    row=42,
    kind=BlockKind.RECORD,
    audience=MAINTENANCE,
    assets=("EXT-2",),
)
CIP = chunk(
    "brk-sop-020:2",
    "The caustic wash runs at 75 °C for 20 minutes. "
    "Operators must wear a face shield, chemical gloves and an apron when connecting the CIP hoses. "
    "Record the conductivity reading in the batch log.",
    doc_id="BRK-SOP-020",
    title="CIP caustic wash of the mixing tanks",
    section=("Caustic wash",),
    ordinal=2,
)
CALDER_TORQUE = chunk(
    "cal-man-009:3",
    "| Fastener | Size | Torque |\n|---|---|---|\n| Pasteuriser pump impeller nut | M20 | 320 Nm |",
    doc_id="CAL-MAN-009",
    title="Calder pasteuriser pump manual",
    site="calder",
    doc_type=DocType.MANUAL,
    section=("Pasteuriser pump", "Torque values"),
    kind=BlockKind.TABLE,
)
CALDER_DEVIATION = chunk(
    "cal-dev-114:0",
    "Deviation DEV-114: the pasteuriser holding tube at Calder ran at 68 °C for 12 minutes "
    "because the divert valve stuck. Root cause: worn actuator seal.",
    doc_id="CAL-DEV-114",
    title="Deviation 114 pasteuriser under-temperature",
    site="calder",
    doc_type=DocType.INCIDENT,
    audience=frozenset({Role.QUALITY, Role.ADMIN}),
)

BROOKFIELD = [JAM_INTRO, JAM_PROC, TORQUE, WORK_ORDER, CIP]
CORPUS = [*BROOKFIELD, CALDER_TORQUE, CALDER_DEVIATION]


class FakeRetriever:
    """Scoped dense search over an in-memory index; implements ``core.ports.Retriever``."""

    def __init__(self, chunks: Iterable[Chunk], dimension: int = 256) -> None:
        self.embedder = HashingEmbedder(dimension)
        self.index = InMemoryVectorIndex()
        items = list(chunks)
        self.index.add(items, self.embedder.embed_documents([c.text for c in items]), current=True)
        self.calls: list[tuple[str, AccessScope, int]] = []

    def search(self, question: str, scope: AccessScope, k: int) -> list[SearchHit]:
        """Up to k in-scope hits, best first."""
        self.calls.append((question, scope, k))
        found = self.index.query(self.embedder.embed_query(question), scope, k)
        return [
            SearchHit(rank=i + 1, chunk=s.chunk, score=s.score, dense_score=s.score)
            for i, s in enumerate(found)
        ]
