"""fractional_max_pool2d / fractional_max_pool3d: max pooling over kernel-sized windows whose starts step by a
pseudo-random mix of floor and ceil of input / output (Graham, "Fractional Max-Pooling", 2014), as PyTorch.

Each (sample, channel) plane draws one number u in [0, 1) per spatial axis (`_random_samples`, shape
(N, C, 2) or (N, C, 3), in the input's dtype); along an axis of size L pooled to O windows of size k, window i
starts at int((i + u) * a) - int(u * a) with a = (L - k) / (O - 1), computed in the input's precision, and
the last window ends at the input's end. 2-D samples hold (u_W, u_H), 3-D ones (u_T, u_H, u_W), as
PyTorch's. The window maxima are found without a graph; the output gathers them from the input, so the
gradient reaches each window's maximum (the first one, or the last NaN), accumulated where windows overlap.
"""
import math
import numbers

import numpy as np

import autograd as ag
from autograd.bf16_dtype import is_bf16
from autograd import Tensor
from autograd.errors import UnsupportedDtypeError
from autograd.function import named
from autograd.ops.dims import check_tensor

from ._args import pair
from .conv3d import triple
from autograd import autocast_state as autocast

_LAYOUTS = {2: "(N, C, H, W) or (C, H, W)", 3: "(N, C, T, H, W) or (C, T, H, W)"}
_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}
#: which column of a plane's samples steers each spatial axis (PyTorch's 2-D kernel reads W's first)
_SAMPLE_COLUMN = {2: (1, 0), 3: (0, 1, 2)}


def _ratios(op, value, spatial):
    """output_ratio (a number or `spatial` numbers) as a tuple of floats."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return (float(value),) * spatial
    if isinstance(value, (tuple, list)) and len(value) == spatial and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value):
        return tuple(float(v) for v in value)
    raise ValueError(f"{op}: output_ratio must be a number or a tuple of {spatial} numbers, got {value!r}")


def _window_starts(u, size, out, kernel):
    """(N, C, out) int64 start of each window along one axis from the planes' samples u (N, C)."""
    last = size - kernel
    if out <= 1:
        return ag.full((*u.shape, out), last, dtype=ag.int64, device=u.device)
    dtype = np.dtype(u.dtype).type
    step = float(dtype(last) / dtype(out - 1))   # rounded to the input's precision, as PyTorch's
    i = ag.arange(out - 1, dtype=u.dtype, device=u.device)
    starts = ((i + u.unsqueeze(-1)) * step).astype(ag.int64) - (u * step).astype(ag.int64).unsqueeze(-1)
    ends = ag.full((*u.shape, 1), last, dtype=ag.int64, device=u.device)
    return ag.cat([starts, ends], -1).clamp(0, last)   # the clamp only matters for samples outside [0, 1)


def _check_samples(op, samples, x, spatial):
    n, c = x.shape[:2]
    if not isinstance(samples, Tensor):
        raise TypeError(f"{op}: _random_samples must be a tensor (N, C, {spatial}), got {type(samples).__name__}")
    if samples.ndim != 3 or samples.shape[0] < n or samples.shape[1] != c or samples.shape[2] != spatial:
        raise ValueError(f"{op}: _random_samples must be (N, C, {spatial}) with at least N = {n} rows and C = {c} "
                         f"channels for an input {tuple(x.shape)} (one row for an unbatched input), got shape "
                         f"{tuple(samples.shape)}")
    if samples.dtype != x.dtype:
        raise TypeError(f"{op}: _random_samples must have the input's dtype {x.dtype}, got {samples.dtype}")
    return samples[:n]


def _window_bases(starts, sizes):
    """(N, C, O) flat position in the plane of each window's first element, windows in row-major order."""
    n, c = starts[0].shape[:2]
    spatial = len(sizes)
    base = 0
    for a in range(spatial):
        shape = [n, c] + [1] * spatial
        shape[2 + a] = starts[a].shape[2]
        base = base + starts[a].reshape(shape) * math.prod(sizes[a + 1:])
    return base.reshape(n, c, math.prod(s.shape[2] for s in starts))


def _window_max(values, base, sizes, kernel):
    """(N, C, O) offset from `base` of each window's maximum in the flat `values` (base: each window's first
    element there), scanning each window in row-major order as PyTorch does: a later element wins when it
    is greater or NaN (so the first maximum, or the last NaN)."""
    offsets = np.ravel_multi_index(np.indices(kernel).reshape(len(kernel), -1), sizes)
    best = values[base]
    best_offset = ag.zeros(base.shape, dtype=ag.int64, device=base.device)
    for offset in offsets[1:].tolist():
        value = values[base + offset]
        take = (value > best) | value.isnan()
        best = ag.maximum(best, value)      # NaN once a NaN is taken, as PyTorch's running maximum
        best_offset += take * (offset - best_offset)   # arithmetic: faster than where on int64
    return best_offset


