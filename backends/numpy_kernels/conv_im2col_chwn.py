"""im2col in a channels-first, batch-last layout (C, H, W, N), for small convolutions (LeNet's).

Every window row the im2col copy and the col2im accumulation touch is one contiguous run of
Wo * N values (N values with a stride above 1), and the products see one (K, Ho * Wo * N) column
matrix, so each group is a single BLAS call. Converting NCHW <-> CHWN costs a transposing copy of
the input and output each: cheap while everything fits in cache, which is when conv_choice picks
this layout; larger convolutions use the NCHW im2col (conv_im2col.py), which needs no transposes.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..array_kernels.conv import column_grad, column_groups, grouped_matmul, output_rows


def _to_chwn(x, padding):
    """x (N, C, H, W) as a contiguous (C, H + 2ph, W + 2pw, N) array with a zero border."""
    n, c, h, w = x.shape
    ph, pw = padding
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(x.transpose(1, 2, 3, 0))
    out = np.empty((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    out[:, :ph] = 0
    out[:, ph + h:] = 0
    out[:, ph:ph + h, :pw] = 0
    out[:, ph:ph + h, pw + w:] = 0
    out[:, ph:ph + h, pw:pw + w] = x.transpose(1, 2, 3, 0)
    return out


def _im2col(x, k, ho, wo, stride, padding, dilation):
    """The column matrix (C * kH * kW, Ho * Wo * N) of x (N, C, H, W), rows ordered (c, i, j)."""
    x_chwn = _to_chwn(x, padding)
    c, n = x_chwn.shape[0], x_chwn.shape[3]
    if tuple(k) == (1, 1) and tuple(stride) == (1, 1):
        return x_chwn.reshape(c, ho * wo * n)   # a 1x1 kernel's windows are the (fresh) input itself
    sc, sh, sw, sn = x_chwn.strides
    windows = as_strided(x_chwn, (c, k[0], k[1], ho, wo, n),
                         (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1], sn),
                         writeable=False)
    col = np.empty(windows.shape, x.dtype)
    np.copyto(col, windows)
    return col.reshape(c * k[0] * k[1], ho * wo * n)


def _gy_rows(gy, groups):
    """gy (N, C_out, Ho, Wo) as (groups, C_out/groups, Ho * Wo * N), matching the column matrix."""
    n, co = gy.shape[:2]
    return np.ascontiguousarray(gy.transpose(1, 2, 3, 0)).reshape(groups, co // groups, -1)


def conv2d(x, w, out_hw, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = out_hw
    n, co = x.shape[0], w.shape[0]
    col = _im2col(x, w.shape[2:], ho, wo, stride, padding, dilation)
    y = output_rows(np, w, col, groups)
    return np.ascontiguousarray(y.reshape(co, ho, wo, n).transpose(3, 0, 1, 2))


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = gy.shape[2:]
    col = column_groups(_im2col(x, w_shape[2:], ho, wo, stride, padding, dilation), groups)
    rows = _gy_rows(gy, groups)
    if 2 * rows.shape[2] <= col.shape[1]:
        # an inner product (Ho * Wo * N) at most half the column rows (ResNet-18's 2x2 to 8x8 stages): gy @ col^T
        # gives the weight's layout directly, where (col @ gy^T)^T spent longer in the product and in its
        # transposing copy (one thread, ms: b8 512ch 2x2 18.8 / 2.7, 256ch 4x4 6.0 / 2.2, 128ch 8x8 2.7 / 1.9)
        return grouped_matmul(np, rows, col.transpose(0, 2, 1)).reshape(w_shape)
    # a longer inner product (LeNet's b64 14x14: 0.70 / 0.90 ms, b8 64ch 8x8: 0.54 / 0.62): BLAS runs
    # (col @ gy^T)^T faster than gy @ col^T
    gw_t = grouped_matmul(np, col, rows.transpose(0, 2, 1))
    return np.ascontiguousarray(gw_t.transpose(0, 2, 1)).reshape(w_shape)


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups, passes):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution);
    passes.col2im_chwn sums the column gradient back."""
    ho, wo = gy.shape[2:]
    c = x_shape[1]
    kh, kw = w.shape[2:]
    gcol = column_grad(np, w, _gy_rows(gy, groups), groups)   # (groups, Cg * kH * kW, Ho * Wo * N)
    return passes.col2im_chwn(gcol.reshape(c, kh, kw, ho, wo, x_shape[0]), x_shape, stride, padding, dilation)
