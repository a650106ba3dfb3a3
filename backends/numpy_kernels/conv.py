"""2-D convolution (cross-correlation) and its two gradients by im2col and one batched matrix product.

The kernels work in a channels-first, batch-last layout (C, H, W, N): every window row the im2col
copy and the col2im accumulation touch is then one contiguous run of Wo * N values (N values with
a stride above 1), where NCHW would give runs of only Wo. The matrix products see one
(K, Ho * Wo * N) column matrix, so each group is a single large BLAS call, and all groups go in one
batched np.matmul. Converting NCHW <-> CHWN costs one transposing copy of the input/output, far
less than the column matrix itself.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def _out_size(size, kernel, stride, padding, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _geometry(op, x_shape, w_shape, stride, padding, dilation, groups):
    """Check shapes and arguments; return (Ho, Wo)."""
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise ValueError(f"{op}: expects input (N, C_in, H, W) and weight (C_out, C_in/groups, kH, kW); "
                         f"got input shape {tuple(x_shape)} and weight shape {tuple(w_shape)}")
    if groups < 1 or x_shape[1] != w_shape[1] * groups or w_shape[0] % groups:
        raise ValueError(f"{op}: input shape {tuple(x_shape)} and weight shape {tuple(w_shape)} do not fit "
                         f"groups={groups}: need C_in == weight.shape[1] * groups and C_out divisible by groups")
    if min(stride) < 1 or min(dilation) < 1 or min(padding) < 0:
        raise ValueError(f"{op}: stride {stride} and dilation {dilation} must be >= 1 and padding {padding} >= 0")
    ho = _out_size(x_shape[2], w_shape[2], stride[0], padding[0], dilation[0])
    wo = _out_size(x_shape[3], w_shape[3], stride[1], padding[1], dilation[1])
    if ho < 1 or wo < 1:
        raise ValueError(f"{op}: kernel {tuple(w_shape[2:])} with dilation {dilation} is larger than the padded "
                         f"input {x_shape[2] + 2 * padding[0]}x{x_shape[3] + 2 * padding[1]} "
                         f"(input shape {tuple(x_shape)}, padding {padding}); pad more or use a smaller kernel")
    return ho, wo


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
    xp = _to_chwn(x, padding)
    c, n = xp.shape[0], xp.shape[3]
    if tuple(k) == (1, 1) and tuple(stride) == (1, 1):
        return xp.reshape(c, ho * wo * n)   # a 1x1 kernel's windows are the (fresh) input itself
    sc, sh, sw, sn = xp.strides
    windows = as_strided(xp, (c, k[0], k[1], ho, wo, n),
                         (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1], sn),
                         writeable=False)
    col = np.empty(windows.shape, x.dtype)
    np.copyto(col, windows)
    return col.reshape(c * k[0] * k[1], ho * wo * n)


def _gy_rows(gy, groups):
    """gy (N, C_out, Ho, Wo) as (groups, C_out/groups, Ho * Wo * N), matching the column matrix."""
    n, co = gy.shape[:2]
    return np.ascontiguousarray(gy.transpose(1, 2, 3, 0)).reshape(groups, co // groups, -1)


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = _geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    n, co = x.shape[0], w.shape[0]
    w = w.astype(x.dtype, copy=False)
    col = _im2col(x, w.shape[2:], ho, wo, stride, padding, dilation)
    y = np.matmul(w.reshape(groups, co // groups, -1), col.reshape(groups, col.shape[0] // groups, -1))
    return np.ascontiguousarray(y.reshape(co, ho, wo, n).transpose(3, 0, 1, 2))


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = _geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    _check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    x = x.astype(gy.dtype, copy=False)
    col = _im2col(x, w_shape[2:], ho, wo, stride, padding, dilation)
    cols = col.reshape(groups, col.shape[0] // groups, -1)
    # (col @ gy^T)^T: BLAS runs this orientation of the long inner product faster than gy @ col^T
    gw_t = np.matmul(cols, _gy_rows(gy, groups).transpose(0, 2, 1))
    return np.ascontiguousarray(gw_t.transpose(0, 2, 1)).reshape(w_shape)


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""
    ho, wo = _geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    n, c, h, wd = x_shape
    _check_gy("conv2d_grad_input", gy, n, w.shape[0], ho, wo)
    co, cg, kh, kw = w.shape
    w = w.astype(gy.dtype, copy=False)
    wg = w.reshape(groups, co // groups, cg * kh * kw)
    gcol = np.matmul(wg.transpose(0, 2, 1), _gy_rows(gy, groups))   # (groups, Cg * kH * kW, Ho * Wo * N)
    gcol = gcol.reshape(c, kh, kw, ho, wo, n)
    ph, pw = padding
    gxp = np.zeros((c, h + 2 * ph, wd + 2 * pw, n), gy.dtype)
    sh, sw = stride
    dh, dw = dilation
    for i in range(kh):
        rows = slice(i * dh, i * dh + (ho - 1) * sh + 1, sh)
        for j in range(kw):
            gxp[:, rows, j * dw:j * dw + (wo - 1) * sw + 1:sw] += gcol[:, i, j]
    return np.ascontiguousarray(gxp[:, ph:ph + h, pw:pw + wd].transpose(3, 0, 1, 2))


def _check_gy(op, gy, n, co, ho, wo):
    if gy.shape != (n, co, ho, wo):
        raise ValueError(f"{op}: output gradient has shape {tuple(gy.shape)}, expected {(n, co, ho, wo)} "
                         f"(the shape conv2d returns for these input/weight shapes and arguments)")
