"""Answering: turn scope-filtered search hits into a grounded, cited answer or an abstention.

``ReaderAnswerer`` (default) lets the shipped reader model decide relevance, answer-or-abstain
and what to quote, and quotes sources verbatim; ``LLMAnswerer`` (optional) asks an
OpenAI-compatible endpoint or a local GGUF model and falls back to the reader's answer whenever
its reply fails the grounding post-check or the model is unavailable. Nothing here imports a
heavy library; ``httpx`` is imported only when an LLM answerer is built.
"""

from services.answering.compose import ABSTAIN_TEXT
from services.answering.reader import ReaderAnswerer

__all__ = ["ABSTAIN_TEXT", "ReaderAnswerer"]
