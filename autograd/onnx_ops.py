"""deepgrad's ops, as a traced forward recorded them (Function class, arguments), written as ONNX nodes.

A converter gets the graph, the op's arguments (a `Value` for a tensor computed in the forward or given to it, a
NumPy array for a parameter or buffer, a Python value for a setting) and its keyword arguments, and returns the
ONNX name of each output. Ops without a converter are refused by name (onnx_trace.py).
"""
from dataclasses import dataclass

import numpy as np


class OnnxOpError(ValueError):
    """An op of the traced forward that export cannot write."""


@dataclass
class Value:
    """A tensor of the traced forward: its ONNX name and the array it held while tracing."""
    name: str
    array: np.ndarray


def _name(g, a, like=None, hint="const"):
    """An argument as an ONNX value name: a Value's own, an array's or a number's initializer (a number takes the
    dtype of `like`, the op's other operand, as PyTorch's type promotion gives a tensor and a Python scalar)."""
    if isinstance(a, Value):
        return a.name
    if isinstance(a, (bool, int, float, np.number)) and not isinstance(a, np.ndarray):
        dtype = like.array.dtype if isinstance(like, Value) else np.float32
        return g.constant(np.asarray(a, dtype), hint)
    return g.constant(np.asarray(a), hint)


def _pair(v, n=2):
    return [int(v)] * n if np.ndim(v) == 0 else [int(x) for x in v]


def _refuse(op, why):
    raise OnnxOpError(f"autograd.onnx.export: {op} {why}")


def _unary(op_type, **attrs):
    return lambda g, args, kw: [g.op(op_type, [_name(g, args[0])], op_type, **attrs)]


def _binary(op_type):
    def convert(g, args, kw):
        a, b = args[0], args[1]
        like = a if isinstance(a, Value) else b
        return [g.op(op_type, [_name(g, a, like), _name(g, b, like)], op_type)]
    return convert


def truncate(g, name):
    """x rounded toward zero (ONNX has no Trunc): sign(x) * floor(|x|)."""
    return g.op("Mul", [g.op("Sign", [name], "Trunc"), g.op("Floor", [g.op("Abs", [name], "Trunc")], "Trunc")],
                "Trunc")


def conv(g, args, kw):
    """deepgrad's convolution runs 1-D and unbatched inputs as 2-D ones with length-1 axes put in (x_axes,
    w_axes); `extra` pads the bottom/right beyond the symmetric padding ('same' with an even kernel)."""
    x, w, b, stride, padding, dilation, groups = args[:7]
    extra = args[7] if len(args) > 7 else ()
    x_axes = tuple(args[8]) if len(args) > 8 and args[8] else ()
    w_axes = tuple(args[9]) if len(args) > 9 and args[9] else ()
    if isinstance(w, Value):
        _refuse("Conv", "with a weight computed in the forward (export writes parameters as constants)")
    w = np.expand_dims(np.asarray(w), w_axes) if w_axes else np.asarray(w)
    rank = w.ndim - 2
    pads = _pair(padding, rank)
    ends = [p + e for p, e in zip(pads, _pair(extra, rank))] if extra else pads
    source = _name(g, x)
    if x_axes:
        source = g.op("Unsqueeze", [source, g.constant(np.array(x_axes, np.int64), "axes")], "Conv")
    inputs = [source, _name(g, w, hint="weight")] + ([] if b is None else [_name(g, b, hint="bias")])
    y = g.op("Conv", inputs, "Conv", strides=_pair(stride, rank), pads=pads + ends,
             dilations=_pair(dilation, rank), group=int(groups), kernel_shape=list(w.shape[2:]))
    if x_axes:
        y = g.op("Squeeze", [y, g.constant(np.array(x_axes, np.int64), "axes")], "Conv")
    return [y]


