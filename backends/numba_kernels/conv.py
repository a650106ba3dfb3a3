"""2-D convolution (cross-correlation) and its two gradients as Numba kernels.

Each (sample, group) pair is one parallel task: it unfolds its input patch into a per-thread
column buffer (im2col) and hands the product to BLAS through np.dot, which Numba supports on
contiguous 2-D float arrays (it needs SciPy's BLAS bindings at compile time).
"""
import numpy as np
from numba import get_num_threads, njit, prange

# the NumPy kernels' argument checks, so both devices reject bad shapes with the same message
# (and no Numba loop ever runs off an array)
from ..numpy_kernels.conv import _check_gy, _geometry


@njit(cache=True, nogil=True)
def _valid_range(offset, stride, size, out_size):
    """Output positions o in [lo, hi) whose input o * stride + offset lies inside [0, size)."""
    lo = 0 if offset >= 0 else (-offset + stride - 1) // stride
    hi = (size - offset - 1) // stride + 1 if size - offset - 1 >= 0 else 0
    hi = min(hi, out_size)
    return lo, max(lo, hi)


@njit(cache=True, nogil=True)
def _im2col(x, n, c0, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, col):
    """col[(c*kh + i)*kw + j, oh*wo + ow] = x[n, c0 + c, oh*sh - ph + i*dh, ow*sw - pw + j*dw], 0 in the padding."""
    height, width = x.shape[2], x.shape[3]
    cg = col.shape[0] // (kh * kw)
    for c in range(cg):
        for i in range(kh):
            for j in range(kw):
                row = (c * kh + i) * kw + j
                off_w = j * dw - pw
                lo, hi = _valid_range(off_w, sw, width, wo)
                for oh in range(ho):
                    ih = oh * sh - ph + i * dh
                    base = oh * wo
                    if ih < 0 or ih >= height:
                        for ow in range(wo):
                            col[row, base + ow] = 0
                        continue
                    for ow in range(lo):
                        col[row, base + ow] = 0
                    if sw == 1:  # unit stride: a contiguous copy the compiler vectorises
                        col[row, base + lo:base + hi] = x[n, c0 + c, ih, lo + off_w:hi + off_w]
                    else:
                        for ow in range(lo, hi):
                            col[row, base + ow] = x[n, c0 + c, ih, ow * sw + off_w]
                    for ow in range(hi, wo):
                        col[row, base + ow] = 0


@njit(cache=True, nogil=True)
def _col2im_add(col, dx, n, c0, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo):
    """The adjoint of _im2col: dx[n, c0 + c, ...] += the column entries that were read from there."""
    height, width = dx.shape[2], dx.shape[3]
    cg = col.shape[0] // (kh * kw)
    for c in range(cg):
        for i in range(kh):
            for j in range(kw):
                row = (c * kh + i) * kw + j
                off_w = j * dw - pw
                lo, hi = _valid_range(off_w, sw, width, wo)
                for oh in range(ho):
                    ih = oh * sh - ph + i * dh
                    if ih < 0 or ih >= height:
                        continue
                    base = oh * wo
                    for ow in range(lo, hi):
                        dx[n, c0 + c, ih, ow * sw + off_w] += col[row, base + ow]


@njit(parallel=True, cache=True)
def _conv2d(x, w3, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, out4):
    groups, _, k = w3.shape
    cg = x.shape[1] // groups
    for task in prange(x.shape[0] * groups):
        n, g = task // groups, task % groups
        col = np.empty((k, ho * wo), x.dtype)
        _im2col(x, n, g * cg, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, col)
        np.dot(w3[g], col, out4[n, g])


@njit(parallel=True, cache=True)
def _conv2d_grad_input(gy4, wt3, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, dx):
    groups = wt3.shape[0]
    cg = dx.shape[1] // groups
    for task in prange(dx.shape[0] * groups):
        n, g = task // groups, task % groups
        col = np.dot(wt3[g], gy4[n, g])
        _col2im_add(col, dx, n, g * cg, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo)


@njit(parallel=True, cache=True)
def _conv2d_grad_weight(gy4, x, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, k, chunks):
    batch, groups, cog, _ = gy4.shape
    cg = x.shape[1] // groups
    partial = np.zeros((chunks, groups, cog, k), x.dtype)
    for chunk in prange(chunks):
        col = np.empty((k, ho * wo), x.dtype)
        prod = np.empty((cog, k), x.dtype)
        for n in range(chunk * batch // chunks, (chunk + 1) * batch // chunks):
            for g in range(groups):
                _im2col(x, n, g * cg, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, col)
                np.dot(gy4[n, g], col.T, prod)
                partial[chunk, g] += prod
    return partial.sum(axis=0)


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = _geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    n = x.shape[0]
    cout, cg, kh, kw = w.shape
    x = np.ascontiguousarray(x)
    w3 = np.ascontiguousarray(w).reshape(groups, cout // groups, cg * kh * kw)
    out = np.empty((n, cout, ho, wo), x.dtype)
    _conv2d(x, w3, kh, kw, stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1],
            ho, wo, out.reshape(n, groups, cout // groups, ho * wo))
    return out


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its input, shape `x_shape`."""
    ho, wo = _geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    _check_gy("conv2d_grad_input", gy, x_shape[0], w.shape[0], ho, wo)
    n, cout = gy.shape[:2]
    _, cg, kh, kw = w.shape
    wt3 = np.ascontiguousarray(w.reshape(groups, cout // groups, cg * kh * kw).transpose(0, 2, 1))
    gy4 = np.ascontiguousarray(gy).reshape(n, groups, cout // groups, ho * wo)
    dx = np.zeros(tuple(x_shape), gy.dtype)
    _conv2d_grad_input(gy4, wt3, kh, kw, stride[0], stride[1], padding[0], padding[1],
                       dilation[0], dilation[1], ho, wo, dx)
    return dx


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = _geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    _check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    n, cout = gy.shape[:2]
    _, cg, kh, kw = w_shape
    gy4 = np.ascontiguousarray(gy).reshape(n, groups, cout // groups, ho * wo)
    chunks = max(1, min(n, get_num_threads()))
    dw = _conv2d_grad_weight(gy4, np.ascontiguousarray(x), kh, kw, stride[0], stride[1], padding[0],
                             padding[1], dilation[0], dilation[1], ho, wo, cg * kh * kw, chunks)
    return dw.reshape(tuple(w_shape))
