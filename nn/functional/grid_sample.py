"""Spatial-transformer sampling with PyTorch's conventions: affine_grid (the sampling grid of one affine map per
sample) and grid_sample (an input read at a grid of normalised points), both composed of differentiable ops.

A grid point's last dim holds (x, y) for 4-D inputs and (x, y, z) for 5-D ones, each in [-1, 1] across the
input's width, height and depth: with align_corners the ends are the centres of the corner pixels, without it
their outer edges. grid_sample's bilinear weights come from the point's fractional position, so the gradient
reaches the input (through the gathers) and the grid (through the weights); PyTorch's rules at the image edge
(a clipped coordinate has zero gradient, borders included) are kept by taking clipped values outside the graph.
"""
import itertools

import numpy as np

import autograd as ag
from autograd.bf16_dtype import is_bf16
from autograd.function import named
from autograd.ops.dims import check_tensor
from autograd.function import named
from autograd.errors import ArgumentKindError, DtypeError, ShapeError, UnsupportedDtypeError, UnsupportedError
from autograd import autocast_state as autocast

from .grid_sample_bicubic import bicubic_taps

MODES = ("bilinear", "nearest", "bicubic")
PADDING_MODES = ("zeros", "border", "reflection")


class _DeviceMismatch(ag.DeviceError, ValueError):
    """Input and grid on devices that do not share memory: PyTorch's RuntimeError (a DeviceError), and the
    ValueError deepgrad raised before."""


#: PyTorch's public tables of the same modes, name -> the number its kernels take
GRID_SAMPLE_INTERPOLATION_MODES = {name: number for number, name in enumerate(MODES)}
GRID_SAMPLE_PADDING_MODES = {name: number for number, name in enumerate(PADDING_MODES)}


