"""Normalisations whose statistics come from each sample alone: group and instance normalisation.

Both are composites of reductions and elementwise ops, so their gradients need no code of their own.
"""
import math
import numbers

from autograd import arrays, no_grad
from autograd.ops.dims import check_tensor

from ._args import same_dtype


def _standardise(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over `axes` (biased variance), and the mean and variance (kept dims)."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return centred / (var + eps) ** 0.5, mean, var


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
            raise ValueError(f"{op}: input has {channels} channels (shape {input.shape}) but {name} has shape "
                             f"{tuple(t.shape)}; expected ({channels},)")
    same_dtype(op, input, **params)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the C channels of input (N, C, *) into num_groups groups and normalise each group of each
    sample to zero mean and unit variance, then scale by weight and shift by bias (both (C,), optional)."""
    op = "group_norm"
    check_tensor(op, input)
    if input.ndim < 2:
        raise ValueError(f"{op}: expects an input (N, C, *) with at least 2 dimensions, got shape {input.shape}")
    channels = input.shape[1]
    if not isinstance(num_groups, numbers.Integral) or num_groups < 1 or channels % num_groups:
        raise ValueError(f"{op}: the {channels} channels of input {input.shape} must divide into num_groups="
                         f"{num_groups!r} equal groups")
    _check_params(op, input, channels, weight=weight, bias=bias)
    n = input.shape[0]
    grouped = input.reshape(n, num_groups, math.prod(input.shape[1:]) // num_groups)
    y, _, _ = _standardise(grouped, 2, eps)
    return _affine(y.reshape(input.shape), weight, bias, channels)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample of input (N, C, *spatial) over its spatial positions, then
    scale by weight and shift by bias (both (C,), optional).

    use_input_stats: use each instance's own statistics and, when running_mean / running_var are
    given, move them towards the batch average of the instance statistics (the variance unbiased)
    by `momentum`, in place; otherwise normalise with the running statistics.
    """
    op = "instance_norm"
    check_tensor(op, input)
    if input.ndim < 3:
        raise ValueError(f"{op}: expects an input (N, C, *spatial) with at least 3 dimensions, got shape "
                         f"{input.shape}")
    channels = input.shape[1]
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
    if count <= 1:
        raise ValueError(f"{op}: expected more than 1 spatial element when using the input statistics, got input "
                         f"shape {input.shape}")
    y, mean, var = _standardise(input, spatial, eps)
    if running_mean is not None and input.shape[0] > 0:
        with no_grad():
            for running, batch in ((running_mean, mean), (running_var, var * (count / (count - 1)))):
                average = batch.reshape(input.shape[0], channels).mean(axis=0)
                arrays.assign_(running, arrays.array(running * (1 - momentum) + average * momentum))
    return _affine(y, weight, bias, channels)
