"""Optional cross-encoder reranker from a LOCAL model directory (transformers).

No cross-encoder ships inside a registry package, so none is bundled: an admin who has one
(e.g. ms-marco-MiniLM-L-6-v2 copied onto the machine) sets ``retrieval.rerank_model_path``.
Loading uses ``local_files_only=True``, so a wrong path fails instead of reaching a hub.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import BackendUnavailableError


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a sequence-classification model, on CPU."""

    def __init__(self, model_path: Path, batch_size: int = 16, max_length: int = 512) -> None:
        self._path = Path(model_path)
        self._batch_size = batch_size
        self._max_length = max_length
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None

    @property
    def model_id(self) -> str:
        """The model directory name, for logs."""
        return self._path.name

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                if not self._path.is_dir():
                    raise BackendUnavailableError(f"rerank model not found at {self._path}")
                from transformers import AutoModelForSequenceClassification, AutoTokenizer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # keep CLI output clean

                self._tokenizer = AutoTokenizer.from_pretrained(
                    str(self._path), local_files_only=True
                )
                model = AutoModelForSequenceClassification.from_pretrained(
                    str(self._path), local_files_only=True
                )
                model.eval()
                self._model = model
        return self._tokenizer, self._model

    def _limit(self, model: Any) -> int:
        positions = getattr(model.config, "max_position_embeddings", None) or self._max_length
        return int(min(self._max_length, positions))

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """One relevance score per passage (the positive-class logit), higher is better."""
        if not passages:
            return []
        import torch

        tokenizer, model = self._load()
        scores: list[float] = []
        for start in range(0, len(passages), self._batch_size):
            batch = list(passages[start : start + self._batch_size])
            encoded = tokenizer(
                [question] * len(batch),
                batch,
                padding=True,
                truncation="only_second",
                max_length=self._limit(model),
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = model(**encoded).logits
            column = logits[:, 0] if logits.shape[-1] == 1 else logits[:, -1]
            scores.extend(float(v) for v in column.tolist())
        return scores
