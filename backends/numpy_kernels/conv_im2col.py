"""The general convolution (any kernel, stride, padding, dilation, groups) by im2col on NCHW arrays.

Each chunk of the batch gets its column matrix (samples, groups, C_in/groups * kH * kW, Ho * Wo) in
one strided copy from the (zero-padded) NCHW input; every sample's product with the weights then
lands in NCHW order by itself, so neither the input nor the output is ever transposed. The chunks
keep the column matrix under the caller's workspace cap.

Small images would make those per-sample products too small for BLAS to run at speed, so below
WIDE_MAX_FLOP multiply-adds per sample the chunk's columns sit side by side instead, (groups,
C_in/groups * kH * kW, samples * Ho * Wo): one product per group, at the price of one transposing
copy of the (much smaller) output or output gradient.

Stride-1 layers whose padded rows are at most SHIFTED_MAX_WIDTH times the output's take their columns
as shifted rows: a tap (i, j) of a padded plane, read from offset i * Wp + j for Ho * Wp values, is
the tap's window for every output pixel plus Wp - Wo junk values at the end of each output row. So
each column row is one run of Ho * Wp contiguous values (the 2-D window copy moves runs of Wo), the
products compute Ho x Wp outputs, and the junk columns are dropped when the result is copied into
NCHW (the weight gradient multiplies an output gradient whose junk columns are zero). b64, ms, medians of the two
layouts alternating in one process (2-D windows / shifted rows): 16->16 3x3 32x32 pad 1, forward and
both gradients, 25.0 / 23.0; LeNet's first layer (1->6 5x5 pad 2), forward and weight gradient, 2.44 /
2.34; a 3->16 first layer 8.5 / 8.8; whole `cpu` training steps: CIFAR ResNet-20 354 / 335 and 482 /
435 (b128 899 / 803), ResNet-8 132 / 124, LeNet-5 9.30 / 9.22. LeNet's second layer (6->16 5x5 on
14x14, no padding: rows 1.4x the output's) forward 0.96 / 1.40, so wider rows keep the windows.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import thread_choice
from ..array_kernels.conv import batch_chunks, grouped_matmul, weight_rows

#: per-sample products below this many multiply-adds (per group) are batched into one wide product
WIDE_MAX_FLOP = 2 ** 21
#: stride-1 layers whose padded input rows are at most this many times the output rows take their
#: columns as shifted rows (the products' junk columns cost this much more; figures above)
SHIFTED_MAX_WIDTH = 1.25


def _padded(x, padding):
    """x with a zero border of `padding` (x itself when there is none)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def _columns(xpad, k, out_hw, stride, dilation, groups, wide=False):
    """The column matrix of a padded input, rows ordered (c, i, j): (N, groups, C_in/groups * kH * kW, Ho * Wo),
    or with `wide` (groups, C_in/groups * kH * kW, N * Ho * Wo)."""
    n, c = xpad.shape[:2]
    sn, sc, sh, sw = xpad.strides
    cg = c // groups
    shape = (n, groups, cg, k[0], k[1]) + tuple(out_hw)
    strides = (sn, sc * cg, sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1])
    order = (1, 2, 3, 4, 0, 5, 6) if wide else tuple(range(7))
    windows = as_strided(xpad, [shape[a] for a in order], [strides[a] for a in order], writeable=False)
    col = np.empty(windows.shape, xpad.dtype)
    np.copyto(col, windows)
    if wide:
        return col.reshape(groups, cg * k[0] * k[1], n * out_hw[0] * out_hw[1])
    return col.reshape(n, groups, cg * k[0] * k[1], out_hw[0] * out_hw[1])


def shifted_pitch(x_shape, out_hw, stride, padding):
    """The padded row width Wp when this layer takes shifted-row columns (stride 1, Wp at most
    SHIFTED_MAX_WIDTH * Wo), else None."""
    if tuple(stride) != (1, 1) or out_hw[1] == 0:
        return None
    pitch = x_shape[3] + 2 * padding[1]
    return pitch if pitch <= SHIFTED_MAX_WIDTH * out_hw[1] else None


def _padded_rows(x, padding):
    """x zero-padded by `padding`, with one more zero row at the bottom: the last taps' runs of
    shifted-row columns end up to kW - 1 values past the padded plane."""
    ph, pw = padding
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + 2 * ph + 1, w + 2 * pw), x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def _shifted_columns(xpad, k, out_h, dilation, groups, wide=False):
    """Shifted-row columns of an input padded by `_padded_rows`, rows ordered (c, i, j), each the Ho *
    Wp values from offset i * dilation * Wp + j * dilation of its plane: (N, groups, C_in/groups * kH *
    kW, Ho * Wp), or with `wide` (groups, C_in/groups * kH * kW, N * Ho * Wp)."""
    n, c = xpad.shape[:2]
    sn, sc, sh, sw = xpad.strides
    cg = c // groups
    run = out_h * xpad.shape[3]
    shape = (n, groups, cg, k[0], k[1], run)
    strides = (sn, sc * cg, sc, sh * dilation[0], sw * dilation[1], sw)
    order = (1, 2, 3, 4, 0, 5) if wide else tuple(range(6))
    windows = as_strided(xpad, [shape[a] for a in order], [strides[a] for a in order], writeable=False)
    col = np.empty(windows.shape, xpad.dtype)
    np.copyto(col, windows)
    if wide:
        return col.reshape(groups, cg * k[0] * k[1], n * run)
    return col.reshape(n, groups, cg * k[0] * k[1], run)


