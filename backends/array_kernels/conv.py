"""What the im2col convolutions of every device share: output geometry and argument checks, and the
grouped matrix products between weights and column matrices, written once over the array module `xp`.

Each device builds its own column matrix (its layout is the device's choice); the products only
need it as (C_in * kH * kW, L) with rows ordered (c, i, j), and the output gradient as
(groups, C_out / groups, L) with the same column order L.
"""
import numpy as np

from ..products import matmul_for


def _out_size(size, kernel, stride, padding, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def geometry(op, x_shape, w_shape, stride, padding, dilation, groups):
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


def check_gy(op, gy, n, co, ho, wo):
    """ValueError unless the output gradient has the shape (N, C_out, Ho, Wo) conv2d returns."""
    if gy.shape != (n, co, ho, wo):
        raise ValueError(f"{op}: output gradient has shape {tuple(gy.shape)}, expected {(n, co, ho, wo)} "
                         f"(the shape conv2d returns for these input/weight shapes and arguments)")


def grouped_matmul(xp, a, b):
    """a @ b for stacks of `groups` matrices; a plain 2-D product (no batching) when there is one group.
    Host products choose their BLAS thread count by size (backends/thread_choice.py)."""
    matmul = matmul_for(xp)
    if a.shape[0] == 1:
        return matmul(a[0], b[0])[None]
    return matmul(a, b)


def weight_rows(w, groups):
    """w (C_out, C_in / groups, kH, kW) as its groups' matrices (groups, C_out / groups, C_in / groups * kH * kW)."""
    co, cg, kh, kw = w.shape
    return w.reshape(groups, co // groups, cg * kh * kw)


def column_groups(col, groups):
    """A column matrix (C_in * kH * kW, L) as its groups' matrices (groups, C_in / groups * kH * kW, L)."""
    return col.reshape(groups, col.shape[0] // groups, col.shape[1])


def output_rows(xp, w, col, groups):
    """The convolution as products, (groups, C_out / groups, L): each group's weights times its columns."""
    return grouped_matmul(xp, weight_rows(w, groups), column_groups(col, groups))


def column_grad(xp, w, gy_rows, groups):
    """The gradient of the column matrix, (groups, C_in / groups * kH * kW, L), from the output
    gradient's rows gy_rows (groups, C_out / groups, L)."""
    return grouped_matmul(xp, weight_rows(w, groups).transpose(0, 2, 1), gy_rows)


def batch_chunks(n, per_sample_bytes, cap_bytes):
    """Slices of the batch 0..n, each as many samples as keep `per_sample_bytes` each within `cap_bytes`
    (at least one sample per slice)."""
    size = max(1, min(n, cap_bytes // max(1, per_sample_bytes)))
    return [slice(start, min(n, start + size)) for start in range(0, n, size)]
