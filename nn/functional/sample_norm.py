"""Normalisations whose statistics come from each sample alone: group and instance normalisation.

Both standardise rows of the input (a sample's group of channels, or one channel of one sample) with
the layer_norm op, whose device kernels make one pass each way on the numba device (b32 64ch 32x32
group norm, forward + backward: 33 ms as reductions and elementwise ops, PyTorch 6.6), then apply the
per-channel affine map as elementwise ops.
"""
import math
import numbers

from autograd import arrays, no_grad
from autograd.errors import ShapeError
from autograd.ops.dims import check_tensor
from autograd.ops.normalization import LayerNorm
from autograd.type_objects import channels_last, channels_last_3d, suggests
from autograd.function import named
from autograd import autocast_state as autocast

from ._args import floating_input, half_input_float_params, same_dtype


def _standardise(x, rows, eps):
    """x (N, C, *) standardised over each of the `rows` equal parts of every sample (biased variance),
    shape kept."""
    if x.size == 0:
        return x * 1.0
    flat = x.reshape(x.shape[0], rows, x.size // (x.shape[0] * rows))
    return LayerNorm.apply(flat, None, None, 1, float(eps)).reshape(x.shape)


def _affine(y, weight, bias, channels):
    shape = (1, channels) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _check_params(op, input, channels, **params):
    for name, t in params.items():
        if t is not None and tuple(t.shape) != (channels,):
            raise ShapeError(f"{op}: input has {channels} channels (shape {input.shape}) but {name} has shape "
                             f"{tuple(t.shape)}; expected ({channels},)")
    same_dtype(op, input, **params)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the C channels of input (N, C, *) into num_groups groups and normalise each group of each
    sample to zero mean and unit variance, then scale by weight and shift by bias (both (C,), optional).
    A ValueError where there is one value to normalise, as F.group_norm's (torch.group_norm allows it)."""
    check_tensor("group_norm", input)
    if input.ndim >= 2 and isinstance(num_groups, numbers.Integral) and num_groups >= 1 \
            and input.shape[0] * (input.shape[1] // num_groups) * math.prod(input.shape[2:]) == 1:
        # PyTorch's check, on the same product: one value per group gives zeros, not a normalisation
        raise ValueError(f"group_norm: expected more than 1 value per group when training, got input shape "
                         f"{input.shape} with num_groups={num_groups}; use fewer groups or a larger input")
    return native_group_norm(input, num_groups, weight, bias, eps)


def native_group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """group_norm without F.group_norm's one-value check (torch.group_norm's form)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("group_norm", native_group_norm, input, num_groups, weight, bias, eps)
    op = "group_norm"
    check_tensor(op, input)
    floating_input(op, input)
    if input.ndim < 2:
        raise ShapeError(f"{op}: expects an input (N, C, *) with at least 2 dimensions, got shape {input.shape}")
    channels = input.shape[1]
    if not isinstance(num_groups, numbers.Integral) or num_groups < 1 or channels % num_groups:
        raise ShapeError(f"{op}: the {channels} channels of input {input.shape} must divide into num_groups="
                         f"{num_groups!r} equal groups")
    if half_input_float_params(input, weight, bias):   # in float32, out in the input's float16 or bfloat16
        return named(native_group_norm(input.float(), num_groups, weight, bias, eps).to(input.dtype),
                     "NativeGroupNormBackward0")   # PyTorch's one mixed-dtype node
    _check_params(op, input, channels, weight=weight, bias=bias)
    out = _keep_channels_last(input, _affine(_standardise(input, num_groups, eps), weight, bias, channels))
    return named(out, "NativeGroupNormBackward0")


def _keep_channels_last(input, out):
    """`out` laid out channels-last (or channels-last-3d) where `input` suggests that format, as PyTorch's CPU
    group norm keeps its input's layout."""
    for fmt in (channels_last, channels_last_3d):
        if input.ndim == fmt.rank and suggests(arrays.array(input), fmt):
            return out.contiguous(memory_format=fmt)
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample of input (N, C, *spatial) over its spatial positions (see
    native_instance_norm); a ValueError for one spatial position with use_input_stats, as F.instance_norm's."""
    check_tensor("instance_norm", input)
    if use_input_stats and input.ndim >= 3 and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element when using the input statistics, got "
                         f"input shape {input.shape}")
    return native_instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def native_instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                         momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample of input (N, C, *spatial) over its spatial positions, then
    scale by weight and shift by bias (both (C,), optional).

    use_input_stats: use each instance's own statistics and, when running_mean / running_var are
    given, move them towards the batch average of the instance statistics (the variance unbiased)
    by `momentum`, in place; otherwise normalise with the running statistics.
    """
    op = "instance_norm"
    check_tensor(op, input)
    floating_input(op, input)
    if input.ndim < 3:
        raise ValueError(f"{op}: expects an input (N, C, *spatial) with at least 3 dimensions, got shape "
                         f"{input.shape}")
    channels = input.shape[1]
    if half_input_float_params(input, running_mean, running_var, weight, bias):
        # PyTorch batch-normalises the input seen as (1, N * C, ...), which takes float32 parameters beside a
        # float16/bfloat16 input (InstanceNorm after an autocast convolution): float32 inside, the input's dtype out
        return named(native_instance_norm(input.float(), running_mean, running_var, weight, bias, use_input_stats,
                                          momentum, eps).to(input.dtype), "ViewBackward0")
    _check_params(op, input, channels, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{op}: pass both running_mean and running_var, or neither")
    spatial = tuple(range(2, input.ndim))
    count = math.prod(input.shape[2:])
    if not use_input_stats:
        if running_mean is None:
            raise ValueError(f"{op}: use_input_stats=False needs running_mean and running_var")
        shape = (1, channels) + (1,) * len(spatial)
        y = (input - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps) ** 0.5
        return _affine(y, weight, bias, channels)
    y = _standardise(input, channels, eps)
    if running_mean is not None and input.size > 0:
        with no_grad():
            mean = input.mean(axis=spatial, keepdims=True)
            centred = input - mean
            var = (centred * centred).mean(axis=spatial, keepdims=True)
            unbiased = var * (count / (count - 1)) if count > 1 else var * float("nan")   # one position: no variance
            for running, batch in ((running_mean, mean), (running_var, unbiased)):
                average = batch.reshape(input.shape[0], channels).mean(axis=0)
                arrays.assign_(running, arrays.array(running * (1 - momentum) + average * momentum))
    # PyTorch batch-normalises the input seen as (1, N * C, ...) and views the result back
    return named(_affine(y, weight, bias, channels), "ViewBackward0")
