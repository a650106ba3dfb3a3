"""Max and average 2-D pooling and their gradients as Numba kernels, one (sample, channel) plane per task."""
import math

import numpy as np
from numba import njit, prange

# the NumPy kernels' argument checks, so both devices reject bad arguments with the same message
# (and no Numba loop ever runs off an array)
from ..numpy_kernels.pool import _geometry


@njit(cache=True, nogil=True)
def _taps(out_size, stride, pad, dilation, kernel, size):
    """For each output position o, the window taps [lo, hi) that land inside [0, size) (computed
    once per call: integer division in the per-output loop would dominate its cost)."""
    lo = np.zeros(out_size, np.int64)
    hi = np.zeros(out_size, np.int64)
    for o in range(out_size):
        start = o * stride - pad
        lo[o] = 0 if start >= 0 else (-start + dilation - 1) // dilation
        hi[o] = min(kernel, (size - 1 - start) // dilation + 1)
    return lo, hi


@njit(parallel=True, cache=True)
def _max_pool(x3, kh, kw, sh, sw, ph, pw, dh, dw, y3, arg3):
    planes, height, width = x3.shape
    ho, wo = y3.shape[1], y3.shape[2]
    i_lo, i_hi = _taps(ho, sh, ph, dh, kh, height)
    j_lo, j_hi = _taps(wo, sw, pw, dw, kw, width)
    flat = x3.reshape(planes, height * width)
    for p in prange(planes):
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                best = -np.inf
                best_at = (h0 + i_lo[oh] * dh) * width + w0 + j_lo[ow] * dw
                for i in range(i_lo[oh], i_hi[oh]):
                    ih = h0 + i * dh
                    for j in range(j_lo[ow], j_hi[ow]):
                        v = x3[p, ih, w0 + j * dw]
                        # NaN ranks above everything so that it propagates. One comparison and
                        # two updated values keep this loop branch-free: a separate isnan test,
                        # or tracking the value too, made it 2-4x slower.
                        key = v if v == v else np.inf
                        if key > best:
                            best = key
                            best_at = ih * width + w0 + j * dw
                y3[p, oh, ow] = flat[p, best_at]
                arg3[p, oh, ow] = best_at


@njit(parallel=True, cache=True)
def _max_pool_grad(gy2, arg2, dx2):
    for p in prange(gy2.shape[0]):
        for k in range(gy2.shape[1]):
            dx2[p, arg2[p, k]] += gy2[p, k]


@njit(cache=True, nogil=True)
def _counts(out_size, stride, pad, kernel, size, count_include_pad):
    """How many inputs average into each output position along one axis: its window clipped to
    the padded input (count_include_pad, as torch) or to the input itself."""
    counts = np.empty(out_size, np.float64)
    for o in range(out_size):
        start = o * stride - pad
        end = min(start + kernel, size + pad)
        counts[o] = end - start if count_include_pad else min(end, size) - max(start, 0)
    return counts


@njit(parallel=True, cache=True)
def _avg_pool(x3, kh, kw, sh, sw, ph, pw, count_include_pad, y3):
    planes, height, width = x3.shape
    ho, wo = y3.shape[1], y3.shape[2]
    i_lo, i_hi = _taps(ho, sh, ph, 1, kh, height)
    j_lo, j_hi = _taps(wo, sw, pw, 1, kw, width)
    rows = _counts(ho, sh, ph, kh, height, count_include_pad)
    cols = _counts(wo, sw, pw, kw, width, count_include_pad)
    for p in prange(planes):
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                total = 0.0
                for ih in range(h0 + i_lo[oh], h0 + i_hi[oh]):
                    for iw in range(w0 + j_lo[ow], w0 + j_hi[ow]):
                        total += x3[p, ih, iw]
                y3[p, oh, ow] = total / (rows[oh] * cols[ow])


@njit(parallel=True, cache=True)
def _avg_pool_grad(gy3, kh, kw, sh, sw, ph, pw, count_include_pad, dx3):
    planes, height, width = dx3.shape
    ho, wo = gy3.shape[1], gy3.shape[2]
    i_lo, i_hi = _taps(ho, sh, ph, 1, kh, height)
    j_lo, j_hi = _taps(wo, sw, pw, 1, kw, width)
    rows = _counts(ho, sh, ph, kh, height, count_include_pad)
    cols = _counts(wo, sw, pw, kw, width, count_include_pad)
    for p in prange(planes):
        for oh in range(ho):
            h0 = oh * sh - ph
            for ow in range(wo):
                w0 = ow * sw - pw
                share = gy3[p, oh, ow] / (rows[oh] * cols[ow])
                for ih in range(h0 + i_lo[oh], h0 + i_hi[oh]):
                    for iw in range(w0 + j_lo[ow], w0 + j_hi[ow]):
                        dx3[p, ih, iw] += share


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    ho, wo = _geometry("max_pool2d", x.shape, kernel, stride, padding, dilation, ceil_mode)
    n, c, h, w = x.shape
    y = np.empty((n, c, ho, wo), x.dtype)
    argmax = np.empty((n, c, ho, wo), np.int64)
    _max_pool(np.ascontiguousarray(x).reshape(n * c, h, w), kernel[0], kernel[1], stride[0], stride[1],
              padding[0], padding[1], dilation[0], dilation[1], y.reshape(n * c, ho, wo),
              argmax.reshape(n * c, ho, wo))
    return y, argmax


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    n, c, h, w = x_shape
    if gy.shape != argmax.shape or gy.shape[:2] != (n, c):
        raise ValueError(f"max_pool2d_grad: gradient shape {tuple(gy.shape)} and argmax shape "
                         f"{tuple(argmax.shape)} must match and start with (N, C) = {(n, c)} of x_shape {x_shape}")
    dx = np.zeros((n * c, h * w), gy.dtype)
    _max_pool_grad(np.ascontiguousarray(gy).reshape(n * c, -1),
                   np.ascontiguousarray(argmax, dtype=np.int64).reshape(n * c, -1), dx)
    return dx.reshape(tuple(x_shape))


def avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad):
    """Average pooling of x (N, C, H, W)."""
    ho, wo = _geometry("avg_pool2d", x.shape, kernel, stride, padding, (1, 1), ceil_mode)
    n, c, h, w = x.shape
    y = np.empty((n, c, ho, wo), x.dtype)
    _avg_pool(np.ascontiguousarray(x).reshape(n * c, h, w), kernel[0], kernel[1], stride[0], stride[1],
              padding[0], padding[1], bool(count_include_pad), y.reshape(n * c, ho, wo))
    return y


def avg_pool2d_grad(gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
    """Gradient of average pooling, shape `x_shape`."""
    ho, wo = _geometry("avg_pool2d_grad", x_shape, kernel, stride, padding, (1, 1), ceil_mode)
    n, c, h, w = x_shape
    if gy.shape != (n, c, ho, wo):
        raise ValueError(f"avg_pool2d_grad: gradient shape {tuple(gy.shape)} does not match the pooled shape "
                         f"{(n, c, ho, wo)} of x_shape {tuple(x_shape)}")
    dx = np.zeros((n * c, h, w), gy.dtype)
    _avg_pool_grad(np.ascontiguousarray(gy).reshape(n * c, ho, wo), kernel[0], kernel[1], stride[0],
                   stride[1], padding[0], padding[1], bool(count_include_pad), dx)
    return dx.reshape(tuple(x_shape))