def is_wide(w_shape, out_hw, groups):
    """True when one sample's product is too small for BLAS and the batch goes into one wide product."""
    return w_shape[0] // groups * w_shape[1] * w_shape[2] * w_shape[3] * out_hw[0] * out_hw[1] < WIDE_MAX_FLOP


def bytes_per_sample(x_shape, w_shape, out_hw, padding, itemsize):
    """Memory one sample's step touches: its column matrix (or column gradient), padded input and
    output (or output gradient) rows."""
    c, h, w = x_shape[1:]
    return itemsize * ((c * w_shape[2] * w_shape[3] + w_shape[0]) * out_hw[0] * out_hw[1]
                       + c * (h + 2 * padding[0]) * (w + 2 * padding[1]))


def _shifted_bytes(x_shape, w_shape, out_h, pitch, padding, itemsize):
    """Memory one sample's step touches with shifted-row columns: columns, padded input, output rows."""
    c, h = x_shape[1], x_shape[2]
    return itemsize * ((c * w_shape[2] * w_shape[3] + w_shape[0]) * out_h * pitch
                       + c * (h + 2 * padding[0] + 1) * pitch)


def _column_layout(x_shape, w_shape, out_hw, stride, padding, dilation, groups, itemsize):
    """(row pitch of the columns, bytes one sample's step touches, columns(chunk, wide)) of a layer:
    shifted rows (pitch Wp) where `shifted_pitch` takes them, 2-D windows (pitch Wo) otherwise."""
    k = w_shape[2:]
    pitch = shifted_pitch(x_shape, out_hw, stride, padding)
    if pitch is None:
        return (out_hw[1], bytes_per_sample(x_shape, w_shape, out_hw, padding, itemsize),
                lambda xs, wide: _columns(_padded(xs, padding), k, out_hw, stride, dilation, groups, wide))
    return (pitch, _shifted_bytes(x_shape, w_shape, out_hw[0], pitch, padding, itemsize),
            lambda xs, wide: _shifted_columns(_padded_rows(xs, padding), k, out_hw[0], dilation, groups, wide))


