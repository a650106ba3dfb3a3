"""Keras layers as ONNX nodes: one converter per built-in layer class, reading the layer's config and weights.

A converter takes (graph, layer, input value names, input shapes) and returns its output value name. Values keep
Keras's layout (channels last) between layers; a convolution or pooling transposes to ONNX's channels-first
layout and back around its own node.
"""
import math

import numpy as np

from .export_error import ExportError
from .onnx_activations import apply_activation

_BIG = np.iinfo(np.int64).max


def _array(variable, dtype=np.float32):
    return np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable, dtype=dtype)


def _ints(value, rank):
    return [int(value)] * rank if np.ndim(value) == 0 else [int(v) for v in value]


def _same_pads(sizes, kernel, strides, dilations):
    """Explicit ONNX pads (begins then ends) for Keras's 'same' padding (the extra pixel at the end), or None
    when a spatial size is unknown (then ONNX's SAME_UPPER, the same rule, works it out at run time)."""
    if any(n is None for n in sizes):
        return None
    begins, ends = [], []
    for n, k, s, d in zip(sizes, kernel, strides, dilations):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def _padding_attributes(config, sizes, kernel, strides, dilations):
    padding = config["padding"]
    if padding == "valid":
        return {}
    if padding == "causal":
        return {"pads": [(k - 1) * d for k, d in zip(kernel, dilations)] + [0] * len(kernel)}
    pads = _same_pads(sizes, kernel, strides, dilations)
    return {"auto_pad": "SAME_UPPER"} if pads is None else {"pads": pads}


def _channels_first(graph, x, rank, config, name):
    """x in ONNX's (N, C, spatial...) layout, and the perm that takes a result back (None if already there)."""
    if config.get("data_format", "channels_last") == "channels_first":
        return x, None
    to_first = [0, rank + 1] + list(range(1, rank + 1))
    back = [0] + list(range(2, rank + 2)) + [1]
    return graph.op("Transpose", [x], name, perm=to_first), back


def _spatial(config, shape):
    rank = len(shape) - 2
    if config.get("data_format", "channels_last") == "channels_first":
        return rank, list(shape[2:])
    return rank, list(shape[1:-1])


def _back(graph, y, back, name):
    return y if back is None else graph.op("Transpose", [y], name, perm=back)


def dense(graph, layer, xs, shapes):
    config = layer.get_config()
    y = graph.op("MatMul", [xs[0], graph.constant(_array(layer.kernel), f"{layer.name}/kernel")], layer.name)
    if config.get("use_bias", True):
        y = graph.op("Add", [y, graph.constant(_array(layer.bias), f"{layer.name}/bias")], layer.name)
    return apply_activation(graph, y, config.get("activation", "linear"), layer)


def _conv_node(graph, layer, xs, shapes, weight, group):
    """An ONNX Conv of the layer's input with `weight` (out, in / group, spatial...), its padding, strides,
    dilation, bias and activation, in the layer's data format."""
    config = layer.get_config()
    rank, sizes = _spatial(config, shapes[0])
    kernel = weight.shape[2:]
    strides, dilations = _ints(config["strides"], rank), _ints(config["dilation_rate"], rank)
    attributes = dict(kernel_shape=list(kernel), strides=strides, dilations=dilations, group=int(group))
    attributes.update(_padding_attributes(config, sizes, kernel, strides, dilations))
    x, back = _channels_first(graph, xs[0], rank, config, layer.name)
    inputs = [x, graph.constant(np.ascontiguousarray(weight), f"{layer.name}/kernel")]
    if config.get("use_bias", True):
        inputs.append(graph.constant(_array(layer.bias), f"{layer.name}/bias"))
    y = _back(graph, graph.op("Conv", inputs, layer.name, **attributes), back, layer.name)
    return apply_activation(graph, y, config.get("activation", "linear"), layer)


def conv(graph, layer, xs, shapes):
    kernel = _array(layer.kernel)   # (spatial..., in / groups, out)
    rank = kernel.ndim - 2
    weight = kernel.transpose([rank + 1, rank] + list(range(rank)))
    return _conv_node(graph, layer, xs, shapes, weight, layer.get_config().get("groups", 1))


def depthwise_conv(graph, layer, xs, shapes):
    kernel = _array(layer.kernel)   # (spatial..., in, multiplier): output channel c * multiplier + m
    rank = kernel.ndim - 2
    channels = kernel.shape[rank] * kernel.shape[rank + 1]
    weight = kernel.reshape(kernel.shape[:rank] + (channels,)).transpose([rank] + list(range(rank)))[:, None]
    return _conv_node(graph, layer, xs, shapes, weight, kernel.shape[rank])


