"""F.interpolate: resize the spatial dimensions of (N, C, ...) tensors as torch.nn.functional.interpolate.

Source positions are computed the way PyTorch's CPU kernels compute them (in float32 for the
nearest modes; in the input's precision, at least float32, for the linear and cubic ones), so outputs agree
index for index. The resampling itself is one graph node (autograd.ops.resample).
"""
import math
import numbers

import numpy as np

from autograd.function import named
from autograd.ops.resample import resample
from autograd.ops.dims import check_tensor
from autograd.errors import ShapeError, UnsupportedDtypeError, UnsupportedError

from .interpolate_antialias import antialias_plan
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
from .pooling3d import adaptive_avg_pool3d

#: mode -> the input ranks it takes
MODES = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "linear": (3,), "bilinear": (4,), "trilinear": (5,),
         "bicubic": (4,), "area": (3, 4, 5)}
#: Keys' cubic convolution parameter that PyTorch's bicubic mode uses
CUBIC_A = -0.75


def _nearest_index(n_in, n_out, scale, exact):
    """Source index of every output position along one axis (PyTorch's nearest / nearest-exact rules)."""
    if not exact and n_out == n_in:
        return np.arange(n_out)
    if not exact and n_out == 2 * n_in:
        return np.arange(n_out) >> 1
    step = np.float32(1.0 / scale) if scale else np.float32(n_in) / np.float32(n_out)
    if exact:
        pos = ((np.arange(n_out) + 0.5) * np.float64(step)).astype(np.float32)
    else:
        pos = np.arange(n_out).astype(np.float32) * step
    return np.minimum(np.floor(pos).astype(np.int64), n_in - 1)


def _linear_plan(n_in, n_out, scale, align_corners, dtype):
    """(lo, hi, w_lo, w_hi) for linear interpolation along one axis (host arrays)."""
    ftype = np.float64 if dtype == np.float64 else np.float32
    j = np.arange(n_out).astype(ftype)
    if align_corners:
        step = ftype(n_in - 1) / ftype(n_out - 1) if n_out > 1 else ftype(0)
        pos = step * j
    else:
        step = ftype(1.0 / scale) if scale else ftype(n_in) / ftype(n_out)
        pos = np.maximum(step * (j + ftype(0.5)) - ftype(0.5), ftype(0))
    lo = np.minimum(np.floor(pos).astype(np.int64), n_in - 1)
    w_hi = np.clip(pos - lo.astype(ftype), 0, 1)
    hi = lo + (lo < n_in - 1)
    return lo, hi, (1 - w_hi).astype(dtype), w_hi.astype(dtype)


def _source_positions(n_in, n_out, scale, align_corners, ftype):
    """Unclamped source coordinate of every output position along one axis (PyTorch's rule)."""
    j = np.arange(n_out).astype(ftype)
    if align_corners:
        step = ftype(n_in - 1) / ftype(n_out - 1) if n_out > 1 else ftype(0)
        return step * j
    step = ftype(1.0 / scale) if scale else ftype(n_in) / ftype(n_out)
    return step * (j + ftype(0.5)) - ftype(0.5)


def _cubic_plan(n_in, n_out, scale, align_corners, dtype):
    """(indices, weights): the four clamped source indices and Keys' cubic weights per output position."""
    ftype = np.float64 if dtype == np.float64 else np.float32
    pos = _source_positions(n_in, n_out, scale, align_corners, ftype)
    base = np.floor(pos)
    t = pos - base
    a = ftype(CUBIC_A)

    def near(x):   # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):    # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    base = base.astype(np.int64)
    indices = tuple(np.clip(base + k, 0, n_in - 1) for k in (-1, 0, 1, 2))
    return indices, tuple(w.astype(dtype) for w in weights)


def _per_axis(value, count, name):
    if isinstance(value, (tuple, list)):
        if len(value) != count:
            raise ValueError(f"interpolate: {name} {tuple(value)} must have one entry per spatial dimension "
                             f"({count})")
        return tuple(value)
    return (value,) * count


def _host_int(value):
    """A 0-d integer tensor as its int (PyTorch takes one as a size, as code computing sizes from shapes makes);
    anything else as it is."""
    if getattr(value, "ndim", None) == 0 and getattr(value, "dtype", None) is not None and value.dtype.kind in "iu":
        return int(value.item())
    return value


