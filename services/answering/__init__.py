"""Answering: turn scope-filtered search hits into a grounded, cited answer or an abstention.

``ExtractiveAnswerer`` (default, no model) quotes sources verbatim; ``LLMAnswerer`` (optional)
asks an OpenAI-compatible endpoint and falls back to the extractive answer whenever its reply
fails the grounding post-check or the endpoint is unavailable. Nothing here imports a heavy
library; ``httpx`` is imported only when an LLM answerer is built.
"""

from services.answering.compose import ABSTAIN_TEXT
from services.answering.extractive import ExtractiveAnswerer
from services.answering.support import support_score

__all__ = ["ABSTAIN_TEXT", "ExtractiveAnswerer", "support_score"]
