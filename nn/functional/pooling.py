"""Pooling as users call it: max and average pooling in 1-D and 2-D and adaptive max and average pooling, with
their argument checks. 1-D pooling and unbatched inputs run through the 2-D ops of autograd/ops/pooling.py
with length-1 axes inserted.
"""
import numbers

import numpy as np

import autograd as ag
from autograd.ops.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d
from autograd.function import named
from autograd.ops.dims import check_tensor

from ._args import integer_average, pair, single
from autograd.errors import ArgumentRangeError, ShapeError, UnsupportedDtypeError


def _pool_input(op, x, spatial):
    """Check the rank of a pooling input; return the axes that make it (N, C, H, W)."""
    check_tensor(op, x)
    if x.ndim not in (1 + spatial, 2 + spatial):
        layout = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise ShapeError(f"{op}: expects an input {layout}, got shape {x.shape}")
    batched = x.ndim == 2 + spatial
    if spatial == 1:
        return (2,) if batched else (0, 2)
    return () if batched else (0,)


def _no_bool_max(op, x):
    """Refuse a bool input to max pooling, which PyTorch has no kernel for (NotImplementedError)."""
    if x.dtype == np.bool_:
        raise UnsupportedDtypeError(f"{op}: \"max_pool2d\" not implemented for 'Bool' (input of shape "
                                    f"{tuple(x.shape)}), as in PyTorch; pool x.float() (or x.to(torch.uint8)) and "
                                    f"compare afterwards (> 0)")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    With return_indices, also the int64 position of each maximum as a flat index into H * W.
    """
    op = "max_pool2d"
    x_axes = _pool_input(op, input, 2)
    _no_bool_max(op, input)
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return MaxPool2d.apply(input, kernel, stride, pair(padding, "padding", op), pair(dilation, "dilation", op, 1),
                             bool(ceil_mode), x_axes, bool(return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "max_pool1d"
    x_axes = _pool_input(op, input, 1)
    _no_bool_max(op, input)
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    out = MaxPool2d.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)),
                          (1, single(dilation, "dilation", op, 1)), bool(ceil_mode), x_axes, bool(return_indices))
    named(out[0] if return_indices else out, "SqueezeBackward1")   # PyTorch's 2-d pool, then a squeeze
    return out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    count_include_pad: whether zero padding counts in the divisor (PyTorch's rule); divisor_override: divide
    each window's sum by this number instead.
    """
    op = "avg_pool2d"
    x_axes = _pool_input(op, input, 2)
    if input.dtype.kind in "biu":
        return integer_average(op, input, lambda x: avg_pool2d(x, kernel_size, stride, padding, ceil_mode,
                                                               count_include_pad, divisor_override))
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op)
    if divisor_override is None:
        return AvgPool2d.apply(input, kernel, stride, padding, bool(ceil_mode), bool(count_include_pad), x_axes)
    if isinstance(divisor_override, bool) or not isinstance(divisor_override, numbers.Integral) \
            or divisor_override == 0:
        raise ArgumentRangeError(f"{op}: divisor_override must be a non-zero integer, got {divisor_override!r}")
    # the mean over whole (padded) windows times each window's size is its sum
    mean = AvgPool2d.apply(input, kernel, stride, padding, bool(ceil_mode), True, x_axes)
    rows, cols = (window_divisors(input.shape[a - 2], kernel[a], stride[a], padding[a], mean.shape[a - 2], True)
                  for a in range(2))
    scale = np.outer(rows, cols) / float(divisor_override)
    return mean * ag.tensor(scale.astype(input.dtype), device=input.device)


def window_divisors(size, k, s, p, out, include_pad):
    """Per output position along one axis: how many values PyTorch's average pooling divides by (the window
    within the padded input with include_pad, the part of it inside the input without)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    pool = end - start
    inside = np.minimum(end, size) - np.maximum(start, 0)
    return pool if include_pad else inside


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "avg_pool1d"
    x_axes = _pool_input(op, input, 1)
    if input.dtype.kind in "biu":
        return integer_average(op, input, lambda x: avg_pool1d(x, kernel_size, stride, padding, ceil_mode,
                                                               count_include_pad))
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    return named(AvgPool2d.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)), bool(ceil_mode),
                                 bool(count_include_pad), x_axes), "SqueezeBackward1")


def adaptive_avg_pool2d(input, output_size):
    """Mean over the windows that split input (N, C, H, W) or (C, H, W) into `output_size` (int or pair;
    None keeps that input size), with PyTorch's windows [floor(i*H/Ho), ceil((i+1)*H/Ho))."""
    op = "adaptive_avg_pool2d"
    _pool_input(op, input, 2)
    if input.dtype.kind in "biu":
        integer_average(op, input, None, adaptive=True)   # refused, as in PyTorch
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(input.shape[-2 + a] if s is None else s for a, s in enumerate(output_size))
    out_hw = pair(output_size, "output_size", op, 1)
    out = AdaptiveAvgPool2d.apply(input, out_hw)
    return named(out, "MeanBackward1") if tuple(out_hw) == (1, 1) else out   # PyTorch pools to 1 x 1 with a mean


def _adaptive_size(op, output_size, input, spatial):
    """output_size as a tuple of `spatial` positive ints (None keeps that input size)."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * spatial
    if len(sizes) != spatial:
        raise ShapeError(f"{op}: output_size must be an int or {spatial} ints, got {output_size!r} (input shape "
                         f"{tuple(input.shape)})")
    sizes = tuple(input.shape[len(input.shape) - spatial + a] if s is None else s for a, s in enumerate(sizes))
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ShapeError(f"{op}: output_size must hold positive ints, got {output_size!r} (input shape "
                         f"{tuple(input.shape)})")
    return sizes


def _nonempty(op, input, spatial):
    if any(s == 0 for s in input.shape[-spatial:]):
        raise ShapeError(f"{op}: the input's spatial size is empty (shape {tuple(input.shape)}); "
                         "each pooled dim needs at least one element")


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over the windows that split input (N, C, H, W) or (C, H, W) into `output_size` (int or pair;
    None keeps that size), PyTorch's windows [floor(i*H/Ho), ceil((i+1)*H/Ho)); with return_indices also
    the int64 flat H * W position of each maximum."""
    op = "adaptive_max_pool2d"
    x_axes = _pool_input(op, input, 2)
    sizes = _adaptive_size(op, output_size, input, 2)
    _nonempty(op, input, 2)
    return AdaptiveMaxPool2d.apply(input, sizes, x_axes, bool(return_indices))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max over the windows that split input (N, C, L) or (C, L) into `output_size` pieces; with
    return_indices also the int64 position of each maximum along L."""
    op = "adaptive_max_pool1d"
    x_axes = _pool_input(op, input, 1)
    size, = _adaptive_size(op, output_size, input, 1)
    _nonempty(op, input, 1)
    out = AdaptiveMaxPool2d.apply(input, (1, size), x_axes, bool(return_indices))
    named(out[0] if return_indices else out, "SqueezeBackward1")   # PyTorch's 2-d pool, then a squeeze
    return out


def adaptive_avg_pool1d(input, output_size):
    """Mean over the windows that split input (N, C, L) or (C, L) into `output_size` pieces."""
    op = "adaptive_avg_pool1d"
    _pool_input(op, input, 1)
    size, = _adaptive_size(op, output_size, input, 1)
    _nonempty(op, input, 1)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)
