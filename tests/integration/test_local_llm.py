"""The local LLM answer mode with the real GGUF model and runtime (``make local-llm``).

``make test`` installs both, so these run in CI; on a machine where the model file is missing
they are skipped with that reason. The guard is the reader answerer with the overlap fake (the
subject here is the generator, its prompt and the post-check, not the reader).
"""

from __future__ import annotations

import time

import pytest

from core.errors import BackendUnavailableError
from core.models import Role
from core.settings import LLMSettings
from retrieval.readers import OverlapReader
from services.answering.llm import LLMAnswerer
from services.answering.reader import ReaderAnswerer
from services.local_llm import GgufChat, chatml
from tests.answer_fixtures import CIP, JAM_PROC, TORQUE, hits
from tests.helpers import FAKE_ANSWER_SETTINGS

pytestmark = pytest.mark.integration

MODEL = LLMSettings().resolved_model_path
needs_model = pytest.mark.skipif(
    not MODEL.is_file(), reason=f"local LLM not installed ({MODEL}); run `make local-llm`"
)


@pytest.fixture(scope="module")
def chat() -> GgufChat:
    return GgufChat(MODEL, threads=2, max_tokens=160)


def test_chatml_layout_ends_with_an_open_assistant_turn() -> None:
    prompt = chatml([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert prompt == (
        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"
    )


def test_a_missing_model_file_is_a_backend_error_not_a_crash() -> None:
    missing = GgufChat(MODEL.with_name("absent.gguf"))
    with pytest.raises(BackendUnavailableError, match="make local-llm"):
        missing.complete([{"role": "user", "content": "hello"}])


@needs_model
def test_greedy_completions_are_deterministic(chat: GgufChat) -> None:
    messages = [
        {"role": "system", "content": "Answer with one word."},
        {"role": "user", "content": "What colour is a clear sky at noon?"},
    ]
    first = chat.complete(messages)
    assert first and first == chat.complete(messages)


@needs_model
def test_the_local_llm_answers_from_its_sources_and_passes_the_post_check(chat: GgufChat) -> None:
    settings = FAKE_ANSWER_SETTINGS.model_copy(update={"llm_max_sources": 3})
    answerer = LLMAnswerer(
        LLMSettings(backend="gguf"), settings, ReaderAnswerer(OverlapReader(), settings), None, chat
    )
    started = time.perf_counter()
    answer = answerer.answer(
        "What is the torque for the gearbox coupling bolts?",
        hits([TORQUE, CIP, JAM_PROC]),
        Role.TECHNICIAN,
    )
    seconds = time.perf_counter() - started
    # greedy decoding of a pinned model (sha256 checked at install): the same reply every run
    assert answer.answerer == "llm", answer.fallback_reason
    assert "85 Nm" in answer.answer and answer.citations[0].doc_id == TORQUE.doc_id
    print(f"local LLM answer in {seconds:.1f} s:\n{answer.answer}")