def _fractional_max_pool(op, spatial, input, kernel_size, output_size, output_ratio, return_indices,
                         samples):
    check_tensor(op, input)
    if input.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(f"{op}: expects an input {_LAYOUTS[spatial]}, got shape {tuple(input.shape)}")
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise UnsupportedDtypeError(f"{op}: expects a floating-point input, got {input.dtype}; convert it with "
                                    ".float()")
    tuple_of = pair if spatial == 2 else triple
    kernel = tuple_of(kernel_size, "kernel_size", op, 1)
    x = input if input.ndim == spatial + 2 else input.unsqueeze(0)
    n, c, sizes = x.shape[0], x.shape[1], tuple(x.shape[2:])
    if c == 0 or 0 in sizes:
        raise ValueError(f"{op}: expects non-empty channels and spatial sizes, got shape {tuple(input.shape)}")
    if output_size is not None:
        out = tuple_of(output_size, "output_size", op, 0)
    elif output_ratio is not None:
        out = tuple(int(s * r) for s, r in zip(sizes, _ratios(op, output_ratio, spatial)))
    else:
        raise ValueError(f"{op}: give output_size or output_ratio")
    for axis, size, o, k in zip(_AXES[spatial], sizes, out, kernel):
        # PyTorch's 3-D op wants one input element to spare; its 2-D op lets the windows just fit
        if o + k - 1 > size - (spatial == 3):
            room = "less than" if spatial == 3 else "at most"
            raise ValueError(f"{op}: {o} windows of {k} along {axis} do not fit the input's {size}: output + "
                             f"kernel - 1 must be {room} the input size (input {tuple(input.shape)}, kernel {kernel},"
                             f" output {out}); pass a smaller output_size, output_ratio or kernel_size")
    if samples is None:
        samples = ag.rand(n, c, spatial, dtype=x.dtype, device=x.device)
    else:
        samples = _check_samples(op, samples, x, spatial)
    length = math.prod(sizes)
    values = x.reshape(n * c * length)      # every plane one after the other: one flat index reads them all
    with ag.no_grad():
        u = samples.detach()
        starts = [_window_starts(u[:, :, col], sizes[a], out[a], kernel[a])
                  for a, col in enumerate(_SAMPLE_COLUMN[spatial])]
        base = _window_bases(starts, sizes)                                            # (N, C, O) in each plane
        planes = (ag.arange(n * c, device=x.device) * length).reshape(n, c, 1)
        index = base + _window_max(values.detach(), base + planes, sizes, kernel)
        flat_index = index + planes
    y = values[flat_index].reshape(n, c, *out)
    index = index.reshape(n, c, *out)
    if input.ndim == spatial + 1:
        y, index = y.squeeze(0), index.squeeze(0)
    y = named(y, f"FractionalMaxPool{spatial}DBackward0")   # PyTorch's one node, batched or not
    return (y, index) if return_indices else y


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of input (N, C, H, W) or (C, H, W) with kH x kW windows to output_size (an int
    or (oH, oW)) or int(H * ratio) x int(W * ratio) for output_ratio (oH + kH - 1 <= H, the same for W).

    _random_samples (N, C, 2), in the input's dtype, fixes the windows (drawn uniform in [0, 1) from the
    device's generator otherwise). With return_indices, also the int64 flat H * W index of each maximum."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("fractional_max_pool2d", fractional_max_pool2d, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)
    return _fractional_max_pool("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of input (N, C, T, H, W) or (C, T, H, W) with kT x kH x kW windows to
    output_size (an int or (oT, oH, oW)) or the input size times output_ratio, rounded down (oT + kT - 1 < T,
    the same for H and W).

    _random_samples (N, C, 3), in the input's dtype, fixes the windows (drawn uniform in [0, 1) from the
    device's generator otherwise). With return_indices, also the int64 flat T * H * W index of each maximum."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("fractional_max_pool3d", fractional_max_pool3d, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)
    return _fractional_max_pool("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """fractional_max_pool2d's (values, indices), whatever return_indices says (PyTorch's own form)."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """fractional_max_pool3d's (values, indices), whatever return_indices says (PyTorch's own form)."""
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)