def conv_transpose(g, args, kw):
    x, w, b, stride, padding, dilation, groups, out_hw = args[:8]
    if len(args) > 8 and args[8]:
        _refuse("ConvTranspose", "of a 1-D or unbatched input (export writes batched 2-D and 3-D ones)")
    rank = np.ndim(w) - 2
    stride, padding, dilation = _pair(stride, rank), _pair(padding, rank), _pair(dilation, rank)
    sizes = x.array.shape[2:]
    kernel = np.shape(w)[2:]
    natural = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in zip(sizes, stride, padding, dilation, kernel)]
    output_padding = [int(o) - n for o, n in zip(out_hw, natural)]
    inputs = [_name(g, x), _name(g, np.asarray(w), hint="weight")] + ([] if b is None else [_name(g, b, hint="bias")])
    return [g.op("ConvTranspose", inputs, "ConvTranspose", strides=stride, pads=padding + padding,
                 dilations=dilation, group=int(groups), output_padding=output_padding, kernel_shape=list(kernel))]


def linear(g, args, kw):
    x, w, b = args[:3]
    weight_t = g.constant(np.ascontiguousarray(np.asarray(w).T), "weight") if not isinstance(w, Value) else \
        g.op("Transpose", [w.name], "Linear", perm=[1, 0])
    y = g.op("MatMul", [_name(g, x), weight_t], "Linear")
    return [y if b is None else g.op("Add", [y, _name(g, b, hint="bias")], "Linear")]


def batch_norm(g, args, kw):
    x, mean, var, weight, bias, training, _momentum, eps = args[:8]
    if training:
        _refuse("BatchNorm", "runs in training mode; call model.eval() before exporting")
    channels = np.shape(mean)[0]
    weight = np.ones(channels, np.float32) if weight is None else weight
    bias = np.zeros(channels, np.float32) if bias is None else bias
    return [g.op("BatchNormalization", [_name(g, x), _name(g, weight, hint="weight"), _name(g, bias, hint="bias"),
                                        _name(g, mean, hint="running_mean"), _name(g, var, hint="running_var")],
                 "BatchNorm", epsilon=float(eps))]


def layer_norm(g, args, kw):
    x, weight, bias, n_axes, eps = args[:5]
    shape = x.array.shape[-int(n_axes):]
    weight = np.ones(shape, x.array.dtype) if weight is None else weight
    inputs = [_name(g, x), _name(g, weight, hint="weight")] + ([] if bias is None else [_name(g, bias, hint="bias")])
    return [g.op("LayerNormalization", inputs, "LayerNorm", axis=-int(n_axes), epsilon=float(eps))]


def max_pool(g, args, kw):
    x, kernel, stride, padding, dilation, ceil_mode = args[:6]
    if len(args) > 7 and args[7]:
        _refuse("MaxPool", "returns indices")
    rank = x.array.ndim - 2
    pads = _pair(padding, rank)
    return [g.op("MaxPool", [_name(g, x)], "MaxPool", kernel_shape=_pair(kernel, rank), strides=_pair(stride, rank),
                 pads=pads + pads, dilations=_pair(dilation, rank), ceil_mode=int(bool(ceil_mode)))]


def avg_pool(g, args, kw):
    x, kernel, stride, padding, ceil_mode, count_include_pad = args[:6]
    rank = x.array.ndim - 2
    pads = _pair(padding, rank)
    return [g.op("AveragePool", [_name(g, x)], "AvgPool", kernel_shape=_pair(kernel, rank),
                 strides=_pair(stride, rank), pads=pads + pads, ceil_mode=int(bool(ceil_mode)),
                 count_include_pad=int(bool(count_include_pad)))]


