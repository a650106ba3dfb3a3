"""2-D max pooling over NCHW arrays and its gradient on the GPU, one kernel per direction.

Each output element scans its window (y and argmax in one pass), and the gradient adds each gy to
its argmax atomically. Output sizes and argument checks, and average pooling, are shared with the
other devices (array_kernels/pool.py), so all agree on them (and on the error messages).
"""
import cupy
import numpy as np

from .. import determinism
from ..array_kernels.pool import check_max_pool_grad, geometry
from .scatter import add_at


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
    ho, wo = geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    y = cupy.empty((n, c, ho, wo), x.dtype)
    argmax = cupy.empty((n, c, ho, wo), np.int64)
    _MAX_POOL(cupy.ascontiguousarray(x), h, w, ho, wo, kh, kw, sh, sw, ph, pw, dh, dw, y, argmax)
    return y, argmax


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    check_max_pool_grad(gy, argmax, x_shape)
    n, c, h, w = x_shape
    planes = n * c
    gx = cupy.zeros(planes * h * w, gy.dtype)
    pooled = int(np.prod(gy.shape[2:]))
    if gy.size == 0:
        return gx.reshape(x_shape)
    if gy.dtype in _ATOMIC_FLOATS and not determinism.enabled():
        _MAX_POOL_GRAD(cupy.ascontiguousarray(gy), cupy.ascontiguousarray(argmax), h * w, max(pooled, 1), gx)
    else:   # float16, integers, and deterministic mode (ordered adds): add_at's paths
        flat = argmax.reshape(planes, pooled) + (cupy.arange(planes, dtype=argmax.dtype) * (h * w))[:, None]
        add_at(gx, flat.reshape(-1), gy.reshape(-1))
    return gx.reshape(x_shape)
