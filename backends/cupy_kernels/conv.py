"""2-D convolution (cross-correlation) and its two gradients on the GPU: im2col and cuBLAS.

One gather kernel builds the column matrix (C * kH * kW, N * Ho * Wo) straight from the NCHW input,
reading zeros for the padding; every group is then one matrix product (cuBLAS). The input gradient
multiplies back into column space and one gather kernel (col2im) sums, for every input pixel, the
column entries it fed: no atomics, no zero-filled padded copy, one pass over memory each. Geometry,
argument checks and the grouped products are shared with the other devices (array_kernels/conv.py).
"""
import cupy

from ..array_kernels.conv import check_gy, column_grad, column_groups, geometry, grouped_matmul, output_rows

_GEOMETRY = "int32 n, int32 c, int32 h, int32 w, int32 ho, int32 wo, int32 kh, int32 kw, " \
            "int32 sh, int32 sw, int32 ph, int32 pw, int32 dh, int32 dw"

#: col[(ch, ki, kj), (b, oh, ow)] = x[b, ch, oh * sh - ph + ki * dh, ow * sw - pw + kj * dw], or 0 outside
_IM2COL = cupy.ElementwiseKernel(
    "raw T x, " + _GEOMETRY, "T col",
    """
    ptrdiff_t t = i;
    const int ow = t % wo; t /= wo;
    const int oh = t % ho; t /= ho;
    const int b = t % n; t /= n;
    const int kj = t % kw; t /= kw;
    const int ki = t % kh;
    const int ch = t / kh;
    const int y = oh * sh - ph + ki * dh;
    const int xx = ow * sw - pw + kj * dw;
    col = (y >= 0 && y < h && xx >= 0 && xx < w) ? x[(((ptrdiff_t)b * c + ch) * h + y) * w + xx] : (T)0;
    """, "dg_im2col")

#: gx[b, ch, y, xx] = sum of gcol[(ch, ki, kj), (b, oh, ow)] over the windows (oh, ow) that read it
_COL2IM = cupy.ElementwiseKernel(
    "raw T gcol, " + _GEOMETRY, "T gx",
    """
    ptrdiff_t t = i;
    const int xx = t % w; t /= w;
    const int y = t % h; t /= h;
    const int ch = t % c;
    const int b = t / c;
    const ptrdiff_t plane = (ptrdiff_t)ho * wo;
    typedef decltype(T() + 0.0f) acc_t;   // float for float16, double for double
    acc_t acc = 0;
    for (int ki = 0; ki < kh; ++ki) {
        const int dy = y + ph - ki * dh;
        if (dy < 0 || dy % sh != 0 || dy / sh >= ho) continue;
        for (int kj = 0; kj < kw; ++kj) {
            const int dx = xx + pw - kj * dw;
            if (dx < 0 || dx % sw != 0 || dx / sw >= wo) continue;
            const ptrdiff_t row = ((ptrdiff_t)ch * kh + ki) * kw + kj;
            acc += (acc_t)gcol[(row * n + b) * plane + (dy / sh) * wo + dx / sw];
        }
    }
    gx = (T)acc;
    """, "dg_col2im")


def _geometry_args(x_shape, k, ho, wo, stride, padding, dilation):
    n, c, h, w = x_shape
    return (n, c, h, w, ho, wo, k[0], k[1], stride[0], stride[1], padding[0], padding[1],
            dilation[0], dilation[1])


def _im2col(x, k, ho, wo, stride, padding, dilation):
    """The column matrix (C * kH * kW, N * Ho * Wo) of x (N, C, H, W), rows ordered (c, i, j)."""
    n, c = x.shape[:2]
    col = cupy.empty((c * k[0] * k[1], n * ho * wo), x.dtype)
    _IM2COL(cupy.ascontiguousarray(x), *_geometry_args(x.shape, k, ho, wo, stride, padding, dilation), col)
    return col


def _gy_rows(gy, groups):
    """gy (N, C_out, Ho, Wo) as (groups, C_out/groups, N * Ho * Wo), matching the column matrix."""
    n, co = gy.shape[:2]
    return cupy.ascontiguousarray(gy.reshape(n, co, -1).transpose(1, 0, 2)).reshape(groups, co // groups, -1)


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    n, co = x.shape[0], w.shape[0]
    w = w.astype(x.dtype, copy=False)
    col = _im2col(x, w.shape[2:], ho, wo, stride, padding, dilation)
    y = output_rows(cupy, w, col, groups)
    return cupy.ascontiguousarray(y.reshape(co, n, ho, wo).transpose(1, 0, 2, 3))


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
    _COL2IM(cupy.ascontiguousarray(gcol), *_geometry_args(x_shape, (kh, kw), ho, wo, stride, padding, dilation), gx)
    return gx
