"""2-D convolution (cross-correlation) and its two gradients on the CPU, each by the algorithm that suits
the shape (conv_choice.py says which and why): pointwise products for 1x1 filters, shifted
multiply-adds for depthwise filters, compiled direct convolutions where a device has them (`numba`),
Winograd F(2x2, 3x3) or, on `numba`, F(4x4, 3x3) for 3x3 stride-1 filters, im2col otherwise (in a
batch-last layout for small convolutions).

Every algorithm reads and writes NCHW arrays as they are (no layout changes), and works through the
batch in chunks whose buffers stay under conv_choice.WORKSPACE_BYTES (im2col's: cache-sized). Geometry
and argument checks are shared with the other devices (array_kernels/conv.py). The passes over memory
around the BLAS products come from a `passes` object (conv_passes.py): NumPy's here, compiled ones on
`numba`.
"""
import numpy as np

from ..array_kernels import conv_pointwise as pointwise
from ..array_kernels.conv import check_gy, geometry
from . import conv_choice, conv_im2col, conv_im2col_chwn, conv_winograd
from .conv_passes import NUMPY_PASSES


def conv2d(x, w, stride, padding, dilation, groups, passes=NUMPY_PASSES):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w, dtype=x.dtype)
    run = {
        "pointwise": lambda: pointwise.conv2d(np, x, w, stride, groups),
        "depthwise": lambda: passes.depthwise_conv2d(x, w, (ho, wo), stride, padding, dilation),
        "direct": lambda: passes.direct_conv2d(x, w, (ho, wo), stride, padding),
        "winograd": lambda: conv_winograd.forward(x, w, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.forward(x, w, padding, passes.winograd4),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d(x, w, (ho, wo), stride, padding, dilation, groups),
        "im2col": lambda: conv_im2col.conv2d(x, w, (ho, wo), stride, padding, dilation, groups,
                                             conv_choice.im2col_chunk_bytes()),
    }
    name, y = conv_choice.choose("forward", lambda n: run[n](), x.shape, w.shape, (ho, wo), stride, padding,
                                  dilation, groups, x.dtype, passes)
    return run[name]() if y is None else y


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups, passes=NUMPY_PASSES):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    gy = np.ascontiguousarray(gy)
    x = np.ascontiguousarray(x, dtype=gy.dtype)
    w_shape = tuple(w_shape)
    run = {
        "pointwise": lambda: pointwise.conv2d_grad_weight(np, gy, x, w_shape, stride, groups),
        "depthwise": lambda: passes.depthwise_grad_weight(gy, x, w_shape, stride, padding, dilation),
        "direct": lambda: passes.direct_grad_weight(gy, x, w_shape, stride, padding),
        "winograd": lambda: conv_winograd.grad_weight(gy, x, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.grad_weight(gy, x, padding, passes.winograd4),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation,
                                                                   groups),
        "im2col": lambda: conv_im2col.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups,
                                                         conv_choice.im2col_chunk_bytes()),
    }
    name, gw = conv_choice.choose("grad_weight", lambda n: run[n](), x.shape, w_shape, (ho, wo), stride, padding,
                                  dilation, groups, gy.dtype, passes)
    return run[name]() if gw is None else gw


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups, passes=NUMPY_PASSES):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""
    ho, wo = geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    check_gy("conv2d_grad_input", gy, x_shape[0], w.shape[0], ho, wo)
    gy = np.ascontiguousarray(gy)
    w = np.ascontiguousarray(w, dtype=gy.dtype)
    x_shape = tuple(x_shape)
    run = {
        "pointwise": lambda: pointwise.conv2d_grad_input(np, gy, w, x_shape, stride, groups),
        "depthwise": lambda: passes.depthwise_grad_input(gy, w, x_shape, stride, padding, dilation),
        "direct": lambda: passes.direct_grad_input(gy, w, x_shape, stride, padding),
        "winograd": lambda: conv_winograd.grad_input(gy, w, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.grad_input(gy, w, padding, passes.winograd4),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation,
                                                                  groups, passes),
        "im2col": lambda: conv_im2col.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups,
                                                        conv_choice.im2col_chunk_bytes(), passes),
    }
    name, gx = conv_choice.choose("grad_input", lambda n: run[n](), x_shape, w.shape, (ho, wo), stride, padding,
                                  dilation, groups, gy.dtype, passes)
    return run[name]() if gx is None else gx