def _pool(op_type):
    def convert(graph, layer, xs, shapes):
        config = layer.get_config()
        rank, sizes = _spatial(config, shapes[0])
        kernel = _ints(config["pool_size"], rank)
        strides = _ints(config["strides"] if config.get("strides") is not None else kernel, rank)
        attributes = dict(kernel_shape=kernel, strides=strides)
        attributes.update(_padding_attributes(config, sizes, kernel, strides, [1] * rank))
        x, back = _channels_first(graph, xs[0], rank, config, layer.name)
        return _back(graph, graph.op(op_type, [x], layer.name, **attributes), back, layer.name)
    return convert


def _global_pool(op_type):
    def convert(graph, layer, xs, shapes):
        config = layer.get_config()
        rank = len(shapes[0]) - 2
        first = config.get("data_format", "channels_last") == "channels_first"
        axes = list(range(2, rank + 2)) if first else list(range(1, rank + 1))
        keepdims = int(bool(config.get("keepdims", False)))
        return graph.op(op_type, [xs[0], graph.constant(np.array(axes, np.int64), "axes")], layer.name,
                        keepdims=keepdims)
    return convert


def batch_normalization(graph, layer, xs, shapes):
    config = layer.get_config()
    rank = len(shapes[0])
    axes = [a % rank for a in _ints(config["axis"], 1)]
    variance = _array(layer.moving_variance, np.float64)
    scale = 1.0 / np.sqrt(variance + config["epsilon"])
    if config.get("scale", True):
        scale = scale * _array(layer.gamma, np.float64)
    shift = -_array(layer.moving_mean, np.float64) * scale
    if config.get("center", True):
        shift = shift + _array(layer.beta, np.float64)
    shape = [shapes[0][a] if a in axes else 1 for a in range(rank)]
    y = graph.op("Mul", [xs[0], graph.constant(scale.astype(np.float32).reshape(shape), f"{layer.name}/scale")],
                 layer.name)
    return graph.op("Add", [y, graph.constant(shift.astype(np.float32).reshape(shape), f"{layer.name}/shift")],
                    layer.name)


def layer_normalization(graph, layer, xs, shapes):
    config = layer.get_config()
    rank = len(shapes[0])
    axes = sorted(a % rank for a in _ints(config["axis"], 1))
    if axes != list(range(axes[0], rank)) or config.get("rms_scaling"):
        raise ExportError(f"export(format='onnx'): {layer.name} normalises over axes {config['axis']}"
                          f"{' with rms_scaling' if config.get('rms_scaling') else ''}; ONNX's LayerNormalization "
                          "takes the trailing axes only (e.g. axis=-1)")
    normalized = [shapes[0][a] for a in axes]
    gamma = _array(layer.gamma) if config.get("scale", True) else np.ones(normalized, np.float32)
    inputs = [xs[0], graph.constant(gamma.reshape(normalized), f"{layer.name}/gamma")]
    if config.get("center", True):
        inputs.append(graph.constant(_array(layer.beta).reshape(normalized), f"{layer.name}/beta"))
    return graph.op("LayerNormalization", inputs, layer.name, axis=axes[0], epsilon=float(config["epsilon"]))


def activation(graph, layer, xs, shapes):
    return apply_activation(graph, xs[0], layer.get_config()["activation"], layer)


def relu(graph, layer, xs, shapes):
    config = layer.get_config()
    if config.get("threshold", 0.0):
        raise ExportError(f"export(format='onnx'): {layer.name} is a ReLU with threshold={config['threshold']}, "
                          "which has no ONNX form here; use threshold=0")
    slope = config.get("negative_slope", 0.0)
    y = graph.op("LeakyRelu", [xs[0]], layer.name, alpha=float(slope)) if slope else \
        graph.op("Relu", [xs[0]], layer.name)
    if config.get("max_value") is not None:
        y = graph.op("Min", [y, graph.constant(np.float32(config["max_value"]), "max")], layer.name)
    return y


def leaky_relu(graph, layer, xs, shapes):
    return graph.op("LeakyRelu", [xs[0]], layer.name, alpha=float(layer.get_config()["negative_slope"]))


def elu(graph, layer, xs, shapes):
    return graph.op("Elu", [xs[0]], layer.name, alpha=float(layer.get_config().get("alpha", 1.0)))