def adaptive_avg_pool(g, args, kw):
    x = args[0]
    out = _pair(args[1], x.array.ndim - 2)
    sizes = x.array.shape[2:]
    if all(o == 1 for o in out):
        return [g.op("GlobalAveragePool", [_name(g, x)], "AdaptiveAvgPool")]
    if any(n % o for n, o in zip(sizes, out)):
        _refuse("adaptive_avg_pool", f"from {sizes} to {tuple(out)} (sizes that do not divide: uneven windows)")
    kernel = [n // o for n, o in zip(sizes, out)]
    return [g.op("AveragePool", [_name(g, x)], "AdaptiveAvgPool", kernel_shape=kernel, strides=kernel)]


def _shape_input(g, shape):
    """A shape argument: computed in the graph (dynamic axes: it has a `name` and no length) or a constant."""
    if hasattr(shape, "name") and not isinstance(shape, (tuple, list)):
        return shape.name
    return g.constant(np.array([int(s) for s in shape], np.int64), "shape")


def reshape(g, args, kw):
    return [g.op("Reshape", [_name(g, args[0]), _shape_input(g, args[1])], "Reshape")]


def transpose(g, args, kw):
    x, axes = args[0], args[1]
    perm = list(range(np.ndim(x.array if isinstance(x, Value) else x)))[::-1] if axes is None else \
        [int(a) for a in axes]
    return [g.op("Transpose", [_name(g, x)], "Transpose", perm=perm)]


def _axes(x, axis):
    if axis is None:
        return list(range(x.array.ndim))
    return [int(a) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))]


def _reduce(op_type):
    def convert(g, args, kw):
        x = args[0]
        axis = kw.get("axis", args[1] if len(args) > 1 else None)
        keepdims = kw.get("keepdims", args[2] if len(args) > 2 else False)
        axes = g.constant(np.array(_axes(x, axis), np.int64), "axes")
        return [g.op(op_type, [_name(g, x), axes], op_type, keepdims=int(bool(keepdims)))]
    return convert


def extremum(g, args, kw):
    largest = kw.get("largest", args[3] if len(args) > 3 else True)
    return _reduce("ReduceMax" if largest else "ReduceMin")(g, args[:3], kw)


def concatenate(g, args, kw):
    return [g.op("Concat", [_name(g, a) for a in args], "Concat", axis=int(kw.get("axis", 0)))]


def stack(g, args, kw):
    axis = int(kw.get("axis", 0))
    axes = g.constant(np.array([axis], np.int64), "axes")
    return [g.op("Concat", [g.op("Unsqueeze", [_name(g, a), axes], "Stack") for a in args], "Stack", axis=axis)]


def split(g, args, kw):
    x, bounds = args[0], [int(b) for b in args[1]]
    axis = int(kw.get("axis", args[2] if len(args) > 2 else 0))
    size = x.array.shape[axis]
    edges = [0] + bounds + [size]
    sizes = g.constant(np.array([b - a for a, b in zip(edges[:-1], edges[1:])], np.int64), "split")
    outs = [g.fresh("Split") for _ in range(len(edges) - 1)]
    g.nodes.append(g.onnx.helper.make_node("Split", [_name(g, x), sizes], outs, name=outs[0], axis=axis))
    return outs


def unbind(g, args, kw):
    x = args[0]
    axis = int(kw.get("axis", args[1] if len(args) > 1 else 0))
    count = x.array.shape[axis]
    parts = [g.fresh("Unbind") for _ in range(count)]
    g.nodes.append(g.onnx.helper.make_node("Split", [_name(g, x), g.constant(np.ones(count, np.int64), "split")],
                                           parts, name=parts[0], axis=axis))
    axes = g.constant(np.array([axis], np.int64), "axes")
    return [g.op("Squeeze", [part, axes], "Unbind") for part in parts]


def softmax(g, args, kw):
    x, axis, log = args[0], int(args[1]), bool(args[2]) if len(args) > 2 else False
    return [g.op("LogSoftmax" if log else "Softmax", [_name(g, x)], "Softmax", axis=axis)]


def clip(g, args, kw):
    x, lo, hi = args[:3]
    dtype = x.array.dtype
    lo = None if lo is None else g.constant(np.asarray(lo, dtype), "min")
    hi = None if hi is None else g.constant(np.asarray(hi, dtype), "max")
    return [g.op("Clip", [_name(g, x), lo, hi], "Clip")]


def silu(g, args, kw):
    x = _name(g, args[0])
    return [g.op("Mul", [x, g.op("Sigmoid", [x], "Silu")], "Silu")]


def embedding(g, args, kw):
    indices, weight = args[0], args[1]
    return [g.op("Gather", [_name(g, weight, hint="weight"), _name(g, indices)], "Embedding", axis=0)]


