"""What a question asks for (focus), which words evidence must cover, and the support score's
response to a passage that lacks the asked-for attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.answering.question_shape import focus_terms, verb_terms
from services.answering.support import (
    ask_clause,
    context_terms,
    hit_support,
    profile,
    with_dense,
)
from services.answering.text import (
    CAUSE_TERM,
    DURATION_TERM,
    NUMBER_TERM,
    content_terms,
    stem,
    term_set,
)
from tests.answer_fixtures import CALDER_DEVIATION, CIP, DocType, chunk, hits

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("Why did the P-302 seal fail in May 2025?", [CAUSE_TERM]),
        ("What caused the CL-20 blend to be low on pH?", [CAUSE_TERM]),
        ("What did the ROB-3 collision with mould M-4471 cost?", ["cost"]),
        ("Which CAPA changed the jam clearing procedure?", ["capa"]),
        ("What was the open FILLER-2 issue handed over by night shift?", ["open", "issu"]),
        ("What is the solids specification for HaldaClean CL-20?", ["solid", "specificat"]),
        ("How do I clear a jam?", []),
        ("BLR-1 was off all weekend. How long should I allow to warm it up?", ["long"]),
        ("How often do I swap the respirator cartridges?", ["often"]),
        ("At what level does the low-water lockout trip?", ["level"]),
    ],
)
def test_focus_is_what_the_question_asks_for(question: str, focus: list[str]) -> None:
    assert focus_terms(question) == focus


def test_contractions_pronouns_and_occasions_are_not_content() -> None:
    terms = content_terms("Why didn't anyone notice it last time the gripper wouldn't release?")
    assert terms == ["notic", "gripper", "releas"]


def test_scene_setting_words_clock_times_and_ranges_are_not_content() -> None:
    question = (
        "I'm taking over at 06:00 from his shift. Can he take his lock off before I've put mine on?"
    )
    assert content_terms(question) == ["shift", "lock", "put"]
    assert content_terms("CAPPER-1 head 9 low on nights 2-3 Nov") == [
        "capper-1",
        "head",
        "9",
        "low",
        "night",
        "2",
        "3",
        "nov",
        "head-9",
    ]


def test_a_duration_is_a_length_of_time_in_figures_not_a_rate() -> None:
    assert DURATION_TERM in term_set("Report to Group Quality within 24 hours.")
    assert DURATION_TERM in term_set("Flush for 15-20 min.")
    assert DURATION_TERM not in term_set("Rated output, 500 mL PET | 24,000 bottles/h")
    assert DURATION_TERM not in term_set("Normal steam pressure | 10 barg")


def test_how_long_is_not_answered_by_a_passage_without_a_duration() -> None:
    limits = chunk(
        "dun-sop-030:1",
        "Normal steam pressure | 10 barg\nSafety valve set pressure | 12 barg",
        doc_id="DUN-SOP-030",
        title="Boiler BLR-1 daily checks",
        assets=("BLR-1",),
    )
    asked = "How long does BLR-1 take to reach 10 barg from cold?"
    support = hit_support(profile(asked, hits([limits])), hits([limits])[0])
    assert support.score < 0.45
    quick = "How quickly must Group Quality be told?"
    assert profile(quick, []).coverage(term_set("Within 24 hours.")) > 0


def test_a_list_items_number_is_not_a_stated_number() -> None:
    assert NUMBER_TERM not in term_set("3. Test the low-water alarm and lockout.")
    assert NUMBER_TERM in term_set("3. Test at 10 barg.")


def test_an_acronym_the_passage_does_not_name_halves_support() -> None:
    table = chunk(
        "cal-sop-015:2",
        "Material | Drying temperature | Minimum drying time\nPC | 120 °C | 4 h\nPBT | 120 °C | 4 h",
        doc_id="CAL-SOP-015",
        title="Resin drying on DRY-1",
    )
    pet = hit_support(
        profile("What temperature do we dry PET at?", hits([table])), hits([table])[0]
    )
    pbt = hit_support(
        profile("What temperature do we dry PBT at?", hits([table])), hits([table])[0]
    )
    assert pet.id_factor == 0.5 and pbt.id_factor == 1.0
    assert pet.score < 0.45 <= pbt.score


def test_a_value_must_be_the_asked_for_attributes_own() -> None:
    procedure = chunk(
        "cal-sop-015:3",
        "Check the regeneration heater lamp is on.\nSet the drying temperature to 120 °C.",
        doc_id="CAL-SOP-015",
        title="Resin drying on DRY-1",
        section=("Procedure",),
    )
    passage = hits([procedure])
    regen = hit_support(
        profile("What regeneration temperature is DRY-1 set to?", passage), passage[0]
    )
    drying = hit_support(profile("What drying temperature is DRY-1 set to?", passage), passage[0])
    assert regen.id_factor < 1.0 == drying.id_factor


def test_a_tion_noun_meets_its_verb() -> None:
    assert {stem(w) for w in ("isolation", "isolations", "isolate", "isolated")} == {"isolat"}
    assert stem("inspection") == stem("inspected") and stem("station") == "station"
    assert stem(DURATION_TERM) == DURATION_TERM  # pseudo-terms are never stemmed


def test_everyday_replacement_verbs_are_aliases() -> None:
    prof = profile("Do I need to swap my gauntlets?", [])
    assert prof.coverage(term_set("Gauntlets: replace after 1 month in use.")) == 1.0


def test_aliases_match_stemmed_evidence() -> None:
    prof = profile("What colour are personal locks?", [])
    assert prof.coverage(term_set("Personal locks are blue.")) == 1.0


def test_causes_are_offered_by_causal_sentences_and_incident_reports() -> None:
    assert CAUSE_TERM in term_set("The seal failed because the regulator drifted.")
    assert CAUSE_TERM in term_set("Rev 3: hold time 25 min after repeated ATP swab failures.")
    assert CAUSE_TERM not in term_set("CAPA-2025-022 | Replace the P-302 seal cartridge")
    assert CAUSE_TERM not in term_set("The seal pot pressure is 4.5 bar.")
    assert CAUSE_TERM not in term_set("Start the caustic wash after the rinse.")
    summary = CALDER_DEVIATION.model_copy(update={"text": "Date | 2025-05-27 | Asset | P-302"})
    assert summary.doc_type is DocType.INCIDENT and CAUSE_TERM in context_terms(summary)


def test_a_passage_without_the_asked_for_attribute_scores_low() -> None:
    spec = chunk(
        "dun-dev:1",
        "The HaldaClean CL-20 blend was below its pH specification (7.1 against 7.5 to 8.5).",
        doc_id="DUN-DEV-1",
        title="CL-20 deviation",
        doc_type=DocType.INCIDENT,
    )
    asked = "What is the solids specification for HaldaClean CL-20?"
    covered = "What is the pH specification for HaldaClean CL-20?"
    low = hit_support(profile(asked, hits([spec])), hits([spec])[0])
    high = hit_support(profile(covered, hits([spec])), hits([spec])[0])
    assert low.score < 0.45 <= high.score


def test_why_question_answered_by_a_sop_without_a_cause_scores_low() -> None:
    question = "Why did the caustic wash fail?"
    support = hit_support(profile(question, hits([CIP])), hits([CIP])[0])
    assert support.score < 0.45


def test_the_asking_sentence_carries_the_contexts_tags() -> None:
    question = "Just changed CAPPER-1 over to still caps. How many bottles do I check?"
    assert ask_clause(question) == "capper-1 How many bottles do I check?"
    assert ask_clause("How many bottles do I check after a CAPPER-1 changeover?") is None


def test_verbs_are_found_after_pronouns_modals_and_as_participles() -> None:
    assert verb_terms("What temperature do I drop the barrel to?") == {"drop"}
    assert verb_terms("When was the desiccant in DRY-1 last changed?") == {"chang"}
    assert verb_terms("What refrigerant does CHL-1 use?") == set()


def test_a_verb_no_passage_uses_weighs_little() -> None:
    passage = hits([CIP])
    with_verb = profile("What temperature do we crank the caustic wash to?", passage)
    assert with_verb.weights["crank"] < with_verb.weights["temperatur"]


def test_dense_similarity_moves_support_both_ways_and_only_when_known() -> None:
    near = [h.model_copy(update={"dense_score": 0.8}) for h in hits([CIP])]
    far = [h.model_copy(update={"dense_score": 0.3}) for h in hits([CIP])]
    assert with_dense(0.4, near, 0.5) == pytest.approx(0.55)
    assert with_dense(0.5, far, 0.5) == pytest.approx(0.4)
    assert with_dense(0.4, hits([CIP]), 0.5) == 0.4  # no dense score: lexical only
    assert with_dense(0.4, near, 0.0) == 0.4


def test_the_dense_signal_is_off_for_embedders_it_was_not_calibrated_on(tmp_path: Path) -> None:
    from core.settings import EmbeddingSettings, Settings
    from services.wiring import build

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=tmp_path,
        embedding=EmbeddingSettings(backend="hashing", dimension=64),
    )
    answerer = build(settings).answerer()
    assert answerer.settings.dense_support_weight == 0.0  # type: ignore[attr-defined]
    assert settings.answer.dense_support_weight == 0.5
