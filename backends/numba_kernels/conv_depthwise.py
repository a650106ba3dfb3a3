"""Depthwise convolutions (one filter per channel) and their input gradient as Numba kernels: each
(sample, channel) plane is padded once into a buffer that stays in cache, and every tap is a
contiguous multiply-add over an output row there. NumPy's shifted multiply-adds
(array_kernels/conv_depthwise.py) pass over the whole batch once per tap with a temporary each;
these measured 2.6-3x faster (b32 128ch 28x28). The weight gradient stays NumPy's: one einsum per
tap, which a compiled per-plane loop beat by only 1.3x.
"""
import numpy as np

from . import jit


@jit.inlined
def _load_padded(plane, buf, ph, pw):
    h, w = plane.shape
    for y in range(h):
        for x in range(w):
            buf[ph + y, pw + x] = plane[y, x]


@jit.kernel
def _forward(x, w, y, sh, sw, ph, pw, dh, dw):
    n, c, h, wd = x.shape
    kh, kw = w.shape[2], w.shape[3]
    ho, wo = y.shape[2], y.shape[3]
    buf = np.zeros((h + 2 * ph, wd + 2 * pw), x.dtype)
    acc = np.empty(wo, x.dtype)
    for s in range(n):
        for ch in range(c):
            _load_padded(x[s, ch], buf, ph, pw)
            for oy in range(ho):
                acc[:] = 0
                for i in range(kh):
                    row = buf[oy * sh + i * dh]
                    for j in range(kw):
                        tap = w[ch, 0, i, j]
                        if sw == 1:                # contiguous: the loop vectorises
                            window = row[j * dw:j * dw + wo]
                            for ox in range(wo):
                                acc[ox] += tap * window[ox]
                        else:
                            for ox in range(wo):
                                acc[ox] += tap * row[ox * sw + j * dw]
                for ox in range(wo):
                    y[s, ch, oy, ox] = acc[ox]


@jit.kernel
def _grad_input(gy, w, gx, sh, sw, ph, pw, dh, dw):
    n, c, h, wd = gx.shape
    kh, kw = w.shape[2], w.shape[3]
    ho, wo = gy.shape[2], gy.shape[3]
    buf = np.empty((h + 2 * ph + sh, wd + 2 * pw + sw), gy.dtype)
    for s in range(n):
        for ch in range(c):
            buf[:, :] = 0
            for oy in range(ho):
                g = gy[s, ch, oy]
                for i in range(kh):
                    row = buf[oy * sh + i * dh]
                    for j in range(kw):
                        tap = w[ch, 0, i, j]
                        if sw == 1:
                            window = row[j * dw:j * dw + wo]
                            for ox in range(wo):
                                window[ox] += tap * g[ox]
                        else:
                            for ox in range(wo):
                                row[ox * sw + j * dw] += tap * g[ox]
            for y in range(h):
                for x in range(wd):
                    gx[s, ch, y, x] = buf[ph + y, pw + x]


def conv2d(x, w, out_hw, stride, padding, dilation):
    """Depthwise cross-correlation of x (N, C, H, W) with w (C, 1, kH, kW) -> (N, C, Ho, Wo)."""
    y = np.empty(x.shape[:2] + tuple(out_hw), x.dtype)
    _forward(np.ascontiguousarray(x), np.ascontiguousarray(w), y, *stride, *padding, *dilation)
    return y


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its input, shape `x_shape`."""
    gx = np.empty(tuple(x_shape), gy.dtype)
    _grad_input(np.ascontiguousarray(gy), np.ascontiguousarray(w), gx, *stride, *padding, *dilation)
    return gx
