"""Training the shipped reader (a MiniLM cross-encoder): data, training loop, ONNX export.

Entry point: ``scripts/train_reader.py``. Training data comes only from SciFact's train split,
from the structure of ``sample_docs`` (headings, table headers, work-order symptoms) and from
questions a local LLM wrote about single quotable units of ``sample_docs``
(``data/unit_questions.jsonl``); never from ``eval/golden``.
"""
