"""1x1 convolutions (no padding; any stride and groups) as matrix products on the NCHW arrays, over `xp`.

A 1x1 convolution multiplies every pixel's channel vector by the (C_out, C_in) weight matrix, so
each sample is one product (C_out, C_in) x (C_in, H * W) that reads the input and writes the output
in place: no column matrix, no transposes. A stride only picks every s-th pixel first. `matmul`
(default: xp's, for NumPy the one that picks its BLAS thread count) is the product of stacks to use:
the `numba` device splits the per-sample products over its own threads (backends/split_products.py).
"""
from ..products import matmul_for
from .conv import weight_rows


def _picked(xp, x, stride):
    """The pixels a strided 1x1 convolution reads, as a contiguous (N, C, Ho, Wo) array (x itself for stride 1)."""
    if tuple(stride) == (1, 1):
        return x
    return xp.ascontiguousarray(x[:, :, ::stride[0], ::stride[1]])


def conv2d(xp, x, w, stride, groups, matmul=None):
    """Cross-correlation of x (N, C_in, H, W) with 1x1 filters w (C_out, C_in/groups, 1, 1) -> (N, C_out, Ho, Wo)."""
    x = _picked(xp, x, stride)
    n, c, ho, wo = x.shape
    co = w.shape[0]
    y = xp.empty((n, groups, co // groups, ho * wo), x.dtype)
    (matmul or matmul_for(xp))(weight_rows(w, groups), x.reshape(n, groups, c // groups, ho * wo), out=y)
    return y.reshape(n, co, ho, wo)


def conv2d_grad_input(xp, gy, w, x_shape, stride, groups, matmul=None):
    """Gradient of the 1x1 convolution with respect to its input, shape `x_shape`."""
    n, co, ho, wo = gy.shape
    c = x_shape[1]
    picked = xp.empty((n, groups, c // groups, ho * wo), gy.dtype)
    (matmul or matmul_for(xp))(weight_rows(w, groups).transpose(0, 2, 1), gy.reshape(n, groups, co // groups, ho * wo),
                               out=picked)
    picked = picked.reshape(n, c, ho, wo)
    if tuple(stride) == (1, 1):
        return picked
    gx = xp.zeros(tuple(x_shape), gy.dtype)
    gx[:, :, ::stride[0], ::stride[1]] = picked
    return gx


def conv2d_grad_weight(xp, gy, x, w_shape, stride, groups, matmul=None):
    """Gradient of the 1x1 convolution with respect to its weight, shape `w_shape`."""
    x = _picked(xp, x, stride)
    n, c, ho, wo = x.shape
    co = gy.shape[1]
    per_sample = (matmul or matmul_for(xp))(gy.reshape(n, groups, co // groups, ho * wo),
                                            x.reshape(n, groups, c // groups, ho * wo).transpose(0, 1, 3, 2))
    return per_sample.sum(axis=0).reshape(w_shape)
