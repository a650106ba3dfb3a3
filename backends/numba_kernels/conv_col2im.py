"""col2im, the input gradient's last step on the im2col paths, as Numba kernels: the column gradient
(every window's contribution) summed back into the input gradient in one pass, each (sample,
channel) plane accumulated in a small padded buffer that stays in cache and copied out without its
border. NumPy needs kH * kW strided read-modify-write passes over a padded array plus a final copy.
"""
import numpy as np

from . import jit


@jit.kernel
def _col2im_nchw(gcol, gx, sh, sw, ph, pw, dh, dw):
    n, c, kh, kw, ho, wo = gcol.shape
    h, w = gx.shape[2], gx.shape[3]
    buf = np.empty((h + 2 * ph + sh, w + 2 * pw + sw), gx.dtype)
    for s in range(n):
        for ch in range(c):
            buf[:, :] = 0
            for i in range(kh):
                for j in range(kw):
                    for oy in range(ho):
                        row = buf[i * dh + oy * sh]
                        src = gcol[s, ch, i, j, oy]
                        for ox in range(wo):
                            row[j * dw + ox * sw] += src[ox]
            for y in range(h):
                for x in range(w):
                    gx[s, ch, y, x] = buf[ph + y, pw + x]


@jit.kernel
def _col2im_chwn(gcol, gx, sh, sw, ph, pw, dh, dw):
    c, kh, kw, ho, wo, n = gcol.shape
    h, w = gx.shape[2], gx.shape[3]
    buf = np.empty((h + 2 * ph + sh, w + 2 * pw + sw, n), gx.dtype)
    for ch in range(c):
        buf[:, :, :] = 0
        for i in range(kh):
            for j in range(kw):
                for oy in range(ho):
                    for ox in range(wo):
                        dst = buf[i * dh + oy * sh, j * dw + ox * sw]
                        src = gcol[ch, i, j, oy, ox]
                        for s in range(n):
                            dst[s] += src[s]
        for s in range(n):
            for y in range(h):
                for x in range(w):
                    gx[s, ch, y, x] = buf[ph + y, pw + x, s]


def col2im_nchw(gcol, x_shape, stride, padding, dilation, out=None):
    """The input gradient (N, C, H, W) from the column gradient gcol (N, C, kH, kW, Ho, Wo), written
    into `out` (C-contiguous) when given."""
    gx = np.empty(tuple(x_shape), gcol.dtype) if out is None else out
    _col2im_nchw(np.ascontiguousarray(gcol), gx, stride[0], stride[1], padding[0], padding[1], dilation[0],
                 dilation[1])
    return gx


def col2im_chwn(gcol, x_shape, stride, padding, dilation):
    """The input gradient (N, C, H, W) from a batch-last column gradient gcol (C, kH, kW, Ho, Wo, N)."""
    gx = np.empty(tuple(x_shape), gcol.dtype)
    _col2im_chwn(np.ascontiguousarray(gcol), gx, stride[0], stride[1], padding[0], padding[1], dilation[0],
                 dilation[1])
    return gx
