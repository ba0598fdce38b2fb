"""Export the trained cross-encoder to ONNX, quantise it to int8, write the model card.

The shipped directory holds ``model.onnx`` (int8, dynamic quantisation of the MatMul weights),
``tokenizer.json`` (the base model's WordPiece tokenizer, read by the ``tokenizers`` library)
and ``reader.json`` (sha256, training configuration and figures). Query time needs only
onnxruntime and tokenizers (``retrieval/adapters/reader_onnx.py``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from scripts.reader.lean_graph import file_entry, prune_file


def export_onnx(model: Any, tokenizer: Any, out: Path) -> None:
    """fp32 ONNX graph with dynamic batch and sequence axes (opset 17, legacy exporter)."""
    import torch

    sample = tokenizer(["a question"], ["a passage"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(out),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={**axes, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def quantize(fp32: Path, int8: Path) -> None:
    """Dynamic int8 quantisation of the weights (activations stay float)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)


def write_model_dir(
    model: Any, tokenizer: Any, base_path: Path, out_dir: Path, card: dict[str, Any]
) -> dict[str, Any]:
    """Export, quantise, prune (``lean_graph``: same logits, faster) and write the shipped
    directory; returns the model card."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        export_onnx(model, tokenizer, fp32)
        quantize(fp32, out_dir / "model.onnx")
        card["fp32_bytes"] = fp32.stat().st_size
    card["pruned_nodes"] = prune_file(out_dir / "model.onnx")
    shutil.copyfile(base_path / "tokenizer.json", out_dir / "tokenizer.json")
    card["files"] = {name: file_entry(out_dir / name) for name in ("model.onnx", "tokenizer.json")}
    (out_dir / "reader.json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return card