def _base_coordinates(steps, align_corners, dtype):
    """The `steps` normalised positions of pixel centres along one spatial dim (host array of `dtype`), rounded
    as PyTorch's: at identity theta they are then exactly its pixel centres, where bilinear gradients jump."""
    if steps <= 1:
        return np.zeros(steps, dtype=dtype)
    line = ag.linspace(-1.0, 1.0, steps, dtype=dtype)
    line = line if align_corners else line * (steps - 1) / steps
    return line.float().numpy().astype(dtype) if is_bf16(dtype) else line.numpy()   # float32 holds bfloat16 exactly


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) of affine maps theta (N, 2, 3) for an output of size (N, C, H, W), or
    (N, D, H, W, 3) of theta (N, 3, 4) for size (N, C, D, H, W): theta times each output pixel's normalised
    (x, y[, z], 1). align_corners=None means False."""
    op = "affine_grid"
    check_tensor(op, theta, "theta")
    if theta.dtype.kind != "f" and not is_bf16(theta.dtype):
        raise ArgumentKindError(f"{op}: theta must be a float tensor, got {theta.dtype}; convert it with .float()")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise UnsupportedError(f"{op}: size must be (N, C, H, W) for 2-D maps or (N, C, D, H, W) for 3-D ones, got "
                               f"{size}")
    k = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (k, k + 1) or theta.shape[0] != size[0]:
        raise ShapeError(f"{op}: for size {size} theta must be ({size[0]}, {k}, {k + 1}), one {k}x{k + 1} affine "
                         f"matrix per sample, got {tuple(theta.shape)}")
    if min(size) <= 0:
        raise ValueError(f"{op}: every entry of size must be positive, got {size}")
    spatial = size[2:]
    axes = [_base_coordinates(n, bool(align_corners), theta.dtype) for n in reversed(spatial)]   # x, y[, z]
    mesh = np.meshgrid(*reversed(axes), indexing="ij")                                         # spatial-shaped
    base = np.stack([m.reshape(-1) for m in reversed(mesh)] + [np.ones(mesh[0].size, theta.dtype)], axis=-1)
    base = ag.tensor(base, device=theta.device)                                                  # (points, k + 1)
    grid = ag.matmul(base, theta.transpose(1, 2)).reshape((size[0],) + spatial + (k,))
    return named(grid, "AffineGridGeneratorBackward0")


def _pixel_coordinate(g, n, align_corners, fused=False):
    """Normalised coordinates g along a dim of n pixels as pixel coordinates (0 is the first pixel's centre).
    fused: rounded as PyTorch's 2-D kernels do without align_corners, one fused multiply-add."""
    if align_corners:
        return (g + 1) / 2 * (n - 1)
    x = ((g + 1) * n - 1) / 2
    return x + (_fused_unnormalize(g.detach(), n) - x.detach()) if fused else x


def _fused_unnormalize(g, n):
    """((g + 1) * n - 1) / 2 with g + 1 times n minus 1 rounded once (C's fma), as PyTorch's 2-D grid sampler
    rounds it; values only. The pixel coordinate of a grid point at identity theta then lands on a pixel centre
    exactly as in PyTorch, which decides the side a bilinear gradient is taken from."""
    u = g + 1
    if u.dtype == ag.float32:   # the float64 product is exact; one rounding to float64 and one to float32
        return ((u.double() * n - 1) / 2).float()
    if u.dtype != ag.float64:
        return (u * n - 1) / 2
    p = u * n   # u * n = p + tail exactly (Dekker's two-product; n < 2 ** 26 splits exactly)
    c = u * 134217729.0
    high = c - (c - u)
    tail = (high * n - p) + (u - high) * n
    s = p - 1   # p - 1 = s + rest exactly (Knuth's two-sum)
    back = s - p
    rest = (p - (s - back)) + (-1 - back)
    fused = (s + (rest + tail)) / 2
    plain = (p - 1) / 2
    return ag.where(ag.isfinite(fused), fused, plain)


def _clip(x, n):
    """x clipped to [0, n - 1]; zero gradient where it is clipped, the ends included, as PyTorch's."""
    inside = (x > 0) & (x < n - 1)
    return ag.where(inside, x, ag.clamp(x.detach(), 0, n - 1))


def _reflect(x, n, align_corners):
    """x reflected about the edges (pixel centres with align_corners, outer edges without) until inside."""
    low, high = (0.0, n - 1.0) if align_corners else (-0.5, n - 0.5)
    if low == high:   # one pixel: every point reflects onto it; the product keeps a zero gradient to the grid
        return x * 0.0
    return _clip(_reflected(x, low, high)[0], n)


def _reflected(x, low, high):
    """(x reflected into [low, high], the sign its gradient takes: -1 where an odd number of reflections or a
    point below `low` turned it round), as PyTorch's reflect_coordinates computes them."""
    span = high - low
    distance = ag.abs(x - low)
    extra = ag.fmod(distance, span)
    even = ag.remainder(ag.floor(distance / span), 2) == 0
    sign = ag.where((x - low < 0) == even, -1.0, 1.0)
    return ag.where(even, extra + low, span - extra + low), sign


def _with_slope(x, value, slope):
    """`value` (outside the graph) whose gradient is x's times `slope`, as PyTorch's kernels multiply a
    coordinate's gradient: by +0 where the point is clipped, so that gradient keeps its sign (-0.)."""
    finite = ag.where(ag.isfinite(x), x, 0.0)   # inf - inf would make the forward value NaN
    return value + (finite - finite.detach()) * slope


def _source_coordinate(g, n, padding_mode, align_corners, fused, nearest=False):
    """The pixel coordinate the point g reads under the padding mode, with PyTorch's gradient (nearest: a zero
    gradient, +0. as PyTorch's)."""
    x = _pixel_coordinate(g, n, align_corners, fused)
    if padding_mode == "zeros":
        return x
    xd = x.detach()
    if padding_mode == "border":
        return _with_slope(x, ag.clamp(xd, 0, n - 1), ((xd > 0) & (xd < n - 1)).to(x.dtype))
    low, high = (0.0, n - 1.0) if align_corners else (-0.5, n - 0.5)
    if low == high:   # one pixel: every point reflects onto it, with a zero gradient
        return _with_slope(x, ag.zeros_like(xd), ag.zeros_like(xd))
    reflected, sign = _reflected(xd, low, high)
    inside = (reflected > 0) & (reflected < n - 1)
    return _with_slope(x, ag.clamp(reflected, 0, n - 1), ag.where(inside, 1.0 if nearest else sign, 0.0))


def _padded_index(i, n, padding_mode, align_corners):
    """The pixel a bicubic tap at (float) pixel index i reads under the padding mode (outside the graph)."""
    if padding_mode == "border":
        return ag.clamp(i, 0, n - 1)
    if padding_mode == "reflection":
        return _reflect(i, n, align_corners).detach()
    return i


def _inside(i, n):
    return (i >= 0) & (i <= n - 1)


def _taps(x, n, mode):
    """(index, weight) pairs along one dim at pixel coordinates x: two for bilinear, one for nearest. Taps
    outside [0, n) get index 0 and weight 0 (the zero padding), so the gather stays in range."""
    if mode == "nearest":
        nearest = ag.round(x)   # halves to even, as PyTorch's nearbyint
        # a one that depends on the grid with zero gradient: PyTorch gives the grid a zero gradient
        one = 1.0 + (nearest - nearest.detach())
        ok = _inside(nearest, n)
        return [(ag.where(ok, nearest, 0.0).long(), ag.where(ok, one, 0.0))]
    left = ag.floor(x)
    right_weight = x - left
    taps = []
    for corner, weight in ((left, 1.0 - right_weight), (left + 1, right_weight)):
        ok = _inside(corner, n)
        taps.append((ag.where(ok, corner, 0.0).long(), ag.where(ok, weight, 0.0)))
    return taps


def _check(input, grid, mode, padding_mode):
    op = "grid_sample"
    check_tensor(op, input)
    check_tensor(op, grid, "grid")
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"{op}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != input.ndim - 2 \
            or grid.shape[0] != input.shape[0]:
        raise ShapeError(f"{op}: expects input (N, C, H, W) with grid (N, H_out, W_out, 2), or input "
                         f"(N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3), the same N; got input "
                         f"{tuple(input.shape)} and grid {tuple(grid.shape)}")
    if mode == "bicubic" and input.ndim != 4:
        raise ShapeError(f"{op}: bicubic interpolation only supports 4-D input (N, C, H, W), got "
                         f"{tuple(input.shape)}")
    if min(input.shape[2:]) <= 0:
        raise ValueError(f"{op}: the input's spatial dims must be non-empty, got {tuple(input.shape)}")
    if input.dtype.kind != "f" and not is_bf16(input.dtype):   # no kernel for it: PyTorch's NotImplementedError
        raise UnsupportedDtypeError(f"{op}: input must be a float tensor, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with input.float()")
    if grid.dtype != input.dtype:
        raise DtypeError(f"{op}: input and grid must be float tensors of one dtype, got {input.dtype} and "
                        f"{grid.dtype}; convert with grid.to(input.dtype)")
    # the host devices (cpu, numba) share memory and mix in every op; others must match (PyTorch's RuntimeError)
    if str(input.device) != str(grid.device) and not (input.device.host_memory and grid.device.host_memory):
        raise _DeviceMismatch(f"{op}: input is on {input.device} but grid is on {grid.device}; move the grid with "
                         "grid.to(input.device)")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """input (N, C, H, W) read at the normalised points of grid (N, H_out, W_out, 2), giving (N, C, H_out,
    W_out) (and likewise for 5-D input with a (N, D_out, H_out, W_out, 3) grid). mode: 'bilinear', 'nearest'
    (whose gradient for the grid is zero) or 'bicubic' (4-D only); padding_mode says what points outside the input read:
    'zeros', 'border' (the nearest edge pixel) or 'reflection'. align_corners=None means False."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("grid_sample", grid_sample, input, grid, mode, padding_mode, align_corners)
    _check(input, grid, mode, padding_mode)
    align_corners = bool(align_corners)
    spatial = input.shape[2:]
    k = len(spatial)
    per_dim = []   # the taps of each spatial dim, from the first (depth or height) to width
    # one node for all coordinates: its gradient is written, not summed from one buffer per coordinate (which
    # would turn a clipped point's -0. into 0.)
    coordinates = grid.unbind(-1)
    for d, n in enumerate(spatial):
        # PyTorch's 4-D CPU kernel fuses the unnormalising multiply-add; its 5-D one does not
        if mode == "bicubic":   # the padding applies to each tap, not to the point
            x = _pixel_coordinate(coordinates[k - 1 - d], n, align_corners, fused=True)
            per_dim.append(bicubic_taps(x, n, lambda i, n=n: _padded_index(i, n, padding_mode, align_corners)))
            continue
        x = _source_coordinate(coordinates[k - 1 - d], n, padding_mode, align_corners, k == 2, mode == "nearest")
        per_dim.append(_taps(x, n, mode))
    channels_last = ag.movedim(input, 1, -1)
    batch = ag.arange(input.shape[0], device=input.device).reshape((-1,) + (1,) * k)
    out = None
    for corner in itertools.product(*per_dim):
        weight = corner[0][1]
        for _, w in corner[1:]:
            weight = weight * w
        term = channels_last[(batch,) + tuple(index for index, _ in corner)] * weight.unsqueeze(-1)
        out = term if out is None else out + term
    # PyTorch's result is laid out (N, C, ...) in memory; a channels-last view would carry that layout into the
    # convolutions after it (their outputs keep a channels-last input's layout), and `.view` there would fail
    out = ag.movedim(out, -1, 1).contiguous()
    return named(out, "GridSampler2DBackward0" if input.ndim == 4 else "GridSampler3DBackward0")
