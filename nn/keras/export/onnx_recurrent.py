"""Keras's LSTM, GRU and SimpleRNN layers, alone or in a Bidirectional wrapper, as ONNX's LSTM, GRU and RNN nodes.

ONNX runs its sequence-first layout and its own gate order (LSTM: input, output, forget, cell; Keras's kernel
holds input, forget, cell, output), so the weights are reordered and the input transposed around the node.
"""
import numpy as np

from .export_error import ExportError

_ONNX_ACTIVATIONS = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu"}
#: ONNX op, the slices of Keras's (units * gates) kernel columns in ONNX's gate order
_KINDS = {"LSTM": ("LSTM", (0, 3, 1, 2)), "GRU": ("GRU", (0, 1, 2)), "SimpleRNN": ("RNN", (0,))}


def _check(layer, config):
    for option in ("go_backwards", "stateful", "return_state"):
        if config.get(option) and not (option == "go_backwards" and getattr(layer, "_export_backward", False)):
            raise ExportError(f"export(format='onnx'): {layer.name} ({type(layer).__name__}) has {option}=True; "
                              "export writes recurrent layers without it")
    names = [config["activation"]] + ([config["recurrent_activation"]] if config.get("recurrent_activation") else [])
    if any(name not in _ONNX_ACTIVATIONS for name in names):
        raise ExportError(f"export(format='onnx'): {layer.name} uses the activations {names}; ONNX's recurrent "
                          f"nodes take {sorted(_ONNX_ACTIVATIONS)} here")
    return names


def _gate_rows(matrix, units, order):
    """Keras's (in, units * gates) matrix as ONNX's (units * gates, in), gates in ONNX's order."""
    return np.concatenate([matrix[:, g * units:(g + 1) * units] for g in order], axis=1).T


def _weights(layer, config, kind, units):
    """(W, R, B) of one direction as ONNX lays them out; B holds the input and the recurrent biases."""
    cell = layer.cell
    _, order = _KINDS[kind]
    gates = len(order)
    kernel = np.asarray(cell.kernel.numpy(), np.float32)
    recurrent = np.asarray(cell.recurrent_kernel.numpy(), np.float32)
    w, r = _gate_rows(kernel, units, order), _gate_rows(recurrent, units, order)
    if config.get("use_bias", True):
        bias = np.asarray(cell.bias.numpy(), np.float32)
        if bias.ndim == 2:   # GRU(reset_after=True): input and recurrent biases
            b_in, b_rec = bias[0], bias[1]
        else:
            b_in, b_rec = bias, np.zeros_like(bias)
        b = np.concatenate([_gate_rows(b_in[None], units, order)[:, 0], _gate_rows(b_rec[None], units, order)[:, 0]])
    else:
        b = np.zeros(2 * gates * units, np.float32)
    return w, r, b


def _recurrent_node(graph, directions, xs, kind, config, name, direction):
    """Run ONNX's node over Keras's (batch, time, features) input; returns (Y, Y_h) as ONNX gives them."""
    op_type, _ = _KINDS[kind]
    units = int(config["units"])
    w = np.stack([d[0] for d in directions])
    r = np.stack([d[1] for d in directions])
    b = np.stack([d[2] for d in directions])
    x = graph.op("Transpose", [xs[0]], name, perm=[1, 0, 2])
    activations = [_ONNX_ACTIVATIONS[a] for a in directions[0][3]]
    if kind == "LSTM":   # ONNX's f, g, h: recurrent activation, then the activation twice
        activations = [activations[1], activations[0], activations[0]]
    elif kind == "GRU":
        activations = [activations[1], activations[0]]
    activations = activations * len(directions)
    attributes = dict(hidden_size=units, direction=direction, activations=activations)
    if kind == "GRU":
        attributes["linear_before_reset"] = int(bool(config.get("reset_after", True)))
    inputs = [x, graph.constant(w, f"{name}/W"), graph.constant(r, f"{name}/R"), graph.constant(b, f"{name}/B")]
    outs = [graph.fresh(f"{name}/{op_type}_Y"), graph.fresh(f"{name}/{op_type}_Y_h")]
    if kind == "LSTM":
        outs.append(graph.fresh(f"{name}/{op_type}_Y_c"))
    graph.nodes.append(graph.onnx.helper.make_node(op_type, inputs, outs, name=outs[0], **attributes))
    return outs[0], outs[1]


def recurrent(graph, layer, xs, shapes):
    """LSTM / GRU / SimpleRNN: the last output, or every step's with return_sequences=True."""
    config = layer.get_config()
    kind = type(layer).__name__
    names = _check(layer, config)
    w, r, b = _weights(layer, config, kind, int(config["units"]))
    y, y_h = _recurrent_node(graph, [(w, r, b, names)], xs, kind, config, layer.name, "forward")
    if config.get("return_sequences"):   # Y (time, 1, batch, units) -> (batch, time, units)
        y = graph.op("Squeeze", [y, graph.constant(np.array([1], np.int64), "axes")], layer.name)
        return graph.op("Transpose", [y], layer.name, perm=[1, 0, 2])
    return graph.op("Squeeze", [y_h, graph.constant(np.array([0], np.int64), "axes")], layer.name)


def bidirectional(graph, layer, xs, shapes):
    """Bidirectional(LSTM | GRU | SimpleRNN) with merge_mode 'concat', 'sum', 'ave' or 'mul'."""
    forward, backward = layer.forward_layer, layer.backward_layer
    kind = type(forward).__name__
    if kind not in _KINDS or type(backward).__name__ != kind:
        raise ExportError(f"export(format='onnx'): {layer.name} wraps {type(forward).__name__}; export writes "
                          "Bidirectional LSTM, GRU and SimpleRNN layers")
    if layer.merge_mode not in ("concat", "sum", "ave", "mul"):
        raise ExportError(f"export(format='onnx'): {layer.name} has merge_mode={layer.merge_mode!r}; export "
                          "writes 'concat', 'sum', 'ave' and 'mul'")
    config = forward.get_config()
    back_config = backward.get_config()
    backward._export_backward = True
    try:
        names = _check(forward, config)
        if _check(backward, back_config) != names:
            raise ExportError(f"export(format='onnx'): {layer.name}'s two directions use other activations")
    finally:
        del backward._export_backward
    units = int(config["units"])
    directions = [_weights(forward, config, kind, units) + (names,),
                  _weights(backward, back_config, kind, units) + (names,)]
    y, y_h = _recurrent_node(graph, directions, xs, kind, config, layer.name, "bidirectional")
    if config.get("return_sequences"):   # Y (time, 2, batch, units) -> (batch, time, 2, units)
        both = graph.op("Transpose", [y], layer.name, perm=[2, 0, 1, 3])
        axis = 2
    else:                                # Y_h (2, batch, units) -> (batch, 2, units)
        both = graph.op("Transpose", [y_h], layer.name, perm=[1, 0, 2])
        axis = 1
    if layer.merge_mode == "concat":
        shape = [0, 0, -1] if axis == 2 else [0, -1]
        return graph.op("Reshape", [both, graph.constant(np.array(shape, np.int64), "shape")], layer.name)
    reduce = {"sum": "ReduceSum", "ave": "ReduceMean", "mul": "ReduceProd"}[layer.merge_mode]
    return graph.op(reduce, [both, graph.constant(np.array([axis], np.int64), "axes")], layer.name, keepdims=0)