def softmax(graph, layer, xs, shapes):
    axis = layer.get_config().get("axis", -1)
    if not isinstance(axis, int):
        raise ExportError(f"export(format='onnx'): {layer.name} is a Softmax over axes {axis}; export takes one "
                          "axis")
    return graph.op("Softmax", [xs[0]], layer.name, axis=axis)


def prelu(graph, layer, xs, shapes):
    return graph.op("PRelu", [xs[0], graph.constant(_array(layer.alpha), f"{layer.name}/alpha")], layer.name)


def identity(graph, layer, xs, shapes):
    """Dropout and the noise layers: nothing at inference."""
    return xs[0]


def flatten(graph, layer, xs, shapes):
    if layer.get_config().get("data_format") == "channels_first" and len(shapes[0]) > 2:
        perm = [0] + list(range(2, len(shapes[0]))) + [1]
        xs = [graph.op("Transpose", [xs[0]], layer.name, perm=perm)]
    return graph.op("Flatten", [xs[0]], layer.name, axis=1)


def reshape(graph, layer, xs, shapes):
    target = [0] + [int(d) for d in layer.get_config()["target_shape"]]
    return graph.op("Reshape", [xs[0], graph.constant(np.array(target, np.int64), "shape")], layer.name)


def permute(graph, layer, xs, shapes):
    return graph.op("Transpose", [xs[0]], layer.name, perm=[0] + [int(d) for d in layer.get_config()["dims"]])


def _merge(op_type):
    def convert(graph, layer, xs, shapes):
        return graph.op(op_type, xs, layer.name)
    return convert


def subtract(graph, layer, xs, shapes):
    return graph.op("Sub", xs, layer.name)


def multiply(graph, layer, xs, shapes):
    y = xs[0]
    for x in xs[1:]:
        y = graph.op("Mul", [y, x], layer.name)
    return y


def concatenate(graph, layer, xs, shapes):
    return graph.op("Concat", xs, layer.name, axis=int(layer.get_config()["axis"]))


def embedding(graph, layer, xs, shapes):
    if layer.get_config().get("mask_zero"):   # the layers after it would read a mask the file does not carry
        raise ExportError(f"export(format='onnx'): {layer.name} is an Embedding(mask_zero=True); the layers after "
                          "it skip masked steps, which the ONNX file cannot; export a model without the mask")
    return graph.op("Gather", [graph.constant(_array(layer.embeddings), f"{layer.name}/embeddings"), xs[0]],
                    layer.name, axis=0)


def rescaling(graph, layer, xs, shapes):
    config = layer.get_config()
    x = graph.op("Cast", [xs[0]], layer.name, to=1)   # FLOAT: integer images are scaled as floats
    y = graph.op("Mul", [x, graph.constant(np.asarray(config["scale"], np.float32), "scale")], layer.name)
    return graph.op("Add", [y, graph.constant(np.asarray(config["offset"], np.float32), "offset")], layer.name)


def normalization(graph, layer, xs, shapes):
    if getattr(layer, "invert", False):
        raise ExportError(f"export(format='onnx'): {layer.name} is a Normalization(invert=True), not exported")
    mean = _array(layer.mean, np.float64)
    std = np.maximum(np.sqrt(_array(layer.variance, np.float64)), 1e-7)
    y = graph.op("Sub", [xs[0], graph.constant(mean.astype(np.float32), f"{layer.name}/mean")], layer.name)
    return graph.op("Div", [y, graph.constant(std.astype(np.float32), f"{layer.name}/std")], layer.name)


def _pairs(value, rank):
    """Keras's padding/cropping argument as (begin, end) per spatial axis: an int, a pair for one axis, an int per
    axis or a pair per axis."""
    if np.ndim(value) == 0:
        return [(int(value), int(value))] * rank
    if np.ndim(value) == 1 and rank == 1:
        return [(int(value[0]), int(value[1]))]
    return [(int(p), int(p)) if np.ndim(p) == 0 else (int(p[0]), int(p[1])) for p in value]


def zero_padding(graph, layer, xs, shapes):
    config = layer.get_config()
    rank = len(shapes[0]) - 2
    pairs = _pairs(config["padding"], rank)
    first = config.get("data_format", "channels_last") == "channels_first"
    begins = [0, 0] + [p[0] for p in pairs] if first else [0] + [p[0] for p in pairs] + [0]
    ends = [0, 0] + [p[1] for p in pairs] if first else [0] + [p[1] for p in pairs] + [0]
    return graph.op("Pad", [xs[0], graph.constant(np.array(begins + ends, np.int64), "pads")], layer.name)


