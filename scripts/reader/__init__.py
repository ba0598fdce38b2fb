"""Training the shipped reader (a MiniLM cross-encoder): data, training loop, ONNX export.

Entry point: ``scripts/train_reader.py``. Training data comes only from SciFact's train split and
from the structure of ``sample_docs`` (headings, table headers, work-order symptoms); never from
``eval/golden``.
"""