def _output_size(input, size, scale_factor, recompute_scale_factor):
    """(output sizes, scales for the kernels or None per axis)."""
    spatial = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is only meaningful with scale_factor, not size")
        sizes = tuple(_host_int(s) for s in _per_axis(size, len(spatial), "size"))
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"interpolate: size must be an int or a tuple of ints, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * len(spatial)
    factors = _per_axis(scale_factor, len(spatial), "scale_factor")
    if not all(isinstance(f, numbers.Real) and not isinstance(f, bool) and f > 0 for f in factors):
        raise ShapeError(f"interpolate: scale_factor must be a positive number or a tuple of them, got "
                         f"{scale_factor!r}")
    sizes = tuple(int(math.floor(n * float(f))) for n, f in zip(spatial, factors))
    return sizes, (None,) * len(spatial) if recompute_scale_factor else tuple(float(f) for f in factors)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dimensions of `input` (N, C, L), (N, C, H, W) or (N, C, D, H, W).

    Give the output `size` (an int or one per spatial dimension) or a `scale_factor` (output size =
    floor(input size * factor); the factor itself then sets the source positions unless
    recompute_scale_factor=True). Modes: 'nearest' (PyTorch's legacy rule, floor(j * scale)),
    'nearest-exact' (pixel centres), 'linear' (3-D), 'bilinear' (4-D), 'trilinear' (5-D) and
    'bicubic' (4-D; Keys' kernel with a = -0.75, edges replicated, so values may overshoot the input
    range) with align_corners (default False: pixel centres map to pixel centres; True: corner
    pixels align), and 'area' (adaptive average pooling over 1, 2 or 3 spatial dims). antialias=True (bilinear
    and bicubic) widens the filter when shrinking so that every input pixel contributes, as PyTorch's (and PIL's)
    resize.
    """
    check_tensor("interpolate", input)
    if mode not in MODES:
        raise UnsupportedError(f"interpolate: mode {mode!r} is not supported; use one of {sorted(MODES)}")
    if input.ndim not in MODES[mode]:
        ranks = " or ".join(f"{r}-D" for r in MODES[mode])
        raise UnsupportedError(f"interpolate: mode {mode!r} expects a {ranks} input (N, C, spatial...), got shape "
                               f"{input.shape}; add the missing batch or channel axis with unsqueeze(0)")
    if antialias and (mode not in ("bilinear", "bicubic") or input.ndim != 4):
        raise ValueError(f"interpolate: antialias=True applies to the 'bilinear' and 'bicubic' modes on a 4-D input "
                         f"(N, C, H, W), got mode {mode!r} and shape {input.shape}")
    linear = mode in ("linear", "bilinear", "trilinear")
    if not linear and mode != "bicubic" and align_corners is not None:
        raise ValueError(f"interpolate: align_corners applies only to the linear and bicubic modes, not {mode!r}; "
                         "leave it None")
    # 'V': bfloat16; nearest modes only pick pixels, and PyTorch lets them pick uint8 ones (images, masks)
    if input.dtype.kind not in "fV" and not (input.dtype == np.uint8 and mode in ("nearest", "nearest-exact")):
        raise UnsupportedDtypeError(f"interpolate: expects a float input, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with .float()")
    sizes, scales = _output_size(input, size, scale_factor, recompute_scale_factor)
    if min(sizes) <= 0 or min(input.shape[2:]) <= 0:
        raise ShapeError(f"interpolate: input and output sizes must be greater than 0, got input {input.shape} and "
                         f"output size {sizes}")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[input.ndim - 3](input, sizes)
    device = input.device
    plans = []
    for k, (n_in, n_out, scale) in enumerate(zip(input.shape[2:], sizes, scales)):
        axis = k + 2
        if antialias:
            indices, weights = antialias_plan(n_in, n_out, scale, bool(align_corners), input.dtype, mode)
            plans.append((axis, ("blend", tuple(device.asarray(i) for i in indices),
                                 tuple(device.asarray(w) for w in weights))))
            continue
        if linear:
            lo, hi, w_lo, w_hi = _linear_plan(n_in, n_out, scale, bool(align_corners), input.dtype)
            if n_out == n_in and not w_hi.any():
                continue   # the identity
            plans.append((axis, ("blend", (device.asarray(lo), device.asarray(hi)),
                                 (device.asarray(w_lo), device.asarray(w_hi)))))
            continue
        if mode == "bicubic":
            indices, weights = _cubic_plan(n_in, n_out, scale, bool(align_corners), input.dtype)
            plans.append((axis, ("blend", tuple(device.asarray(i) for i in indices),
                                 tuple(device.asarray(w) for w in weights))))
            continue
        index = _nearest_index(n_in, n_out, scale, mode == "nearest-exact")
        if n_out == n_in and (index == np.arange(n_in)).all():
            continue
        factor = n_out // n_in
        if n_out == factor * n_in and (index == np.arange(n_out) // factor).all():
            plans.append((axis, ("repeat", factor)))
        else:
            plans.append((axis, ("take", device.asarray(index))))
    return named(resample(input, plans) if plans else input[...], _torch_name(mode, input.ndim, antialias))


def _torch_name(mode, ndim, antialias):
    """The name of PyTorch's node for this resize ('UpsampleBilinear2DAaBackward0')."""
    kind = {"nearest": "Nearest", "nearest-exact": "NearestExact"}.get(mode, mode.capitalize())
    return f"Upsample{kind}{ndim - 2}D{'Aa' if antialias else ''}Backward0"
