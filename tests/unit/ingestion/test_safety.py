"""Safety notice detection: signal words, hazard keywords, verbatim, ordered, deduplicated."""

from __future__ import annotations

import pytest

from ingestion.safety import detect_safety_notices, is_safety_sentence

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "line",
    [
        "WARNING: Hot surface.",
        "warning! keep hands clear of the starwheel",
        "Caution: wet floor near the washer",
        "DANGER : high pressure line",
        "- WARNING: guard must be closed",
        "⚠ Danger: do not open while running",
    ],
)
def test_signal_words_start_a_notice(line: str) -> None:
    assert detect_safety_notices(f"Intro text.\n{line}\nOutro text.") == (line.strip(),)


@pytest.mark.parametrize(
    "sentence",
    [
        "Apply lockout/tagout to the main isolator.",
        "Lock-out the drive before work.",
        "Follow the LOTO procedure.",
        "Check for hazardous energy before opening.",
        "Release stored energy in the accumulator.",
        "Wear PPE when handling the caustic wash.",
        "Personal protective equipment is required in this area.",
        "Entry into the confined space requires a permit.",
        "Arc flash boundary is 1.2 m.",
        "Isolate the conveyor drive.",
        "Verify isolation of all energy sources.",
        "Chemical burns can result from contact.",
        "Wear safety glasses and a face shield.",
        "De-energize the panel first.",
    ],
)
def test_hazard_keywords(sentence: str) -> None:
    assert is_safety_sentence(sentence)
    assert detect_safety_notices(f"The line runs at 400 bpm. {sentence} Then restart.") == (
        sentence,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The filler runs at 400 bottles per minute.",
        "Record the batch number in the log.",
        "Warning lights are green during normal operation.",
        "Check the label alignment. Note: adjust the guide rail.",
        "Dose caustic to pH 10.5 in the scrubber sump.",
        "Isolate the failed batch in quarantine bay Q2.",
        "The heater burns out if run dry.",
        "Task | Extra PPE\n",
        "- CAL-SOP-002 PPE requirements - Calder injection-moulding plant",
        "Defines minimum PPE at the Dunmore batch plant.",
    ],
)
def test_ordinary_text_has_no_notices(text: str) -> None:
    assert detect_safety_notices(text) == ()


def test_table_rows_after_the_header_are_notices() -> None:
    text = "Task | Extra PPE\n---|---\nCaustic charging | Face shield over goggles, PVC apron"
    assert detect_safety_notices(text) == (
        "Caustic charging | Face shield over goggles, PVC apron",
    )


def test_whole_line_after_signal_word_and_order_and_dedup() -> None:
    text = (
        "WARNING: Lock out the filler. Then wait 30 s.\n"
        "1. Stop the line.\n"
        "2. Apply lockout/tagout to the main isolator.\n"
        "WARNING: Lock out the filler. Then wait 30 s.\n"
        "3. Wear PPE. Remove the bottles.\n"
    )
    assert detect_safety_notices(text) == (
        "WARNING: Lock out the filler. Then wait 30 s.",
        "2. Apply lockout/tagout to the main isolator.",
        "3. Wear PPE.",
    )


def test_empty_text() -> None:
    assert detect_safety_notices("") == ()


def test_a_notice_wrapped_over_lines_is_read_whole() -> None:
    # PDF text keeps the page's line breaks (CAL-MAN-VX65 section 3, as extracted).
    text = (
        "CAUTION: A heater current low alarm (A09) with a normal band resistance points to the\n"
        "solid-state relay or fuse in HC-2.\n"
        "Before work on the barrel, apply lockout at Q20-0 and wait for the\n"
        "barrel to cool below 60 °C. Then open HC-2.\n"
    )
    assert detect_safety_notices(text) == (
        "CAUTION: A heater current low alarm (A09) with a normal band resistance points to the "
        "solid-state relay or fuse in HC-2.",
        "Before work on the barrel, apply lockout at Q20-0 and wait for the barrel to cool below "
        "60 °C.",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the notice ended its sentence: the next line is not its rest
        (
            "WARNING: Hot surface.\nkeep hearing protection on",
            ("WARNING: Hot surface.", "keep hearing protection on"),
        ),
        # a new sentence opens in capitals
        (
            "WARNING: hot surfaces\nWear PPE in hall 2",
            ("WARNING: hot surfaces", "Wear PPE in hall 2"),
        ),
        # a table row is not wrapped prose
        (
            "Task | Extra PPE\n---|---\nCharging | Face shield\nhearing protection in hall 2",
            ("Charging | Face shield", "hearing protection in hall 2"),
        ),
    ],
)
def test_a_line_that_starts_something_new_is_not_joined(
    text: str, expected: tuple[str, ...]
) -> None:
    assert detect_safety_notices(text) == expected