def repeat(g, args, kw):
    reps = [int(r) for r in args[1]]
    x = args[0]
    name = _name(g, x)
    if len(reps) > x.array.ndim:   # PyTorch's repeat adds leading axes first
        shape = [1] * (len(reps) - x.array.ndim) + list(x.array.shape)
        name = g.op("Reshape", [name, g.constant(np.array(shape, np.int64), "shape")], "Repeat")
    return [g.op("Tile", [name, g.constant(np.array(reps, np.int64), "repeats")], "Repeat")]


def vector_norm(g, args, kw):
    x, order, axis, keepdims = args[:4]
    axes = g.constant(np.array(_axes(x, axis), np.int64), "axes")
    ops = {1.0: "ReduceL1", 2.0: "ReduceL2"}
    if float(order) not in ops:
        _refuse("vector_norm", f"of order {order} (export writes orders 1 and 2)")
    return [g.op(ops[float(order)], [_name(g, x), axes], "VectorNorm", keepdims=int(bool(keepdims)))]


def attention(g, args, kw):
    q, k, v, mask, dropout_p, is_causal, scale = args[:7]
    if dropout_p:
        _refuse("scaled_dot_product_attention", f"with dropout_p={dropout_p}; pass 0 (eval) when exporting")
    dtype = q.array.dtype
    perm = list(range(k.array.ndim - 2)) + [k.array.ndim - 1, k.array.ndim - 2]
    scores = g.op("MatMul", [_name(g, q), g.op("Transpose", [_name(g, k)], "Attention", perm=perm)], "Attention")
    scores = g.op("Mul", [scores, g.constant(np.asarray(scale, dtype), "scale")], "Attention")
    t, s = q.array.shape[-2], k.array.shape[-2]
    if is_causal:
        allowed = np.tril(np.ones((t, s), bool))
        scores = g.op("Where", [g.constant(allowed, "causal"), scores,
                                g.constant(np.asarray(-np.inf, dtype), "fill")], "Attention")
    if mask is not None:
        mask_array = mask.array if isinstance(mask, Value) else np.asarray(mask)
        if mask_array.dtype == bool:
            scores = g.op("Where", [_name(g, mask), scores, g.constant(np.asarray(-np.inf, dtype), "fill")],
                          "Attention")
        else:
            scores = g.op("Add", [scores, _name(g, mask, q)], "Attention")
    probs = g.op("Softmax", [scores], "Attention", axis=-1)
    return [g.op("MatMul", [probs, _name(g, v)], "Attention")]


def _host(a):
    """A plan's index or weight array as NumPy (a CuPy array is copied from the device)."""
    return a.get() if hasattr(a, "get") else np.asarray(a)


