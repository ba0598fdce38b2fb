"""Lockout/tagout and PPE answers on the real sample corpus carry their safety notices.

Real model, real Chroma, the product's retriever and reader answerer, through
``services.ask`` as the CLI and UI call it. The index is a copy of the session's
``real_corpus_home`` (asking logs interactions).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from core.settings import Settings
from services.ask import ask
from services.wiring import Components, build

pytestmark = pytest.mark.integration

LOTO = re.compile(r"lock\s*-?\s*out|isolat|zero energy|stored energy|tag", re.I)
PPE = re.compile(r"PPE|goggles|face shield|gloves|apron|boots|respirator", re.I)

CASES = [
    ("brookfield", "operator", "What are the lockout steps for FILLER-2?", "BRK-SOP-001", LOTO),
    ("calder", "technician", "What is the lockout procedure for IMM-4?", "CAL-SOP-001", LOTO),
    ("dunmore", "technician", "How do I lock out the R-101 agitator?", None, LOTO),
    ("brookfield", "operator", "What PPE do I need to connect CIP chemicals?", None, PPE),
    ("calder", "operator", "What PPE do I need for purging?", None, PPE),
    ("dunmore", "operator", "What PPE is required for handling caustic?", "DUN-SOP-002", PPE),
]


@pytest.fixture(scope="module")
def components(real_corpus_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Components:
    home = tmp_path_factory.mktemp("safety") / "home"
    shutil.copytree(real_corpus_home / "home", home)
    return build(Settings(_env_file=None, home=home))  # type: ignore[call-arg]


@pytest.mark.parametrize(("site", "role", "question", "doc_id", "topic"), CASES)
def test_loto_and_ppe_answers_put_their_notices_first(
    components: Components,
    site: str,
    role: str,
    question: str,
    doc_id: str | None,
    topic: re.Pattern[str],
) -> None:
    result = ask(components, question, site, role, user="safety-test")
    answer = result.answer
    assert not answer.abstained, answer.answer
    if doc_id is not None:
        assert answer.citations[0].doc_id == doc_id
    assert answer.safety_notices, "a lockout/PPE answer without notices"
    assert any(topic.search(n) for n in answer.safety_notices), answer.safety_notices
    assert answer.answer.startswith("Safety notices:\n")
    head = answer.answer.split("\n\n", 1)[0]
    sources = [
        _flat(h.chunk.text) for h in components.index.get([c.chunk_id for c in answer.citations])
    ]
    for notice in answer.safety_notices:
        assert notice in head  # listed first, before the quoted body
        assert any(_flat(notice) in text for text in sources), (
            f"not verbatim in a cited chunk: {notice}"
        )


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_notices_are_not_table_headers_references_or_scope_statements(
    components: Components,
) -> None:
    for site, role, question, _, _ in CASES:
        notices = ask(components, question, site, role, user="safety-test").answer.safety_notices
        for notice in notices:
            assert not re.match(r"^[\s\-*]*[A-Z]{2,5}-[A-Z]{2,5}-\d+", notice), notice
            assert not notice.lower().startswith("defines"), notice
            assert notice not in {"Task | Extra PPE", "Task | PPE"}, notice


def test_a_warning_wrapped_over_pdf_lines_is_shown_whole(components: Components) -> None:
    # CAL-MAN-VX65 is a PDF: its CAUTION runs over two lines of the page. Read line by line,
    # the notice stopped at "relay or", and the answer's body quoted "fuse in HC-2." alone.
    answer = ask(
        components,
        "EXT-2 zone 3 showing A09 heater current low - how do I check and change the heater band?",
        "calder",
        "technician",
        user="safety-test",
    ).answer
    assert not answer.abstained, answer.answer
    whole = (
        "CAUTION: A heater current low alarm (A09) with a normal band resistance points to the "
        "solid-state relay or fuse in HC-2."
    )
    assert whole in answer.safety_notices, answer.safety_notices
    assert all(not n.endswith(" or") for n in answer.safety_notices), answer.safety_notices
    assert "\nfuse in HC-2. [" not in answer.answer, answer.answer
