"""An index built by one embedder refuses the other until ``reindex --full`` re-embeds it.

Real Chroma, real SQLite, the real torch MiniLM and its int8 ONNX export (vectors differ), in
both directions; plus the one-line CLI error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.embedder_stamp import EmbedderStamp
from core.errors import EmbedderMismatchError
from core.models import AccessScope, Role
from core.ports import Embedder
from core.settings import Settings, default_onnx_dir
from retrieval.adapters.minilm import MiniLMEmbedder
from retrieval.adapters.onnx_minilm import OnnxMiniLMEmbedder
from services.wiring import Components, build
from tests.conftest import REPO

pytestmark = pytest.mark.integration

DOCS = {
    "brookfield/sop/jam.txt": "CLEARING A JAM\n\nStop the conveyor before you reach into the filler infeed.",
    "brookfield/manual/torque.txt": "TORQUE\n\nTighten the CONV-3 coupling bolts to 45 Nm.",
}


@pytest.fixture(scope="module")
def embedders() -> dict[str, Embedder]:
    return {"torch": MiniLMEmbedder(), "int8": OnnxMiniLMEmbedder(default_onnx_dir(), "int8")}


def corpus(root: Path) -> Path:
    for rel, text in DOCS.items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    return root / "docs"


def components(home: Path, embedder: Embedder) -> Components:
    settings = Settings(_env_file=None, home=home)  # type: ignore[call-arg]
    return build(settings, embedder=lambda: embedder)


def stored_vectors(c: Components) -> tuple[list[str], np.ndarray]:
    texts = {s.chunk.chunk_id: s.chunk.text for s in c.index.all_chunks()}
    pairs = sorted(c.index.all_embeddings())
    return [texts[cid] for cid, _ in pairs], np.stack([v for _, v in pairs])


@pytest.mark.parametrize(("built", "other"), [("torch", "int8"), ("int8", "torch")])
def test_index_refuses_the_other_embedder_until_reindex_full(
    embedders: dict[str, Embedder], tmp_path: Path, built: str, other: str
) -> None:
    docs, home = corpus(tmp_path), tmp_path / "home"
    first = components(home, embedders[built])
    assert first.ingestor().ingest(docs).failures == []
    assert first.index.embedder_stamp() == EmbedderStamp(
        model_id=embedders[built].model_id, dimension=384
    )

    second = components(home, embedders[other])
    with pytest.raises(EmbedderMismatchError, match="reindex --full"):
        second.retriever()
    (docs / "brookfield/sop/jam.txt").write_text(
        DOCS["brookfield/sop/jam.txt"] + "\n\nWear gloves."
    )
    with pytest.raises(EmbedderMismatchError):  # extending it is refused too
        second.ingestor().ingest(docs)
    with pytest.raises(EmbedderMismatchError, match="without --site"):
        second.ingestor().reindex(site="brookfield", full=True)

    report = second.ingestor().reindex(full=True)
    assert report.failures == [] and report.chunks.embedded >= 2
    assert second.index.embedder_stamp() == EmbedderStamp(
        model_id=embedders[other].model_id, dimension=384
    )
    texts, vectors = stored_vectors(second)
    fresh = embedders[other].embed_documents(texts)
    # every stored vector is the new model's (int8 vectors vary a little with their batch)
    assert np.all(np.sum(vectors * fresh, axis=1) > 0.98)
    assert np.all(np.sum(vectors * embedders[built].embed_documents(texts), axis=1) < 0.9999)
    scope = AccessScope(role=Role.OPERATOR, sites=frozenset({"brookfield"}))
    hits = components(home, embedders[other]).retriever().search("reach into the filler", scope, 1)
    assert hits[0].chunk.doc_id == "brookfield-jam"
    with pytest.raises(EmbedderMismatchError):  # and now the first embedder is the stranger
        components(home, embedders[built]).retriever()


def test_interrupted_reembedding_is_refused_until_finished(
    embedders: dict[str, Embedder], tmp_path: Path
) -> None:
    docs, home = corpus(tmp_path), tmp_path / "home"
    c = components(home, embedders["torch"])
    c.ingestor().ingest(docs)
    c.index.set_embedder_stamp(
        EmbedderStamp(model_id="all-MiniLM-L6-v2", dimension=384, complete=False)
    )
    with pytest.raises(EmbedderMismatchError, match="interrupted"):
        components(home, embedders["torch"]).retriever()
    assert c.ingestor().reindex(full=True).chunks.embedded >= 2
    components(home, embedders["torch"]).retriever()  # no error


def test_cli_says_it_in_one_line(tmp_path: Path) -> None:
    docs, home = corpus(tmp_path), tmp_path / "home"
    env = {
        **os.environ,
        "PLANT_COPILOT_HOME": str(home),
        "PLANT_COPILOT_EMBEDDING__BACKEND": "hashing",
    }

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli.main", *args],
            cwd=REPO,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert cli("ingest", str(docs)).returncode == 0
    out = cli(
        "search",
        "filler jam",
        "--site",
        "brookfield",
        "--role",
        "operator",
        PLANT_COPILOT_EMBEDDING__BACKEND="onnx",
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: the index was built with embedder hashing-384"
    )
    assert "plant-copilot reindex --full" in lines[0]
