"""Max and average 2-D pooling over NCHW arrays and their gradients on the GPU.

The scheme of backends/numpy_kernels/pool.py: windows are strided views of the (padded) input,
max pooling takes an argmax over each window's kH * kW values, average pooling sums separably;
the max-pool gradient scatters with cupyx.scatter_add (scatter.add_at). Output sizes, padding limits and divisors
come from the NumPy kernels' helpers, so both devices agree on them (and on the error messages).
"""
import cupy
import numpy as np
from cupy.lib.stride_tricks import as_strided

from ..numpy_kernels.pool import _avg_divisors, _first_inside, _geometry, _lowest, _steps
from .scatter import add_at


def _padded(x, padding, extent, fill):
    """x with `padding` before each spatial axis and enough after to reach `extent` (Hp, Wp), filled
    with `fill`; rows/columns past `extent` are dropped. x itself when nothing changes."""
    n, c, h, w = x.shape
    ph, pw = padding
    hp, wp = extent
    if ph == 0 and pw == 0 and hp <= h and wp <= w:
        return x
    out = cupy.full((n, c, hp, wp), fill, x.dtype)
    rows, cols = min(h, hp - ph), min(w, wp - pw)
    out[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
    return out


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    ho, wo = _geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    extent = ((ho - 1) * sh + dh * (kh - 1) + 1, (wo - 1) * sw + dw * (kw - 1) + 1)
    xp = _padded(x, padding, extent, _lowest(x.dtype))
    s = xp.strides
    windows = as_strided(xp, (n, c, ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw))
    flat_windows = cupy.ascontiguousarray(windows).reshape(n, c, ho, wo, kh * kw)
    local = flat_windows.argmax(axis=-1)[..., None]
    y = cupy.take_along_axis(flat_windows, local, axis=-1)[..., 0]
    # flat input index = window origin + offset of the chosen kernel position (small tables built on the host)
    origin = (np.arange(ho) * sh - ph)[:, None] * w + (np.arange(wo) * sw - pw)
    offsets = (np.arange(kh) * dh * w)[:, None] + np.arange(kw) * dw
    argmax = cupy.asarray(origin) + cupy.asarray(offsets.reshape(-1))[local[..., 0]]
    if xp is not x and x.dtype.kind == "f":
        # a window whose values are all -inf may have picked the padding; PyTorch takes its first real element
        first = _first_inside(np.arange(ho) * sh - ph, dh)[:, None] * w + _first_inside(np.arange(wo) * sw - pw, dw)
        argmax = cupy.where(y == -cupy.inf, cupy.asarray(first), argmax)
    return y, argmax


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    n, c, h, w = x_shape
    if gy.shape != argmax.shape or gy.shape[:2] != (n, c):
        raise ValueError(f"max_pool2d_grad: gradient shape {tuple(gy.shape)} and argmax shape "
                         f"{tuple(argmax.shape)} must match and start with (N, C) = {(n, c)} of x_shape {x_shape}")
    planes = n * c
    flat = argmax.reshape(planes, -1) + (cupy.arange(planes, dtype=argmax.dtype) * (h * w))[:, None]
    gx = cupy.zeros(planes * h * w, gy.dtype)
    add_at(gx, flat.reshape(-1), gy.reshape(-1))
    return gx.reshape(x_shape)


def _avg_geometry(op, x_shape, kernel, stride, padding, ceil_mode, count_include_pad, dtype):
    """(Ho, Wo, divisor (Ho, Wo) on the GPU)."""
    ho, wo = _geometry(op, x_shape, kernel, stride, padding, (1, 1), ceil_mode)
    div_h = _avg_divisors(x_shape[2], kernel[0], stride[0], padding[0], ho, count_include_pad, dtype)
    div_w = _avg_divisors(x_shape[3], kernel[1], stride[1], padding[1], wo, count_include_pad, dtype)
    return ho, wo, cupy.asarray(div_h[:, None] * div_w)


def avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad):
    """Average pooling of x (N, C, H, W)."""
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    ho, wo, div = _avg_geometry("avg_pool2d", x.shape, kernel, stride, padding, ceil_mode, count_include_pad, dtype)
    (kh, kw), (sh, sw) = kernel, stride
    xp = _padded(x, padding, ((ho - 1) * sh + kh, (wo - 1) * sw + kw), 0)
    # the window sum is separable: sum kW columns, then kH rows of those sums
    rows = xp[..., _steps(0, wo, sw)].astype(dtype)
    for j in range(1, kw):
        rows += xp[..., _steps(j, wo, sw)]
    y = rows[:, :, _steps(0, ho, sh)].copy()
    for i in range(1, kh):
        y += rows[:, :, _steps(i, ho, sh)]
    y /= div
    return y


def avg_pool2d_grad(gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
    """Gradient of average pooling, shape `x_shape`."""
    ho, wo, div = _avg_geometry("avg_pool2d_grad", x_shape, kernel, stride, padding, ceil_mode,
                                count_include_pad, gy.dtype)
    n, c, h, w = x_shape
    if gy.shape != (n, c, ho, wo):
        raise ValueError(f"avg_pool2d_grad: gradient shape {tuple(gy.shape)} does not match the pooled shape "
                         f"{(n, c, ho, wo)} of x_shape {tuple(x_shape)}")
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    g = gy / div
    hp, wp = max((ho - 1) * sh + kh, ph + h), max((wo - 1) * sw + kw, pw + w)
    rows = cupy.zeros((n, c, hp, wo), gy.dtype)
    for i in range(kh):
        target = rows[:, :, _steps(i, ho, sh)]
        target += g
    gxp = cupy.zeros((n, c, hp, wp), gy.dtype)
    for j in range(kw):
        target = gxp[..., _steps(j, wo, sw)]
        target += rows
    if ph == 0 and pw == 0 and hp == h and wp == w:
        return gxp
    return cupy.ascontiguousarray(gxp[:, :, ph:ph + h, pw:pw + w])
