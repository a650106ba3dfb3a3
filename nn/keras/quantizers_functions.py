"""keras.quantizers' functions beyond abs_max_quantize: fake quantization with min/max (and its gradient),
float8 quantize-dequantize and scaling helpers, grouped int4 quantization with a zero point, and get /
serialize / deserialize. Results match Keras 3.15 on its torch backend.

They use keras.ops, which imports the layers, which import nn.keras.quantizers: so nn.keras attaches these
functions to its quantizers namespace once everything is loaded, rather than quantizers importing them."""
import math

import numpy as np

import autograd as ag
from autograd import Tensor

from . import ops
from .quantizers import EPSILON, grouped_quantize_arrays


def _array(value):
    return value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)


def _nudged(min_range, max_range, num_bits, narrow_range):
    """(nudged_min, nudged_max, scale, inv_scale): the range moved so that 0 is exactly representable."""
    dtype = np.result_type(min_range.dtype, np.float32)
    low, high = min_range.astype(dtype), max_range.astype(dtype)
    quant_max, quant_min = (1 << num_bits) - 1, (1 if narrow_range else 0)
    levels = dtype.type(quant_max - quant_min)
    scale, inv_scale = (high - low) / levels, levels / (high - low)
    zero_point = np.round(np.clip(dtype.type(quant_min) - low / scale, quant_min, quant_max))
    return ((dtype.type(quant_min) - zero_point) * scale, (dtype.type(quant_max) - zero_point) * scale, scale,
            inv_scale)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """`inputs` rounded to the 2**num_bits levels (one fewer with narrow_range) of [min_vals, max_vals] (nudged so
    that 0 is a level; per channel along `axis` when min_vals / max_vals are vectors) and clipped to them. The
    gradient passes to the inputs inside the range and to min_vals / max_vals from the inputs at or beyond each
    end (TensorFlow's FakeQuantWithMinMaxVars)."""
    if not isinstance(num_bits, (int, np.integer)) or isinstance(num_bits, bool) or not 1 < int(num_bits) < 32:
        raise ValueError(f"fake_quant_with_min_max_vars: num_bits must be an int between 2 and 31, got {num_bits!r}")
    num_bits = int(num_bits)
    tensors = [ops.convert_to_tensor(v) for v in (inputs, min_vals, max_vals)]
    if axis is not None:
        axis = axis + tensors[0].ndim if axis < 0 else axis
        if not 0 <= axis < tensors[0].ndim:
            raise ValueError(f"fake_quant_with_min_max_vars: axis={axis} is out of range for inputs of shape "
                             f"{tuple(tensors[0].shape)}")

    @ops.custom_gradient
    def quantize(x, min_val, max_val):
        xs, low_in, high_in = _array(x), _array(min_val), _array(max_val)
        low, high, scale, inv_scale = _nudged(low_in, high_in, num_bits, narrow_range)
        half = low.dtype.type(0.5)
        quant_zero = np.floor(-low * inv_scale + half)
        shifted = np.clip(xs.astype(low.dtype), low, high) - low
        result = (np.floor(shifted * inv_scale - quant_zero + half) * scale).astype(xs.dtype)
        inside = (xs >= low) & (xs <= high)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            up = _array(upstream)
            zero = np.zeros((), up.dtype)
            axes = None if axis is None else tuple(i for i in range(up.ndim) if i != axis)

            def to_end(mask, like):
                return ag.tensor(np.where(mask, up, zero).sum(axis=axes).reshape(np.shape(like)).astype(up.dtype))
            return (ag.tensor(np.where(inside, up, zero)), to_end(xs <= low, low_in), to_end(xs >= high, high_in))
        return ag.tensor(result), grad
    return quantize(*tensors)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """inputs / scale, clipped to quantized_dtype's finite range (a float8 type: 'float8_e4m3fn',
    float8_e5m2'), rounded to it, then times scale again, in compute_dtype. The rounding passes gradients
    through rounded to the float8 type (the clip does not pass them), as the casts do on Keras's torch backend."""
    import ml_dtypes   # noqa: F401 (the float8 types; needed by NumPy's dtype lookup below)
    try:
        target = np.dtype(getattr(ml_dtypes, quantized_dtype) if isinstance(quantized_dtype, str) else quantized_dtype)
        limit = float(ml_dtypes.finfo(target).max)
    except (AttributeError, TypeError, ValueError):
        raise ValueError(f"quantize_and_dequantize: quantized_dtype must be a float8 type such as 'float8_e4m3fn' "
                         f"or 'float8_e5m2', got {quantized_dtype!r}") from None
    scale = ops.cast(scale, compute_dtype)
    x = ops.clip(ops.divide(ops.cast(inputs, compute_dtype), scale), -limit, limit)

    @ops.custom_gradient
    def to_float8_and_back(values):
        values = _array(values)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            up = _array(upstream)   # the casts' backward rounds the gradient through float8 too, as torch's does
            return ag.tensor(up.astype(target).astype(up.dtype))
        return ag.tensor(values.astype(target).astype(values.dtype)), grad
    return ops.multiply(to_float8_and_back(x), scale)


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The new float8 scale: 1 / (dtype_max / amax / 2**margin), or the old `scale` where amax is 0 or not finite."""
    old = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2 ** margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, old)
    factor = ops.where(ops.isfinite(amax), factor, old)
    return ops.reciprocal(factor)


def compute_float8_amax_history(x, amax_history):
    """amax_history rolled one step back, with max(|x|) (in the history's dtype) written first."""
    history = ops.convert_to_tensor(amax_history)
    latest = ops.cast(ops.max(ops.abs(x)), history.dtype)
    return ops.scatter_update(ops.roll(history, shift=-1), [[0]], ops.reshape(latest, [1]))


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8", epsilon=EPSILON,
                                             to_numpy=False):
    """(values in `dtype` (rows, cols), scale (groups, cols) in the inputs' dtype, zero point int8 (groups, cols))
    of the asymmetric quantization of a 2-D weight in groups of `block_size` rows into value_range. A group whose
    values are all equal gets the range [v - 1, v + 1] unless to_numpy=True (Keras's two code paths differ there)."""
    weights = _array(inputs)
    if weights.ndim != 2:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point: inputs must be 2-D (input_dim, output_dim), got "
                         f"shape {weights.shape}")
    if not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point: block_size must be a positive int, got "
                         f"{block_size!r}")
    if to_numpy:
        values, scale, zero = grouped_quantize_arrays(weights, block_size, value_range, epsilon)
        return ag.tensor(values.astype(dtype)), ag.tensor(scale), ag.tensor(zero)
    qmin, qmax = value_range
    bits = int(math.log2(qmax - qmin + 1))
    rows, cols = weights.shape
    groups = -(-rows // block_size)
    blocks = np.concatenate([weights, np.zeros((groups * block_size - rows, cols), weights.dtype)])
    blocks = blocks.reshape(groups, block_size, cols)
    kind = weights.dtype.type
    low, high = blocks.min(axis=1), blocks.max(axis=1)
    flat = low == high
    low, high = np.where(flat, low - kind(1), low), np.where(flat, high + kind(1), high)
    levels = kind(2 ** bits - 1)
    spread = high - low + kind(epsilon) if epsilon > 0 else high - low
    scale = spread / levels
    scale = np.where(scale <= 0, kind(1e-8), scale)
    zero = np.clip(np.round(-low / scale) + kind(qmin), qmin, 2 ** (bits - 1) - 1).astype(np.int8)
    values = np.clip(np.round(blocks / scale[:, None, :]) + zero[:, None, :], qmin, qmax)
    values = values.astype(dtype).reshape(groups * block_size, cols)[:rows]
    return ag.tensor(values), ag.tensor(scale), ag.tensor(zero)


def _objects():
    from . import quantizers as q
    classes = [q.Quantizer, q.AbsMaxQuantizer, q.QuantizationConfig, q.Int8QuantizationConfig,
               q.Int4QuantizationConfig]
    table = {cls.__name__: cls for cls in classes}
    table.update({_snake(cls.__name__): cls for cls in classes})
    return table


def _snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def serialize(initializer):
    """The quantizer (or quantization config) `initializer` (Keras's name for the argument) as Keras's config
    dict."""
    from .saving.serialization import serialize_keras_object
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The quantizer a serialize() dict describes."""
    from .saving.serialization import deserialize_keras_object
    return deserialize_keras_object(config, custom_objects={**_objects(), **(custom_objects or {})})


def get(identifier, **kwargs):
    """A quantizer from a config dict, a class name ('AbsMaxQuantizer' or 'abs_max_quantizer', made as Keras makes
    it: the class called with the dict of `kwargs` as its first argument) or a quantizer (returned as it is);
    None for None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = _objects().get(identifier)
    else:
        found = identifier
    if not callable(found):
        raise ValueError(f"Could not interpret quantizer identifier: {identifier}. Pass a quantizer, its config "
                         f"dict, or one of the names {sorted(_objects())}")
    return found(kwargs) if isinstance(found, type) else found


__all__ = ["abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history", "compute_float8_scale",
           "deserialize", "fake_quant_with_min_max_vars", "get", "quantize_and_dequantize", "serialize"]
