"""2-D convolution (cross-correlation) and its two gradients on the GPU: im2col and cuBLAS.

One gather kernel builds the column matrix (C * kH * kW, N * Ho * Wo) straight from the NCHW input,
reading zeros for the padding; every group is then one matrix product (cuBLAS). The input gradient
multiplies back into column space and one gather kernel (col2im) sums, for every input pixel, the
column entries it fed: no atomics, no zero-filled padded copy, one pass over memory each. Geometry,
argument checks and the grouped products are shared with the other devices (array_kernels/conv.py).
"""
import cupy

from ..array_kernels.conv import check_gy, column_grad, column_groups, geometry, grouped_matmul, output_rows
from . import conv_sources as sources

# The index arithmetic (six divisions per element) bounds these gathers, and 64-bit division costs
# several times 32-bit division on the GPU: arrays under 2**31 elements take the 32-bit kernels
# (im2col of a b256 64-channel 16x16 layer, 151 MB of columns: 0.32 ms with 64-bit indices on an H200).
_WIDE, _NARROW = "long long", "unsigned int"
_NARROW_LIMIT = 2 ** 31


def _kernels(body, params, outputs, name):
    return {index: cupy.ElementwiseKernel(params, outputs, body, f"{name}_{'i32' if index == _NARROW else 'i64'}",
                                          preamble=f"typedef {index} index_t;")
            for index in (_WIDE, _NARROW)}


_IM2COL = _kernels(sources.IM2COL, "raw T x, " + sources.GEOMETRY, "T col", "dg_im2col")
_COL2IM = _kernels(sources.COL2IM, "raw T gcol, " + sources.GEOMETRY, "T gx", "dg_col2im")
_SWAP_LEADING = _kernels(sources.SWAP_LEADING, sources.SWAP_PARAMS, "T dst", "dg_swap_leading")


def _index_type(*arrays):
    """The narrowest index type that addresses every element of `arrays`."""
    return _NARROW if max(a.size for a in arrays) < _NARROW_LIMIT else _WIDE


def _geometry_args(x_shape, k, ho, wo, stride, padding, dilation):
    n, c, h, w = x_shape
    return (n, c, h, w, ho, wo, k[0], k[1], stride[0], stride[1], padding[0], padding[1],
            dilation[0], dilation[1])


def _im2col(x, k, ho, wo, stride, padding, dilation):
    """The column matrix (C * kH * kW, N * Ho * Wo) of x (N, C, H, W), rows ordered (c, i, j)."""
    n, c = x.shape[:2]
    col = cupy.empty((c * k[0] * k[1], n * ho * wo), x.dtype)
    x = cupy.ascontiguousarray(x)
    _IM2COL[_index_type(x, col)](x, *_geometry_args(x.shape, k, ho, wo, stride, padding, dilation), col)
    return col


def _swap_leading(x, a, b, rest):
    """x viewed as (a, b, rest) with its two leading axes swapped, as a new contiguous (b, a, rest) array."""
    x = cupy.ascontiguousarray(x)
    out = cupy.empty((b, a, rest), x.dtype)
    _SWAP_LEADING[_index_type(x)](x, a, b, rest, out)
    return out


def _gy_rows(gy, groups):
    """gy (N, C_out, Ho, Wo) as (groups, C_out/groups, N * Ho * Wo), matching the column matrix."""
    n, co, ho, wo = gy.shape
    return _swap_leading(gy, n, co, ho * wo).reshape(groups, co // groups, n * ho * wo)


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    n, co = x.shape[0], w.shape[0]
    w = w.astype(x.dtype, copy=False)
    col = _im2col(x, w.shape[2:], ho, wo, stride, padding, dilation)
    y = output_rows(cupy, w, col, groups)
    return _swap_leading(y, co, n, ho * wo).reshape(n, co, ho, wo)


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    x = x.astype(gy.dtype, copy=False)
    col = _im2col(x, w_shape[2:], ho, wo, stride, padding, dilation)
    gw = grouped_matmul(cupy, _gy_rows(gy, groups), column_groups(col, groups).transpose(0, 2, 1))
    return gw.reshape(w_shape)


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""
    ho, wo = geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    n, c, h, wd = x_shape
    check_gy("conv2d_grad_input", gy, n, w.shape[0], ho, wo)
    kh, kw = w.shape[2:]
    w = w.astype(gy.dtype, copy=False)
    gcol = column_grad(cupy, w, _gy_rows(gy, groups), groups)   # (groups, Cg * kH * kW, N * Ho * Wo)
    gx = cupy.empty(tuple(x_shape), gy.dtype)
    gcol = cupy.ascontiguousarray(gcol)
    _COL2IM[_index_type(gcol, gx)](gcol, *_geometry_args(x_shape, (kh, kw), ho, wo, stride, padding, dilation), gx)
    return gx
