"""Embedding throughput and fidelity: torch MiniLM vs its ONNX exports (fp32, int8).

Usage:  .venv/bin/python bench/embed_bench.py [--scifact N] [--batch-size 32] [--json]

Texts: every chunk of sample_docs (chunked by the product's own pipeline, indexed once into a
throwaway home with the hashing embedder) plus the first N SciFact passages (title + text) when
``../shared/datasets/scifact`` exists. One timed run per embedder after a short warm-up, each on
the same texts: prints chunks/s of torch fp32 (sentence-transformers), ONNX fp32 and ONNX int8,
the speedup over torch, and mean / min cosine of each ONNX vector to the torch one. Threads:
torch 2 at most, ONNX Runtime one per usable core. Needs the exported model (``make install``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings, default_onnx_dir, load_settings  # noqa: E402
from retrieval.adapters.onnx_minilm import OnnxMiniLMEmbedder  # noqa: E402

SCIFACT = REPO.parent / "shared" / "datasets" / "scifact" / "corpus.jsonl"


def sample_chunks() -> list[str]:
    """Chunk texts of sample_docs, as ingestion makes them (hashing embedder: fast)."""
    from services.wiring import build

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(home=Path(tmp), embedding={"backend": "hashing"})
        components = build(settings)
        components.ingestor().ingest(REPO / "sample_docs")
        return sorted({s.chunk.text for s in components.index.all_chunks()})


def scifact_passages(limit: int) -> list[str]:
    """The first ``limit`` SciFact passages as the BEIR benchmark embeds them."""
    if limit <= 0 or not SCIFACT.is_file():
        return []
    texts: list[str] = []
    with SCIFACT.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            texts.append(f"{doc.get('title', '')} {doc.get('text', '')}".strip())
            if len(texts) >= limit:
                break
    return texts


def timed(embed: object, texts: list[str]) -> tuple[np.ndarray, float]:
    """Vectors and chunks/s of one run, after a warm-up on a few texts."""
    embed_documents = embed.embed_documents  # type: ignore[attr-defined]
    embed_documents(texts[:8])
    started = time.perf_counter()
    vectors = np.asarray(embed_documents(texts), dtype=np.float32)
    return vectors, len(texts) / (time.perf_counter() - started)


def run(texts: list[str], batch_size: int) -> dict[str, dict[str, float]]:
    """Throughput of the three embedders and cosine of the ONNX ones to torch."""
    import torch

    from retrieval.adapters.minilm import MiniLMEmbedder

    torch.set_num_threads(2)
    reference, torch_rate = timed(MiniLMEmbedder(batch_size=batch_size), texts)
    results = {"torch-fp32": {"chunks_per_s": round(torch_rate, 1)}}
    for precision in ("fp32", "int8"):
        embedder = OnnxMiniLMEmbedder(default_onnx_dir(), precision, batch_size)  # type: ignore[arg-type]
        vectors, rate = timed(embedder, texts)
        cosines = np.sum(vectors * reference, axis=1)
        results[f"onnx-{precision}"] = {
            "chunks_per_s": round(rate, 1),
            "speedup": round(rate / torch_rate, 2),
            "mean_cosine": round(float(cosines.mean()), 5),
            "min_cosine": round(float(cosines.min()), 5),
        }
    return results


def main() -> None:
    """Collect the texts, run the three embedders once each, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=int, default=300, help="SciFact passages to add")
    parser.add_argument("--batch-size", type=int, default=Settings().embedding.batch_size)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chunks, passages = sample_chunks(), scifact_passages(args.scifact)
    results = run(chunks + passages, args.batch_size)
    info = {"sample_docs_chunks": len(chunks), "scifact_passages": len(passages)}
    if args.json:
        print(json.dumps({**info, "results": results}, indent=2))
        return
    print(f"texts: {info['sample_docs_chunks']} sample_docs chunks + {len(passages)} SciFact")
    print(f"{'embedder':<12} {'chunks/s':>9} {'speedup':>8} {'mean cos':>9} {'min cos':>9}")
    for name, row in results.items():
        print(
            f"{name:<12} {row['chunks_per_s']:>9.1f} {row.get('speedup', 1.0):>8.2f} "
            f"{row.get('mean_cosine', 1.0):>9.5f} {row.get('min_cosine', 1.0):>9.5f}"
        )


if __name__ == "__main__":
    main()
