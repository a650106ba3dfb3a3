"""2-D convolution (cross-correlation) and its two gradients on the GPU: im2col and cuBLAS.

The same scheme as backends/numpy_kernels/conv.py: the input goes to a zero-padded channels-first,
batch-last (C, H, W, N) copy; the column matrix (C * kH * kW, Ho * Wo * N) is one strided view of
it made contiguous by one copy kernel; every group is one matrix product, all groups in one
batched cupy.matmul (cuBLAS). The input gradient accumulates the column gradient back with one
strided slice-add per kernel offset (col2im).
"""
import cupy
from cupy.lib.stride_tricks import as_strided

from ..numpy_kernels.conv import _check_gy, _geometry   # shape checks: the same messages on every device


def _to_chwn(x, padding):
    """x (N, C, H, W) as a contiguous (C, H + 2ph, W + 2pw, N) array with a zero border."""
    n, c, h, w = x.shape
    ph, pw = padding
    chwn = x.transpose(1, 2, 3, 0)
    if ph == 0 and pw == 0:
        return cupy.ascontiguousarray(chwn)
    out = cupy.zeros((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    out[:, ph:ph + h, pw:pw + w] = chwn
    return out


def _im2col(x, k, ho, wo, stride, padding, dilation):
    """The column matrix (C * kH * kW, Ho * Wo * N) of x (N, C, H, W), rows ordered (c, i, j)."""
    xp = _to_chwn(x, padding)
    c, n = xp.shape[0], xp.shape[3]
    sc, sh, sw, sn = xp.strides
    windows = as_strided(xp, (c, k[0], k[1], ho, wo, n),
                         (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1], sn))
    return cupy.ascontiguousarray(windows).reshape(c * k[0] * k[1], ho * wo * n)


def _gy_rows(gy, groups):
    """gy (N, C_out, Ho, Wo) as (groups, C_out/groups, Ho * Wo * N), matching the column matrix."""
    co = gy.shape[1]
    return cupy.ascontiguousarray(gy.transpose(1, 2, 3, 0)).reshape(groups, co // groups, -1)


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = _geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    n, co = x.shape[0], w.shape[0]
    w = w.astype(x.dtype, copy=False)
    col = _im2col(x, w.shape[2:], ho, wo, stride, padding, dilation)
    y = cupy.matmul(w.reshape(groups, co // groups, -1), col.reshape(groups, col.shape[0] // groups, -1))
    return cupy.ascontiguousarray(y.reshape(co, ho, wo, n).transpose(3, 0, 1, 2))


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = _geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    _check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    x = x.astype(gy.dtype, copy=False)
    col = _im2col(x, w_shape[2:], ho, wo, stride, padding, dilation)
    cols = col.reshape(groups, col.shape[0] // groups, -1)
    gw = cupy.matmul(_gy_rows(gy, groups), cols.transpose(0, 2, 1))
    return gw.reshape(w_shape)


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""
    ho, wo = _geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    n, c, h, wd = x_shape
    _check_gy("conv2d_grad_input", gy, n, w.shape[0], ho, wo)
    co, cg, kh, kw = w.shape
    w = w.astype(gy.dtype, copy=False)
    wg = w.reshape(groups, co // groups, cg * kh * kw)
    gcol = cupy.matmul(wg.transpose(0, 2, 1), _gy_rows(gy, groups))   # (groups, Cg * kH * kW, Ho * Wo * N)
    gcol = gcol.reshape(c, kh, kw, ho, wo, n)
    ph, pw = padding
    gxp = cupy.zeros((c, h + 2 * ph, wd + 2 * pw, n), gy.dtype)
    sh, sw = stride
    dh, dw = dilation
    for i in range(kh):
        rows = slice(i * dh, i * dh + (ho - 1) * sh + 1, sh)
        for j in range(kw):
            cols = slice(j * dw, j * dw + (wo - 1) * sw + 1, sw)
            target = gxp[:, rows, cols]          # a view: the add writes straight into gxp
            target += gcol[:, i, j]
    return cupy.ascontiguousarray(gxp[:, ph:ph + h, pw:pw + wd].transpose(3, 0, 1, 2))
