"""EinsumDense and MultiHeadAttention as ONNX Einsum nodes (the attention of 3-D inputs over the time axis, without
masks other than `use_causal_mask=True`)."""
import math

import numpy as np

from .export_error import ExportError
from .onnx_activations import apply_activation


def _einsum_dense(graph, layer, x):
    config = layer.get_config()
    y = graph.op("Einsum", [x, graph.constant(np.asarray(layer.kernel.numpy(), np.float32), f"{layer.name}/kernel")],
                 layer.name, equation=config["equation"])
    if getattr(layer, "bias", None) is not None:
        y = graph.op("Add", [y, graph.constant(np.asarray(layer.bias.numpy(), np.float32), f"{layer.name}/bias")],
                     layer.name)
    return apply_activation(graph, y, config.get("activation", "linear"), layer)


def einsum_dense(graph, layer, xs, shapes):
    return _einsum_dense(graph, layer, xs[0])


def _refuse(layer, why):
    raise ExportError(f"export(format='onnx'): {layer.name} (MultiHeadAttention) {why}; export writes attention of "
                      "3-D query/value over the time axis, with use_causal_mask=True as its only mask")


def multi_head_attention(graph, layer, xs, shapes):
    """softmax(q k^T / sqrt(key_dim)) v per head, through the layer's four EinsumDense projections."""
    options = graph.call_options
    if options.get("return_attention_scores"):
        _refuse(layer, "returns its attention scores")
    if len(shapes[0]) != 3 or tuple(layer.attention_axes) != (1,) or getattr(layer, "use_gate", False) \
            or getattr(layer, "sliding_window", None) is not None:
        _refuse(layer, f"has query shape {shapes[0]}, attention_axes {layer.attention_axes}, a gate or a window")
    query, value = xs[0], xs[1] if len(xs) > 1 else xs[0]
    key = xs[2] if len(xs) > 2 else value
    q = _einsum_dense(graph, layer.query_dense, query)          # (batch, T, heads, key_dim)
    k = _einsum_dense(graph, layer.key_dense, key)              # (batch, S, heads, key_dim)
    v = _einsum_dense(graph, layer.value_dense, value)          # (batch, S, heads, value_dim)
    scale = graph.constant(np.float32(1.0 / math.sqrt(float(layer.key_dim))), "scale")
    q = graph.op("Mul", [q, scale], layer.name)
    logits = graph.op("Einsum", [q, k], layer.name, equation="bthd,bshd->bhts")
    if options.get("use_causal_mask"):
        t, s = shapes[0][1], (shapes[1] if len(shapes) > 1 else shapes[0])[1]
        if t is None or s is None:
            _refuse(layer, "has use_causal_mask=True over steps of unknown length")
        allowed = np.arange(t)[:, None] >= np.arange(s)[None, :]
        logits = graph.op("Where", [graph.constant(allowed, "causal"), logits,
                                    graph.constant(np.float32(-1e9), "fill")], layer.name)
    probs = graph.op("Softmax", [logits], layer.name, axis=-1)
    out = graph.op("Einsum", [probs, v], layer.name, equation="bhts,bshd->bthd")
    return _einsum_dense(graph, layer.output_dense, out)
