"""Max and average 2-D pooling and their gradients as Numba kernels, one (sample, channel) plane per task."""
import math

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def _max_pool(x3, kh, kw, sh, sw, ph, pw, dh, dw, y3, arg3):
    planes, height, width = x3.shape
    ho, wo = y3.shape[1], y3.shape[2]
    for p in prange(planes):
        for oh in range(ho):
            for ow in range(wo):
                best = -np.inf
                best_at = -1
                for i in range(kh):
                    ih = oh * sh - ph + i * dh
                    if ih < 0 or ih >= height:
                        continue
                    for j in range(kw):
                        iw = ow * sw - pw + j * dw
                        if iw < 0 or iw >= width:
                            continue
                        v = x3[p, ih, iw]
                        # the first maximum wins; a NaN beats any number and propagates like torch's
                        if best_at < 0 or v > best or (math.isnan(v) and not math.isnan(best)):
                            best = v
                            best_at = ih * width + iw
                y3[p, oh, ow] = best
                arg3[p, oh, ow] = best_at


@njit(parallel=True, cache=True)
def _max_pool_grad(gy2, arg2, dx2):
    for p in prange(gy2.shape[0]):
        for k in range(gy2.shape[1]):
            dx2[p, arg2[p, k]] += gy2[p, k]


@njit(cache=True, nogil=True)
def _window(o, stride, pad, kernel, size):
    """Start and end of output o's window clipped to the input, and its length clipped to the padded input."""
    start = o * stride - pad
    end = min(start + kernel, size + pad)
    padded = end - start
    return max(start, 0), min(end, size), padded


@njit(parallel=True, cache=True)
def _avg_pool(x3, kh, kw, sh, sw, ph, pw, count_include_pad, y3):
    planes, height, width = x3.shape
    ho, wo = y3.shape[1], y3.shape[2]
    for p in prange(planes):
        for oh in range(ho):
            h0, h1, hpad = _window(oh, sh, ph, kh, height)
            for ow in range(wo):
                w0, w1, wpad = _window(ow, sw, pw, kw, width)
                total = 0.0
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        total += x3[p, ih, iw]
                count = hpad * wpad if count_include_pad else (h1 - h0) * (w1 - w0)
                y3[p, oh, ow] = total / count


@njit(parallel=True, cache=True)
def _avg_pool_grad(gy3, kh, kw, sh, sw, ph, pw, count_include_pad, dx3):
    planes, height, width = dx3.shape
    ho, wo = gy3.shape[1], gy3.shape[2]
    for p in prange(planes):
        for oh in range(ho):
            h0, h1, hpad = _window(oh, sh, ph, kh, height)
            for ow in range(wo):
                w0, w1, wpad = _window(ow, sw, pw, kw, width)
                count = hpad * wpad if count_include_pad else (h1 - h0) * (w1 - w0)
                share = gy3[p, oh, ow] / count
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        dx3[p, ih, iw] += share


def _pooled_size(size, kernel, stride, pad, dilation, ceil_mode):
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    # as torch: with ceil_mode the last window must start inside the input or its left padding
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """Max pooling of x (N, C, H, W) -> (y, argmax); argmax holds int64 flat indices into H*W."""
    n, c, h, w = x.shape
    ho = _pooled_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    wo = _pooled_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    y = np.empty((n, c, ho, wo), x.dtype)
    argmax = np.empty((n, c, ho, wo), np.int64)
    _max_pool(np.ascontiguousarray(x).reshape(n * c, h, w), kernel[0], kernel[1], stride[0], stride[1],
              padding[0], padding[1], dilation[0], dilation[1], y.reshape(n * c, ho, wo),
              argmax.reshape(n * c, ho, wo))
    return y, argmax


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions, shape `x_shape`."""
    n, c, h, w = x_shape
    dx = np.zeros((n * c, h * w), gy.dtype)
    _max_pool_grad(np.ascontiguousarray(gy).reshape(n * c, -1),
                   np.ascontiguousarray(argmax, dtype=np.int64).reshape(n * c, -1), dx)
    return dx.reshape(tuple(x_shape))


def avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad):
    """Average pooling of x (N, C, H, W)."""
    n, c, h, w = x.shape
    ho = _pooled_size(h, kernel[0], stride[0], padding[0], 1, ceil_mode)
    wo = _pooled_size(w, kernel[1], stride[1], padding[1], 1, ceil_mode)
    y = np.empty((n, c, ho, wo), x.dtype)
    _avg_pool(np.ascontiguousarray(x).reshape(n * c, h, w), kernel[0], kernel[1], stride[0], stride[1],
              padding[0], padding[1], bool(count_include_pad), y.reshape(n * c, ho, wo))
    return y


def avg_pool2d_grad(gy, x_shape, kernel, stride, padding, ceil_mode, count_include_pad):
    """Gradient of average pooling, shape `x_shape`."""
    n, c, h, w = x_shape
    ho, wo = gy.shape[2], gy.shape[3]
    dx = np.zeros((n * c, h, w), gy.dtype)
    _avg_pool_grad(np.ascontiguousarray(gy).reshape(n * c, ho, wo), kernel[0], kernel[1], stride[0],
                   stride[1], padding[0], padding[1], bool(count_include_pad), dx)
    return dx.reshape(tuple(x_shape))