def resample(g, args, kw):
    """interpolate's resampling: an integer nearest upscale as Resize, other plans (nearest at other sizes,
    linear, cubic, any align_corners) as the gathers and weighted sums they are, axis by axis."""
    x, plans = args[0], args[1]
    if all(kind == "repeat" for _, (kind, *_) in plans):
        scales = [1.0] * x.array.ndim
        for axis, (_, factor) in plans:
            scales[axis] = float(factor)
        return [g.op("Resize", [_name(g, x), None, g.constant(np.array(scales, np.float32), "scales")], "Resize",
                     mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")]
    y, ndim = _name(g, x), x.array.ndim
    for axis, plan in plans:
        kind = plan[0]
        if kind == "repeat":
            scales = [1.0] * ndim
            scales[axis] = float(plan[1])
            y = g.op("Resize", [y, None, g.constant(np.array(scales, np.float32), "scales")], "Resize",
                     mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        elif kind == "take":
            y = g.op("Gather", [y, g.constant(_host(plan[1]).astype(np.int64), "index")], "Resample", axis=axis)
        else:
            mixed = None
            for index, w in zip(plan[1], plan[2]):
                shape = [1] * ndim
                shape[axis] = -1
                weight = _host(w).astype(x.array.dtype).reshape(shape)
                tap = g.op("Gather", [y, g.constant(_host(index).astype(np.int64), "index")], "Resample", axis=axis)
                tap = g.op("Mul", [tap, g.constant(weight, "weight")], "Resample")
                mixed = tap if mixed is None else g.op("Add", [mixed, tap], "Resample")
            y = mixed
    return [y]


def softplus(g, args, kw):
    """log(1 + exp(beta x)) / beta, and x itself where beta x passes the threshold (PyTorch's rule)."""
    x = args[0]
    beta = float(kw.get("beta", args[1] if len(args) > 1 else 1.0))
    threshold = float(kw.get("threshold", args[2] if len(args) > 2 else np.inf))
    dtype = x.array.dtype
    scale = g.constant(np.asarray(beta, dtype), "beta")
    scaled = g.op("Mul", [_name(g, x), scale], "Softplus")
    y = g.op("Div", [g.op("Softplus", [scaled], "Softplus"), scale], "Softplus")
    if np.isfinite(threshold):
        above = g.op("Greater", [scaled, g.constant(np.asarray(threshold, dtype), "threshold")], "Softplus")
        y = g.op("Where", [above, _name(g, x), y], "Softplus")
    return [y]


def broadcast_to(g, args, kw):
    return [g.op("Expand", [_name(g, args[0]), _shape_input(g, args[1])], "BroadcastTo")]


def where(g, args, kw):
    cond, a, b = args[:3]
    like = a if isinstance(a, Value) else b
    return [g.op("Where", [_name(g, cond), _name(g, a, like), _name(g, b, like)], "Where")]


def _gelu(approximate):
    return _unary("Gelu", approximate=approximate)


#: Function class name -> converter
CONVERTERS = {
    "Conv1d": conv, "Conv2d": conv, "Conv3d": conv, "ConvTranspose1d": conv_transpose,
    "ConvTranspose2d": conv_transpose, "ConvTranspose3d": conv_transpose,
    "Linear": linear, "MatMul": _binary("MatMul"), "BatchNorm": batch_norm, "LayerNorm": layer_norm,
    "MaxPool1d": max_pool, "MaxPool2d": max_pool, "MaxPool3d": max_pool,
    "AvgPool1d": avg_pool, "AvgPool2d": avg_pool, "AvgPool3d": avg_pool,
    "AdaptiveAvgPool1d": adaptive_avg_pool, "AdaptiveAvgPool2d": adaptive_avg_pool,
    "Reshape": reshape, "Transpose": transpose, "Concatenate": concatenate, "Stack": stack, "Split": split, "Unbind": unbind,
    "Repeat": repeat, "Clone": _unary("Identity"),
    "Extremum": extremum, "VectorNorm": vector_norm,
    "Add": _binary("Add"), "Sub": _binary("Sub"), "Mul": _binary("Mul"), "Div": _binary("Div"),
    "Pow": _binary("Pow"),
    "Neg": _unary("Neg"), "Abs": _unary("Abs"), "Exp": _unary("Exp"), "Log": _unary("Log"), "Sqrt": _unary("Sqrt"),
    "Tanh": _unary("Tanh"), "Sigmoid": _unary("Sigmoid"), "Relu": _unary("Relu"), "Silu": silu,
    "Gelu": _gelu("none"), "GeluTanh": _gelu("tanh"), "Elu": lambda g, a, k: [g.op("Elu", [_name(g, a[0])], "Elu",
                                                                                   alpha=float(a[1]))],
    "LeakyRelu": lambda g, a, k: [g.op("LeakyRelu", [_name(g, a[0])], "LeakyRelu", alpha=float(a[1]))],
    "Softmax": softmax, "Clip": clip, "Hardtanh": clip, "Embedding": embedding,
    "Softplus": softplus, "Hardsigmoid": _unary("HardSigmoid", alpha=1.0 / 6.0, beta=0.5),
    "Hardswish": _unary("HardSwish"), "Mish": _unary("Mish"), "Erf": _unary("Erf"),
    "BroadcastTo": broadcast_to, "Where": where,
    "ScaledDotProductAttention": attention, "Resample": resample,
}