def _gradient_rows(gy, groups, pitch, wide):
    """A chunk's output gradient (samples, C_out, Ho, Wo) laid out as its columns' products are:
    (samples, groups, C_out/groups, Ho * pitch), or with `wide` (groups, C_out/groups, samples * Ho *
    pitch), zero in the junk columns past Wo (a view when there are none and nothing moves)."""
    k, co, ho, wo = gy.shape
    g = gy.reshape(k, groups, co // groups, ho, wo)
    if wide:
        g = g.transpose(1, 2, 0, 3, 4)
    if pitch == wo:
        rows = np.ascontiguousarray(g)
    else:
        rows = np.zeros(g.shape[:4] + (pitch,), gy.dtype)
        rows[..., :wo] = g
    return rows.reshape(rows.shape[:2 if wide else 3] + (-1,))


def conv2d(x, w, out_hw, stride, padding, dilation, groups, cap):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    n, co = x.shape[0], w.shape[0]
    (ho, wo), cog = out_hw, co // groups
    pitch, per_sample, columns = _column_layout(x.shape, w.shape, out_hw, stride, padding, dilation, groups,
                                                x.itemsize)
    y = np.empty((n, groups, cog, ho, wo), x.dtype)
    rows = weight_rows(w, groups)
    wide = is_wide(w.shape, out_hw, groups)
    for part in batch_chunks(n, per_sample, cap):
        col = columns(x[part], wide)
        if wide:
            products = grouped_matmul(np, rows, col).reshape(groups, cog, -1, ho, pitch)   # samples third
            y[part] = products[..., :wo].transpose(2, 0, 1, 3, 4)
        elif pitch == wo:
            thread_choice.matmul(rows, col, out=y[part].reshape(-1, groups, cog, ho * wo))
        else:
            y[part] = thread_choice.matmul(rows, col).reshape(-1, groups, cog, ho, pitch)[..., :wo]
    return y.reshape(n, co, ho, wo)


#: up to this many output channels per group the weight gradient is computed transposed, col @ rows^T,
#: where the column rows are at least half the output channels (columns_left). One thread, ms, rows @ col^T
#: against col @ rows^T: b64 16ch 32x32 11.6 / 7.9, b128 25.0 / 16.6, 3->16 32x32 3.4 / 2.9, b128 3->32
#: 10.4 / 9.6, 16->32 stride 2 5.1 / 4.1, 64ch 8x8 8.3 / 7.5, LeNet's 6->16 1.5 / 1.2; at 128 channels a
#: tie (b16 128ch 28x28 stride 2 17.1 / 17.4), above it the other way (b8 256ch 14x14 28.9 / 39.8), and
#: so with 27 column rows against 64 channels (b128 3->64 32x32 20.7-21.7 / 22.0-22.9)
COLUMNS_LEFT_MAX_CHANNELS = 64


def columns_left(w_shape, groups):
    """True when the weight gradient's products are col @ rows^T (then transposed) rather than rows @ col^T:
    few output channels per group (COLUMNS_LEFT_MAX_CHANNELS), and column rows at least half as many."""
    channels = w_shape[0] // groups
    return channels <= COLUMNS_LEFT_MAX_CHANNELS and 2 * w_shape[1] * w_shape[2] * w_shape[3] >= channels


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups, cap):
    """Gradient of conv2d with respect to its weight, shape `w_shape` (with shifted-row columns, the
    output gradient's junk columns are zero, so they add nothing)."""
    n, co, ho, wo = gy.shape
    pitch, per_sample, columns = _column_layout(x.shape, w_shape, (ho, wo), stride, padding, dilation, groups,
                                                x.itemsize)
    gw = np.zeros((groups, co // groups, w_shape[1] * w_shape[2] * w_shape[3]), gy.dtype)
    wide = is_wide(w_shape, (ho, wo), groups)
    left = columns_left(w_shape, groups)
    gw_t = gw.transpose(0, 2, 1)
    for part in batch_chunks(n, per_sample, cap):
        col = columns(x[part], wide)
        rows = _gradient_rows(gy[part], groups, pitch, wide)
        if wide and left:
            gw_t += grouped_matmul(np, col, rows.transpose(0, 2, 1))
        elif wide:
            gw += grouped_matmul(np, rows, col.transpose(0, 2, 1))
        elif left:
            gw_t += thread_choice.matmul(col, rows.transpose(0, 1, 3, 2)).sum(axis=0)
        else:
            gw += thread_choice.matmul(rows, col.transpose(0, 1, 3, 2)).sum(axis=0)
    return gw.reshape(w_shape)


#: the forward-convolution form of the input gradient needs this many input channels (the rows of its
#: products): b64 3->16 32x32 took 8.8 ms that way against col2im's 1.9
FORWARD_GRAD_MIN_CHANNELS = 16


def as_forward_convolution(w_shape, stride, padding, dilation, groups):
    """True when the input gradient is best computed as a stride-1 convolution of the output gradient
    (stride 1, dilation 1, one group, padding below the kernel, enough input channels): one column copy
    and product, no col2im (b64 16ch 32x32: 5.5 ms against 8.3)."""
    kh, kw = w_shape[2:]
    return (tuple(stride) == (1, 1) and tuple(dilation) == (1, 1) and groups == 1
            and padding[0] < kh and padding[1] < kw and w_shape[1] >= FORWARD_GRAD_MIN_CHANNELS)


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups, cap, passes):
    """Gradient of conv2d with respect to its input, shape `x_shape`: for stride 1 the convolution of
    the output gradient with the flipped, transposed filters (padding k - 1 - p); otherwise column
    gradients summed back by passes.col2im_nchw."""
    n, c, h, wd = x_shape
    if as_forward_convolution(w.shape, stride, padding, dilation, groups):
        kh, kw = w.shape[2:]
        flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        return conv2d(gy, flipped, (h, wd), (1, 1), (kh - 1 - padding[0], kw - 1 - padding[1]), (1, 1), 1, cap)
    _, co, ho, wo = gy.shape
    kh, kw = w.shape[2:]
    rows_t = weight_rows(w, groups).transpose(0, 2, 1)          # (groups, Cg * kH * kW, C_out / groups)
    gy_rows = gy.reshape(n, groups, co // groups, ho * wo)
    gx = np.empty(tuple(x_shape), gy.dtype)
    wide = is_wide(w.shape, (ho, wo), groups)
    for part in batch_chunks(n, bytes_per_sample(x_shape, w.shape, (ho, wo), padding, gy.itemsize), cap):
        if wide:
            rows = np.ascontiguousarray(gy_rows[part].transpose(1, 2, 0, 3)).reshape(groups, co // groups, -1)
            gcol = grouped_matmul(np, rows_t, rows).reshape(c, kh, kw, -1, ho, wo).transpose(3, 0, 1, 2, 4, 5)
        else:
            gcol = thread_choice.matmul(rows_t, gy_rows[part]).reshape(-1, c, kh, kw, ho, wo)
        passes.col2im_nchw(gcol, (gcol.shape[0], c, h, wd), stride, padding, dilation, out=gx[part])
    return gx
