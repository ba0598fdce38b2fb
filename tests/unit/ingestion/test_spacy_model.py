"""The packaged spaCy model replaces unstructured's downloading loader; the guard works."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.parsing import parse_file
from ingestion.spacy_model import MODEL_PACKAGE, prepare_unstructured

pytestmark = pytest.mark.unit


def test_unstructured_uses_the_packaged_model(
    docx_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unstructured.nlp.tokenize as tokenize

    def no_download() -> None:
        raise AssertionError("unstructured tried to download a spaCy model")

    monkeypatch.setattr(tokenize, "_install_spacy_model", no_download)
    prepare_unstructured()
    prepare_unstructured()  # idempotent
    tokenize._get_nlp.cache_clear()
    doc = parse_file(docx_path, 100_000)  # DOCX is the format still partitioned by unstructured
    assert doc.title_hint == "Gearbox manual"
    nlp = tokenize._get_nlp()
    assert nlp.meta["name"] == MODEL_PACKAGE.removeprefix("en_")
    assert "parser" in nlp.pipe_names
