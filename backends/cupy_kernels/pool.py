"""Max and average 2-D pooling over NCHW arrays and their gradients on the GPU.

Max pooling is one kernel per direction: each output element scans its window (y and argmax in
one pass), and the gradient adds each gy to its argmax atomically. Average pooling sums
separably over strided views of the padded input. Output sizes, padding limits and divisors come
from the NumPy kernels' helpers, so both devices agree on them (and on the error messages).
"""
import cupy
import numpy as np

from ..numpy_kernels.pool import _avg_divisors, _geometry, _steps
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


#: y, argmax over each window of one (N * C) plane; out-of-range positions are skipped. Ties keep the
#: first maximum, the first NaN wins (both as NumPy's argmax), and a window of -inf keeps its first
#: real element (as PyTorch).
_MAX_POOL = cupy.ElementwiseKernel(
    "raw T x, int32 h, int32 w, int32 ho, int32 wo, int32 kh, int32 kw, int32 sh, int32 sw, "
    "int32 ph, int32 pw, int32 dh, int32 dw", "T y, int64 argmax",
    """
    ptrdiff_t t = i;
    const int ow = t % wo; t /= wo;
    const int oh = t % ho;
    const ptrdiff_t base = (t / ho) * h * w;
    bool found = false;
    T best = (T)0;
    long long at = 0;
    for (int ki = 0; ki < kh; ++ki) {
        const int r = oh * sh - ph + ki * dh;
        if (r < 0 || r >= h) continue;
        for (int kj = 0; kj < kw; ++kj) {
            const int q = ow * sw - pw + kj * dw;
            if (q < 0 || q >= w) continue;
            const T v = x[base + r * w + q];
            if (!found || v > best || (v != v && !(best != best))) {
                best = v;
                at = (long long)r * w + q;
                found = true;
            }
        }
    }
    y = best;
    argmax = at;
    """, "dg_max_pool2d")

#: gx[plane, argmax] += gy (atomics: overlapping windows may pick the same element)
_MAX_POOL_GRAD = cupy.ElementwiseKernel(
    "T gy, int64 argmax, int64 hw, int64 pooled", "raw T gx",
    "atomicAdd(&gx[(i / pooled) * hw + argmax], gy);", "dg_max_pool2d_grad")
_ATOMIC_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    ho, wo = _geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    y = cupy.empty((n, c, ho, wo), x.dtype)
    argmax = cupy.empty((n, c, ho, wo), np.int64)
    _MAX_POOL(cupy.ascontiguousarray(x), h, w, ho, wo, kh, kw, sh, sw, ph, pw, dh, dw, y, argmax)
    return y, argmax


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    n, c, h, w = x_shape
    if gy.shape != argmax.shape or gy.shape[:2] != (n, c):
        raise ValueError(f"max_pool2d_grad: gradient shape {tuple(gy.shape)} and argmax shape "
                         f"{tuple(argmax.shape)} must match and start with (N, C) = {(n, c)} of x_shape {x_shape}")
    planes = n * c
    gx = cupy.zeros(planes * h * w, gy.dtype)
    if gy.dtype in _ATOMIC_FLOATS:
        pooled = int(np.prod(gy.shape[2:]))
        _MAX_POOL_GRAD(cupy.ascontiguousarray(gy), cupy.ascontiguousarray(argmax), h * w, max(pooled, 1), gx)
    else:   # float16 and integers: CuPy's add.at
        flat = argmax.reshape(planes, -1) + (cupy.arange(planes, dtype=argmax.dtype) * (h * w))[:, None]
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