def cropping(graph, layer, xs, shapes):
    config = layer.get_config()
    rank = len(shapes[0]) - 2
    pairs = _pairs(config["cropping"], rank)
    first = config.get("data_format", "channels_last") == "channels_first"
    axes = list(range(2, rank + 2)) if first else list(range(1, rank + 1))
    starts = [p[0] for p in pairs]
    ends = [-p[1] if p[1] else _BIG for p in pairs]
    return graph.op("Slice", [xs[0], graph.constant(np.array(starts, np.int64), "starts"),
                              graph.constant(np.array(ends, np.int64), "ends"),
                              graph.constant(np.array(axes, np.int64), "axes")], layer.name)


def up_sampling(graph, layer, xs, shapes):
    config = layer.get_config()
    if config.get("interpolation", "nearest") != "nearest":
        raise ExportError(f"export(format='onnx'): {layer.name} upsamples with interpolation="
                          f"{config['interpolation']!r}; export takes 'nearest'")
    rank = len(shapes[0]) - 2
    size = [float(s) for s in _ints(config["size"], rank)]
    first = config.get("data_format", "channels_last") == "channels_first"
    scales = [1.0, 1.0] + size if first else [1.0] + size + [1.0]
    return graph.op("Resize", [xs[0], None, graph.constant(np.array(scales, np.float32), "scales")], layer.name,
                    mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")


def converters():
    """Layer class -> converter, for the built-in layers export knows (exact classes: a subclass of the user's
    may compute something else, so it is refused)."""
    from .. import layers as L
    from .onnx_attention import einsum_dense, multi_head_attention
    from .onnx_recurrent import bidirectional, recurrent
    table = {
        L.EinsumDense: einsum_dense, L.MultiHeadAttention: multi_head_attention,
        L.LSTM: recurrent, L.GRU: recurrent, L.SimpleRNN: recurrent, L.Bidirectional: bidirectional,
        L.Dense: dense,
        L.Conv1D: conv, L.Conv2D: conv, L.Conv3D: conv,
        L.DepthwiseConv1D: depthwise_conv, L.DepthwiseConv2D: depthwise_conv,
        L.MaxPooling1D: _pool("MaxPool"), L.MaxPooling2D: _pool("MaxPool"), L.MaxPooling3D: _pool("MaxPool"),
        L.AveragePooling1D: _pool("AveragePool"), L.AveragePooling2D: _pool("AveragePool"),
        L.AveragePooling3D: _pool("AveragePool"),
        L.GlobalAveragePooling1D: _global_pool("ReduceMean"), L.GlobalAveragePooling2D: _global_pool("ReduceMean"),
        L.GlobalAveragePooling3D: _global_pool("ReduceMean"),
        L.GlobalMaxPooling1D: _global_pool("ReduceMax"), L.GlobalMaxPooling2D: _global_pool("ReduceMax"),
        L.GlobalMaxPooling3D: _global_pool("ReduceMax"),
        L.BatchNormalization: batch_normalization, L.LayerNormalization: layer_normalization,
        L.Activation: activation, L.ReLU: relu, L.LeakyReLU: leaky_relu, L.ELU: elu, L.Softmax: softmax,
        L.PReLU: prelu,
        L.Dropout: identity, L.SpatialDropout1D: identity, L.SpatialDropout2D: identity,
        L.SpatialDropout3D: identity, L.GaussianNoise: identity, L.GaussianDropout: identity,
        L.AlphaDropout: identity, L.ActivityRegularization: identity, L.Identity: identity,
        L.Flatten: flatten, L.Reshape: reshape, L.Permute: permute,
        L.Add: _merge("Sum"), L.Average: _merge("Mean"), L.Maximum: _merge("Max"), L.Minimum: _merge("Min"),
        L.Subtract: subtract, L.Multiply: multiply, L.Concatenate: concatenate,
        L.Embedding: embedding, L.Rescaling: rescaling, L.Normalization: normalization,
        L.ZeroPadding1D: zero_padding, L.ZeroPadding2D: zero_padding, L.ZeroPadding3D: zero_padding,
        L.Cropping1D: cropping, L.Cropping2D: cropping, L.Cropping3D: cropping,
        L.UpSampling1D: up_sampling, L.UpSampling2D: up_sampling, L.UpSampling3D: up_sampling,
    }
    return table
