"""The project's embedder (MiniLM, or the hashing fake) as a ragas embeddings object.

ragas' answer relevancy compares question embeddings; without an explicit embeddings object
``ragas.evaluate`` would build its default (an OpenAI client). This adapter keeps it local.
"""

from __future__ import annotations

from ragas.embeddings.base import BaseRagasEmbeddings

from core.ports import Embedder


class RagasEmbedder(BaseRagasEmbeddings):
    """Sync and async embedding through a :class:`core.ports.Embedder`."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__()
        self._embedder = embedder

    def embed_query(self, text: str) -> list[float]:
        """One vector."""
        return [float(v) for v in self._embedder.embed_query(text)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        return [[float(v) for v in row] for row in self._embedder.embed_documents(texts)]

    async def aembed_query(self, text: str) -> list[float]:
        """Async form (the model is local and fast enough to run inline)."""
        return self.embed_query(text)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async form."""
        return self.embed_documents(texts)
