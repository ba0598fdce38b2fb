"""``scripts.reader.lean_graph``: the pruned graph computes exactly what the exported one does."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from scripts.reader.lean_graph import prune

pytestmark = pytest.mark.unit


def _const(name: str, value: float) -> onnx.NodeProto:
    tensor = helper.make_tensor(f"{name}_v", TensorProto.FLOAT, [], [value])
    return helper.make_node("Constant", [], [name], value=tensor)


def _layer(i: int, x: str) -> list[onnx.NodeProto]:
    """One attention-like layer as ``torch.onnx.export`` writes it with SDPA: its own mask
    ``Where``, scores plus mask, softmax, and the NaN guard."""
    return [
        _const(f"zero{i}", 0.0),
        _const(f"ninf{i}", float("-inf")),
        helper.make_node("Where", ["mask", f"zero{i}", f"ninf{i}"], [f"bias{i}"]),
        helper.make_node("Add", [x, f"bias{i}"], [f"scores{i}"]),
        helper.make_node("Softmax", [f"scores{i}"], [f"soft{i}"], axis=-1),
        helper.make_node("IsNaN", [f"soft{i}"], [f"nan{i}"]),
        _const(f"fill{i}", 0.0),
        helper.make_node("Where", [f"nan{i}", f"fill{i}", f"soft{i}"], [f"safe{i}"]),
    ]


def _model() -> onnx.ModelProto:
    nodes = [*_layer(0, "x"), *_layer(1, "safe0")]
    nodes.append(helper.make_node("Mul", ["safe1", "x"], ["y"]))
    graph = helper.make_graph(
        nodes,
        "two_layers",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4]),
            helper.make_tensor_value_info("mask", TensorProto.BOOL, [2, 4]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (y,) = session.run(["y"], {"x": x, "mask": mask})
    return np.asarray(y)


def test_prune_drops_the_guards_and_the_second_mask_and_keeps_every_output_bit() -> None:
    model = _model()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4)).astype(np.float32)
    mask = np.array([[True, True, False, True], [True, False, False, False]])
    before = _run(model, x, mask)

    removed = prune(model)

    ops = [n.op_type for n in model.graph.node]
    assert removed == 5  # two IsNaN, two guard Wheres, the second layer's mask Where
    assert "IsNaN" not in ops and ops.count("Where") == 1
    onnx.checker.check_model(model)
    assert np.array_equal(_run(model, x, mask), before)


def test_prune_leaves_a_where_that_is_not_a_guard_or_a_copy() -> None:
    model = _model()
    # The second layer's mask now uses other constants: not a copy of the first.
    for node in model.graph.node:
        if node.output[0] == "ninf1":
            node.attribute[0].t.CopyFrom(
                helper.make_tensor("ninf1_v", TensorProto.FLOAT, [], [-1e4])
            )
    removed = prune(model)
    assert removed == 4
    assert [n.op_type for n in model.graph.node].count("Where") == 2


def test_a_pruned_graph_has_nothing_left_to_prune() -> None:
    model = _model()
    prune(model)
    assert prune(model) == 0
