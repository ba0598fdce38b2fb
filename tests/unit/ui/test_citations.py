"""Answer presentation: notices split off, supporting text highlighted, Markdown made safe."""

from __future__ import annotations

from datetime import date

import pytest

from core.answers import Citation
from services.citations import (
    highlight,
    source_views,
    split_answer,
    stream_pieces,
    supporting_texts,
    to_markdown,
)

pytestmark = pytest.mark.unit

ANSWER = (
    "Safety notices:\n"
    "WARNING: Never reach into the filler while it is energised. [2]\n"
    "CAUTION: Wear cut-resistant gloves. [1]\n"
    "\n"
    "1. Press the E-STOP on the Filler 2 HMI panel. [1]\n"
    "2. Apply lockout/tagout at main disconnect MCC-2-04. [1]"
)
SNIPPET = (
    "1. Press the E-STOP on the Filler 2 HMI panel.\n"
    "2. Apply lockout/tagout at main disconnect MCC-2-04.\n"
    "3. Open the infeed guard."
)


def citation(n: int, snippet: str, **extra: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "chunk_id": f"c{n}",
        "doc_id": "BRK-SOP-012",
        "title": "Clearing a jam on Filler 2",
        "site": "brookfield",
        "doc_type": "sop",
        "revision": "3",
        "effective_date": date(2025, 6, 1),
        "section": "Procedure",
        "snippet": snippet,
        "score": 0.5,
        "source_path": "/docs/brk-sop-012.md",
        **extra,
    }
    return Citation.model_validate(values)


def test_split_answer_separates_notices_from_body() -> None:
    parts = split_answer(ANSWER)
    assert parts.notices == [
        "WARNING: Never reach into the filler while it is energised. [2]",
        "CAUTION: Wear cut-resistant gloves. [1]",
    ]
    assert parts.body.startswith("1. Press the E-STOP")
    plain = split_answer("Line speed is 400 bottles per minute. [1]")
    assert plain.notices == [] and plain.body == "Line speed is 400 bottles per minute. [1]"


def test_supporting_texts_pair_each_marker_with_its_text() -> None:
    support = supporting_texts(ANSWER)
    assert support[1] == [
        "CAUTION: Wear cut-resistant gloves.",
        "1. Press the E-STOP on the Filler 2 HMI panel.",
        "2. Apply lockout/tagout at main disconnect MCC-2-04.",
    ]
    assert support[2] == ["WARNING: Never reach into the filler while it is energised."]
    assert supporting_texts("A [1] and B [2] here.") == {1: ["A"], 2: ["and B"]}


def test_verbatim_quotes_are_highlighted_and_the_rest_is_not() -> None:
    segments = highlight(SNIPPET, supporting_texts(ANSWER)[1])
    marked = [s.text for s in segments if s.highlighted]
    assert marked == [
        "1. Press the E-STOP on the Filler 2 HMI panel.",
        "2. Apply lockout/tagout at main disconnect MCC-2-04.",
    ]
    assert "".join(s.text for s in segments) == SNIPPET
    assert segments[-1].text == "\n3. Open the infeed guard." and not segments[-1].highlighted


def test_paraphrase_highlights_the_best_matching_sentence() -> None:
    snippet = "The wash runs at 75 °C. Operators wear a face shield and chemical gloves. Log it."
    segments = highlight(snippet, ["Operators must wear a face shield and chemical gloves"])
    assert [s.text for s in segments if s.highlighted] == [
        "Operators wear a face shield and chemical gloves."
    ]
    assert not any(s.highlighted for s in highlight(snippet, ["Completely unrelated words here"]))


def test_source_view_labels_location_and_safe_html() -> None:
    cited = citation(1, "Use <b>only</b> the lock & tag.", page=4, row=None)
    (view,) = source_views([cited.model_dump(mode="json")], "Use <b>only</b> the lock & tag. [1]")
    assert view.heading == "[1] Clearing a jam on Filler 2 (BRK-SOP-012 rev 3)"
    assert (view.doc_type, view.effective_date, view.site) == ("SOP", "2025-06-01", "brookfield")
    assert view.location == "Section: Procedure · page 4"
    assert view.snippet_html == (
        '<div class="pc-snippet"><mark>Use &lt;b&gt;only&lt;/b&gt; the lock &amp; tag.</mark></div>'
    )
    company = source_views([citation(2, "x", site="all", effective_date=None)], "")[0]
    assert (company.site, company.effective_date) == ("company-wide", "not stated")


def test_markdown_escapes_latex_headings_and_bolds_markers() -> None:
    text = "# Heading from a doc\nCosts $5 and $6 [1]\n> quoted ~~x~~ [2]"
    md = to_markdown(text)
    assert md.splitlines()[0] == "\\# Heading from a doc  "
    assert "\\$5 and \\$6 **[1]**" in md and "\\> quoted \\~\\~x\\~\\~ **[2]**" in md


def test_stream_pieces_reassemble_to_the_whole_text() -> None:
    body = to_markdown(split_answer(ANSWER).body)
    pieces = list(stream_pieces(body))
    assert len(pieces) >= 2 and "".join(pieces) == body
