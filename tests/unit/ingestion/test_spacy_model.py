"""The packaged spaCy model replaces unstructured's downloading loader; the guard works."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.parsing import parse_file
from ingestion.spacy_model import MODEL_PACKAGE, prepare_unstructured

pytestmark = pytest.mark.unit


def test_unstructured_uses_the_packaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unstructured.nlp.tokenize as tokenize

    def no_download() -> None:
        raise AssertionError("unstructured tried to download a spaCy model")

    monkeypatch.setattr(tokenize, "_install_spacy_model", no_download)
    prepare_unstructured()
    prepare_unstructured()  # idempotent
    tokenize._get_nlp.cache_clear()
    path = tmp_path / "note.md"
    path.write_text("# Filler\n\nThe filler stopped because a bottle broke in the star.\n", "utf-8")
    doc = parse_file(path, 100_000)
    assert doc.title_hint == "Filler"
    nlp = tokenize._get_nlp()
    assert nlp.meta["name"] == MODEL_PACKAGE.removeprefix("en_")
    assert "parser" in nlp.pipe_names
