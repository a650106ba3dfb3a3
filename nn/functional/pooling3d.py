"""3-D pooling: max_pool3d, avg_pool3d, adaptive_max_pool3d and adaptive_avg_pool3d over (N, C, D, H, W) or
(C, D, H, W).

Max and average pooling gather every window into a trailing axis through one table of flat positions
in the padded volume and reduce it (max with its argument, or sum); adaptive max pooling does the same
over its uneven windows; adaptive average pooling is separable, one averaging matrix per axis. All
gradients come from the indexing, max and matmul ops.
"""
import math

import numpy as np

import autograd as ag
from autograd import complex_forms
from autograd.function import named
from autograd.errors import ShapeError, UnsupportedDtypeError
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast

from ._args import integer_average
from .conv3d import triple
from .pooling import window_divisors as _divisors


def _volume(op, input):
    check_tensor(op, input)
    if complex_forms.active:
        complex_forms.refuse(op, input)
    if input.ndim not in (4, 5):
        raise ShapeError(f"{op}: expects an input (N, C, D, H, W) or (C, D, H, W), got shape {input.shape}")
    if any(s == 0 for s in input.shape[-3:]):
        raise ShapeError(f"{op}: the input's spatial size is empty (shape {input.shape})")
    return input if input.ndim == 5 else input.unsqueeze(0)


def _out_len(op, size, k, s, p, d, ceil_mode):
    """PyTorch's pooled length: the last window must start inside the input or its left padding."""
    if p > k // 2:
        raise ShapeError(f"{op}: padding {p} must be at most half the kernel size {k}")
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    if out < 1:
        raise ShapeError(f"{op}: the kernel {k} (dilation {d}) does not fit a spatial size {size} with padding {p}; "
                         "use a smaller kernel or more padding")
    return out


