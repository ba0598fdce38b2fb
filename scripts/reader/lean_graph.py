"""Drop two kinds of dead weight from an exported reader graph; the logits stay bit-identical.

``torch.onnx.export`` of a transformers BERT with its default attention (SDPA) writes, in every
layer, ``Where(IsNaN(softmax), 0, softmax)``, a guard for a row whose keys are all masked, and
its own copy of ``Where(mask, 0, -inf)``. The reader's rows never are all masked (a pair always
holds [CLS] and the question), so the guard returns the softmax unchanged, and the mask copies are
equal. Run one pair at a time, as the reader is (``retrieval/adapters/reader_onnx.py``), these
small nodes cost about a sixth of the graph's time: 64 pairs took 417 ms against 506 ms, and
the logits of the 6,940 units read for test45 to test50 are identical to the last bit
(``eval/calibration/reader_v7_eager.md``).

Applied by ``export.write_model_dir`` to every new reader; for a model directory already built::

    PYTHONPATH=. .venv/bin/python -m scripts.reader.lean_graph retrieval/reader_model
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.models import file_sha256


def _rewire(graph: Any, old: str, new: str) -> None:
    """Make every node that reads ``old`` read ``new`` instead."""
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def _nan_guards(graph: Any) -> list[Any]:
    """The ``IsNaN`` + ``Where`` pairs that follow a softmax, bypassed; returns their nodes."""
    dropped: list[Any] = []
    for isnan in [n for n in graph.node if n.op_type == "IsNaN"]:
        wheres = [n for n in graph.node if n.op_type == "Where" and n.input[0] == isnan.output[0]]
        if len(wheres) != 1 or wheres[0].input[2] != isnan.input[0]:
            continue
        if any(o.name == wheres[0].output[0] for o in graph.output):
            continue
        _rewire(graph, wheres[0].output[0], isnan.input[0])
        dropped += [isnan, wheres[0]]
    return dropped


def _duplicate_wheres(graph: Any, skip: Sequence[Any]) -> list[Any]:
    """``Where`` nodes equal to an earlier one (same condition, same constant branches)."""
    from onnx import numpy_helper

    constants = {n.output[0]: n for n in graph.node if n.op_type == "Constant"}
    seen: dict[tuple[str, bytes, bytes], str] = {}
    dropped: list[Any] = []
    for node in graph.node:
        if node.op_type != "Where" or node in skip:
            continue
        if node.input[1] not in constants or node.input[2] not in constants:
            continue
        a, b = (numpy_helper.to_array(constants[x].attribute[0].t) for x in node.input[1:])
        key = (
            node.input[0],
            a.dtype.str.encode() + a.tobytes(),
            b.dtype.str.encode() + b.tobytes(),
        )
        if key in seen and not any(o.name == node.output[0] for o in graph.output):
            _rewire(graph, node.output[0], seen[key])
            dropped.append(node)
        else:
            seen.setdefault(key, node.output[0])
    return dropped


def prune(model: Any) -> int:
    """Remove NaN guards after softmax and duplicate mask nodes in place; returns nodes removed."""
    graph = model.graph
    guards = _nan_guards(graph)
    dropped = guards + _duplicate_wheres(graph, guards)
    for node in dropped:
        graph.node.remove(node)
    return len(dropped)


def prune_file(path: Path) -> int:
    """:func:`prune` an ONNX file in place (rewritten only when something was removed)."""
    import onnx

    model = onnx.load(str(path))
    removed = prune(model)
    if removed:
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
    return removed


def file_entry(path: Path) -> dict[str, Any]:
    """A model card's record of one shipped file: its sha256 and size."""
    return {"sha256": file_sha256(path), "bytes": path.stat().st_size}


def main(argv: Sequence[str] | None = None) -> None:
    """Prune ``DIR/model.onnx`` and update the sha256 and size in ``DIR/reader.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    args = parser.parse_args(argv)
    model = args.model_dir / "model.onnx"
    removed = prune_file(model)
    entry = file_entry(model)
    card_path = args.model_dir / "reader.json"
    if card_path.is_file():
        card = json.loads(card_path.read_text())
        card.setdefault("files", {})["model.onnx"] = entry
        card_path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    print(f"{removed} nodes removed; model.onnx sha256 {entry['sha256']}")


if __name__ == "__main__":
    main()
