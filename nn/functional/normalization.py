"""Batch and layer normalisation as users call them (argument checks); the fused ops live in
autograd/ops/normalization.py."""
import numbers

from autograd import arrays
from autograd.ops.dims import check_tensor
from autograd.nested_dispatch import nested_dispatch
from autograd.ops.normalization import BatchNorm, LayerNorm
from autograd import autocast_state as autocast
from autograd.function import named

from ._args import floating_input, half_input_float_params, same_dtype
from autograd.errors import ShapeError


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel of input (N, C), (N, C, L) or (N, C, H, W) to zero mean and unit variance,
    then scale by weight and shift by bias (both (C,), optional).

    training: use the batch statistics and update running_mean / running_var in place (when given) as
    running = (1 - momentum) * running + momentum * batch (the variance unbiased); otherwise use the
    running statistics.
    """
    op = "batch_norm"
    check_tensor(op, input)
    floating_input(op, input)
    if input.ndim < 2:
        raise ValueError(f"{op}: expects an input (N, C, ...) with at least 2 dimensions, got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ShapeError(f"{op}: input has {channels} channels (shape {input.shape}) but {name} has shape "
                             f"{tuple(t.shape)}; expected ({channels},): build the layer with num_features="
                             f"{channels}")
    if half_input_float_params(input, weight, bias, running_mean, running_var):   # float32 in, input's dtype out
        return named(batch_norm(input.float(), running_mean, running_var, weight, bias, training, momentum,
                                eps).to(input.dtype), "NativeBatchNormBackward0")   # PyTorch's one mixed-dtype node
    same_dtype(op, input, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var)
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{op}: pass both running_mean and running_var, or neither")
    if channels == 0 and (weight is not None or bias is not None):
        raise IndexError(f"{op}: input of shape {tuple(input.shape)} has 0 channels, so there is no channel for the affine "
                         f"weight and bias to scale; build the layer with num_features >= 1 (or affine=False)")
    if training:
        if channels and input.size // channels == 1:
            raise ValueError(f"{op}: expected more than 1 value per channel when training, got input shape "
                             f"{input.shape}; use a larger batch or eval mode")
    elif running_mean is None:
        raise ValueError(f"{op}: evaluation (training=False) needs running_mean and running_var")
    if input.size == 0:   # an empty batch: nothing to normalise, running statistics untouched (as PyTorch)
        return _empty_affine(input, weight, bias)
    if running_mean is not None and training:
        running_mean, running_var = _updated_in_place(running_mean), _updated_in_place(running_var)
    return BatchNorm.apply(input, running_mean, running_var, weight, bias, bool(training), float(momentum),
                             float(eps))


def _empty_affine(input, weight, bias):
    """The empty output for an empty input, joined to weight and bias so that their gradients are zeros."""
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    out = input
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _updated_in_place(t):
    """A running-statistics tensor that batch_norm is about to update in place, with the change recorded."""
    if t.requires_grad:
        raise ValueError("batch_norm: running statistics must not require grad (they are buffers)")
    arrays.mark_changed(t, version=False)   # PyTorch's kernel leaves _version as it is
    return t


def normalized_dims(op, normalized_shape):
    """`normalized_shape` (an int or a sequence of ints) as a tuple of ints; PyTorch's TypeError naming `op` for
    anything else (a fractional size was truncated before)."""
    if type(normalized_shape) is tuple and all(type(d) is int for d in normalized_shape):   # a layer's own tuple
        return normalized_shape
    dims = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else normalized_shape
    try:
        dims = tuple(dims)
    except TypeError:
        dims = None
    if dims is None or any(isinstance(d, bool) or not isinstance(d, numbers.Integral) for d in dims):
        raise TypeError(f"{op}: normalized_shape must be an int or a tuple of ints (the sizes of the last "
                        f"dimensions to normalise), got {normalized_shape!r}")
    return tuple(int(d) for d in dims)


@nested_dispatch
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise input over its last dimensions `normalized_shape` to zero mean and unit variance,
    then scale by weight and shift by bias (both of shape normalized_shape, optional)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("layer_norm", layer_norm, input, normalized_shape, weight, bias, eps)
    op = "layer_norm"
    normalized_shape = normalized_dims(op, normalized_shape)
    n = len(normalized_shape)
    check_tensor(op, input)
    floating_input(op, input)
    if n == 0 or input.ndim < n or input.shape[input.ndim - n:] != normalized_shape:
        raise ShapeError(f"{op}: normalized_shape {normalized_shape} must equal the last dimensions of the "
                         f"input, got input shape {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise ShapeError(f"{op}: {name} has shape {tuple(t.shape)}, expected normalized_shape "
                             f"{normalized_shape}")
    if half_input_float_params(input, weight, bias):   # in float32, out in the input's float16 or bfloat16
        return named(layer_norm(input.float(), normalized_shape, weight, bias, eps).to(input.dtype),
                     "NativeLayerNormBackward0")   # PyTorch's one mixed-dtype node
    same_dtype(op, input, weight=weight, bias=bias)
    return LayerNorm.apply(input, weight, bias, n, float(eps))