def _windows(op, x, kernel, stride, padding, dilation, ceil_mode, fill):
    """(N, C, O, K): the K = kD * kH * kW values of each of the O output positions' windows (`fill` outside the
    input), the output's spatial size, and the (O, K) flat positions of those values in the unpadded input."""
    sizes = x.shape[2:]
    outs, starts, rights = [], [], []
    for a in range(3):
        out = _out_len(op, sizes[a], kernel[a], stride[a], padding[a], dilation[a], ceil_mode)
        outs.append(out)
        starts.append((np.arange(out) * stride[a])[:, None] + (np.arange(kernel[a]) * dilation[a])[None, :])
        rights.append(max(0, int(starts[a].max()) + 1 - sizes[a] - padding[a]))
    padded = [sizes[a] + padding[a] + rights[a] for a in range(3)]
    d, h, w = starts                      # (O_a, k_a) positions in padded coordinates
    grid = (d[:, None, None, :, None, None] * padded[1] + h[None, :, None, None, :, None]) * padded[2] \
        + w[None, None, :, None, None, :]
    table = grid.reshape(math.prod(outs), math.prod(kernel))
    original = [(starts[a] - padding[a]) for a in range(3)]
    source = (original[0][:, None, None, :, None, None] * sizes[1] + original[1][None, :, None, None, :, None]) \
        * sizes[2] + original[2][None, None, :, None, None, :]
    widths = ((0, 0), (0, 0)) + tuple((padding[a], rights[a]) for a in range(3))
    xpad = ag.pad(x, widths, fill) if any(padding) or any(rights) else x
    n, c = x.shape[:2]
    values = xpad.reshape(n, c, math.prod(padded))[:, :, ag.tensor(table.astype(np.int64), device=x.device)]
    return values, tuple(outs), source.reshape(table.shape).astype(np.int64)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of (N, C, D, H, W) or (C, D, H, W); stride defaults to the kernel size. With
    return_indices, also the int64 position of each maximum as a flat index into D * H * W."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("max_pool3d", max_pool3d, input, kernel_size, stride, padding, dilation, ceil_mode,
                            return_indices)
    op = "max_pool3d"
    x = _volume(op, input)
    kernel = triple(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else triple(stride, "stride", op, 1)
    values, outs, source = _windows(op, x, kernel, stride, triple(padding, "padding", op),
                                    triple(dilation, "dilation", op, 1), ceil_mode, float("-inf"))
    return _window_max(values, source, x, outs, input.ndim == 4, return_indices)


def _window_max(values, source, x, outs, unbatched, return_indices):
    """The maximum of each gathered window (N, C, O, K) shaped (N, C, *outs), and with return_indices also
    its flat position in the input, read from the (O, K) table `source`."""
    if 0 in values.shape[:2]:   # an empty batch or no channels: max finds nothing to reduce, sum keeps the shape
        out, arg = values.sum(-1), ag.zeros(values.shape[:-1], dtype=ag.int64, device=x.device)
    else:
        out, arg = values.max(-1)
    out = out.reshape(*x.shape[:2], *outs)
    if unbatched:
        out = out.squeeze(0)
    named(out, "MaxPool3DWithIndicesBackward0")
    if not return_indices:
        return out
    # map each window's argmax (a position within the window) to its flat position in the input, by tensor
    # ops (a jit replay then follows each step's argmax)
    windows, k = source.shape
    table = ag.tensor(source.reshape(-1), device=x.device)
    indices = table[arg + ag.arange(windows, device=x.device) * k].reshape(*x.shape[:2], *outs)
    return out, (indices.squeeze(0) if unbatched else indices)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kernel windows of (N, C, D, H, W) or (C, D, H, W); stride defaults to the kernel size.
    count_include_pad: whether zero padding counts in the divisor; divisor_override replaces the divisor."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("avg_pool3d", avg_pool3d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                            divisor_override)
    op = "avg_pool3d"
    if input.dtype.kind in "biu":
        return integer_average(op, input, lambda x: avg_pool3d(x, kernel_size, stride, padding, ceil_mode,
                                                               count_include_pad, divisor_override))
    x = _volume(op, input)
    kernel = triple(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else triple(stride, "stride", op, 1)
    padding = triple(padding, "padding", op)
    values, outs, _ = _windows(op, x, kernel, stride, padding, (1, 1, 1), ceil_mode, 0)
    total = values.sum(-1).reshape(*x.shape[:2], *outs)
    if divisor_override is not None:
        if not divisor_override or divisor_override != int(divisor_override):
            raise ShapeError(f"{op}: divisor_override must be a non-zero int, got {divisor_override!r}")
        out = total / float(divisor_override)
    else:
        per_axis = [_divisors(x.shape[2 + a], kernel[a], stride[a], padding[a], outs[a], count_include_pad)
                    for a in range(3)]
        divisor = per_axis[0][:, None, None] * per_axis[1][None, :, None] * per_axis[2][None, None, :]
        out = total / ag.tensor(divisor.astype(x.dtype), device=x.device)
    return named(out if input.ndim == 5 else out.squeeze(0), "AvgPool3DBackward0")


def _output_sizes(op, output_size, x):
    """output_size (an int or 3 ints, None keeping that size of x) as 3 positive ints; a clear error otherwise."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 3
    if len(sizes) != 3:
        raise ValueError(f"{op}: output_size must be an int or 3 ints, got {output_size!r}")
    sizes = tuple(x.shape[2 + a] if s is None else s for a, s in enumerate(sizes))
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"{op}: output_size must hold positive ints (or None), got {output_size!r}")
    return sizes


def _adaptive_positions(size, out):
    """(out, k) positions covering PyTorch's adaptive windows [floor(i*size/out), ceil((i+1)*size/out)) along
    one axis, k the widest window; narrower windows repeat their last position, which changes no maximum."""
    i = np.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    return np.minimum(start[:, None] + np.arange(int((end - start).max()))[None, :], end[:, None] - 1)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max over the windows that split (N, C, D, H, W) or (C, D, H, W) into `output_size` (an int or 3 ints,
    None keeping that size), PyTorch's windows [floor(i*L/O), ceil((i+1)*L/O)) along each axis; with
    return_indices also the int64 position of each maximum as a flat index into D * H * W."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("adaptive_max_pool3d", adaptive_max_pool3d, input, output_size, return_indices)
    op = "adaptive_max_pool3d"
    x = _volume(op, input)
    if x.dtype.kind in "biu":   # PyTorch has no integer kernel for it (max_pool3d has one)
        raise UnsupportedDtypeError(f"{op}: not implemented for {x.dtype} inputs (shape {tuple(input.shape)}), as in "
                                    "PyTorch; convert with input.float()")
    sizes = _output_sizes(op, output_size, x)
    depth, height, width = x.shape[2:]
    d, h, w = (_adaptive_positions(x.shape[2 + a], sizes[a]) for a in range(3))
    grid = (d[:, None, None, :, None, None] * height + h[None, :, None, None, :, None]) * width \
        + w[None, None, :, None, None, :]
    table = grid.reshape(math.prod(sizes), -1).astype(np.int64)
    n, c = x.shape[:2]
    values = x.reshape(n, c, depth * height * width)[:, :, ag.tensor(table, device=x.device)]
    return _window_max(values, table, x, sizes, input.ndim == 4, return_indices)


def adaptive_avg_pool3d(input, output_size):
    """Mean over the windows that split (N, C, D, H, W) or (C, D, H, W) into `output_size` (an int or 3 ints,
    None keeping that size), PyTorch's windows [floor(i*L/O), ceil((i+1)*L/O)) along each axis."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("adaptive_avg_pool3d", adaptive_avg_pool3d, input, output_size)
    op = "adaptive_avg_pool3d"
    if complex_forms.active and input.dtype.kind == "c" and output_size in (1, (1, 1, 1), [1, 1, 1]):
        return input.mean((-3, -2, -1), keepdim=True)   # PyTorch pools complex input to size 1 only: a mean
    x = _volume(op, input)
    if input.dtype.kind in "biu":
        integer_average(op, input, None, adaptive=True)   # refused, as in PyTorch
    sizes = _output_sizes(op, output_size, x)
    out = x
    for a in range(3):
        # a masked sum of gathered windows, not a product with an averaging matrix, whose zeros would carry a
        # NaN or inf into every window
        axis, size, n_out = 2 + a, x.shape[2 + a], sizes[a]
        positions = _adaptive_positions(size, n_out)
        start = (np.arange(n_out) * size) // n_out
        counts = -((-(np.arange(n_out) + 1) * size) // n_out) - start
        inside = np.arange(positions.shape[1])[None, :] < counts[:, None]
        moved = out.movedim(axis, -1)
        windows = moved[..., ag.tensor(positions.reshape(-1), device=x.device)].reshape(
            tuple(moved.shape[:-1]) + positions.shape)
        sums = ag.where(ag.tensor(inside, device=x.device), windows, 0).sum(-1)
        out = (sums / ag.tensor(counts.astype(x.dtype), device=x.device)).movedim(-1, axis)
    # PyTorch pools to a single element with a mean
    return named(out if input.ndim == 5 else out.squeeze(0),
                 "MeanBackward1" if sizes == (1, 1, 1) else "AdaptiveAvgPool3DBackward0")
