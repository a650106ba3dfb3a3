"""2-D convolution (cross-correlation) and its two gradients on the CPU, each by the algorithm that suits
the shape (conv_choice.py says which and why): pointwise products for 1x1 filters, shifted
multiply-adds for depthwise filters, compiled direct convolutions where a device has them (`numba`),
Winograd F(4x4, 3x3) (or F(2x2, 3x3) for dtypes other than float32/float64) for large 3x3 stride-1
layers, the taps' products first for layers with few output channels, im2col otherwise (in a batch-last
layout for small convolutions).

Every algorithm reads and writes NCHW arrays as they are (no layout changes), and works through the
batch in chunks whose buffers stay under conv_choice.WORKSPACE_BYTES (im2col's: cache-sized). Geometry
and argument checks are shared with the other devices (array_kernels/conv.py). The passes over memory
around the BLAS products come from a `passes` object (conv_passes.py): NumPy's here, compiled ones on
`numba`.
"""
import numpy as np

from ..array_kernels import conv_pointwise as pointwise
from ..array_kernels.conv import check_gy, geometry
from ..array_kernels.conv_depthwise import is_depthwise
from . import conv_choice, conv_im2col, conv_im2col_chwn, conv_tap_products, conv_winograd
from .conv_passes import NUMPY_PASSES


def _per_group(direction, x_shape, w_shape, out_hw, stride, padding, dilation, groups, dtype, passes):
    """True when a grouped (not depthwise) convolution runs as one convolution per group: where the
    device's rule gives one group's shape a compiled kernel (direct, Winograd) rather than im2col,
    which handles the groups of a layer together (b16 64ch 28x28 in 4 groups, numba: 3x PyTorch's
    time through im2col)."""
    if groups == 1 or is_depthwise(x_shape, w_shape, groups) or getattr(passes, "direct_applies", None) is None:
        return False
    one_x = (x_shape[0], x_shape[1] // groups) + tuple(x_shape[2:])
    one_w = (w_shape[0] // groups,) + tuple(w_shape[1:])
    names = conv_choice.applicable(direction, one_x, one_w, stride, padding, dilation, 1, passes, dtype)
    pick = conv_choice.heuristic(names, one_x, one_w, out_hw, dtype.itemsize, direction, passes, tuple(stride),
                                 tuple(dilation))
    return pick not in ("im2col", "im2col_chwn", "pointwise", "tap_products")


def _slices(total, groups):
    size = total // groups
    return [slice(g * size, (g + 1) * size) for g in range(groups)]


def _tile_workspace(scheme):
    """The bytes of tiles one F(4x4) chunk of the batch may take: the scheme's `chunk_bytes` (the cpu
    device's cache-sized chunks), or the whole conv workspace where that is None (`numba`, whose products
    split over the threads gain from large chunks); never above the workspace."""
    cap = scheme.chunk_bytes
    return conv_choice.WORKSPACE_BYTES if cap is None else min(conv_choice.WORKSPACE_BYTES, cap)


def _on_stacks(passes, fn, *args):
    """fn(*args, matmul=...) with the device's product of stacks, its context held (passes.stack_products)."""
    held, matmul = passes.stack_products()
    with held:
        return fn(*args, matmul=matmul)


def conv2d(x, w, stride, padding, dilation, groups, passes=NUMPY_PASSES):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    if _per_group("forward", x.shape, w.shape, (ho, wo), stride, padding, dilation, groups, x.dtype, passes):
        return np.concatenate([conv2d(x[:, xs], w[ws], stride, padding, dilation, 1, passes)
                               for xs, ws in zip(_slices(x.shape[1], groups), _slices(w.shape[0], groups))], axis=1)
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w, dtype=x.dtype)
    run = {
        "pointwise": lambda: _on_stacks(passes, pointwise.conv2d, np, x, w, stride, groups),
        "depthwise": lambda: passes.depthwise_conv2d(x, w, (ho, wo), stride, padding, dilation),
        "direct": lambda: passes.direct_conv2d(x, w, (ho, wo), stride, padding, dilation),
        "winograd": lambda: conv_winograd.forward(x, w, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.forward(x, w, padding, passes.winograd4,
                                                    workspace=_tile_workspace(passes.winograd4)),
        "tap_products": lambda: conv_tap_products.conv2d(x, w, (ho, wo), stride, padding, dilation),
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
    if _per_group("grad_weight", x.shape, w_shape, (ho, wo), stride, padding, dilation, groups, gy.dtype, passes):
        one_w = (w_shape[0] // groups,) + tuple(w_shape[1:])
        return np.concatenate([conv2d_grad_weight(gy[:, ws], x[:, xs], one_w, stride, padding, dilation, 1, passes)
                               for xs, ws in zip(_slices(x.shape[1], groups), _slices(w_shape[0], groups))], axis=0)
    gy = np.ascontiguousarray(gy)
    x = np.ascontiguousarray(x, dtype=gy.dtype)
    w_shape = tuple(w_shape)
    run = {
        "pointwise": lambda: _on_stacks(passes, pointwise.conv2d_grad_weight, np, gy, x, w_shape, stride, groups),
        "depthwise": lambda: passes.depthwise_grad_weight(gy, x, w_shape, stride, padding, dilation),
        "direct": lambda: passes.direct_grad_weight(gy, x, w_shape, stride, padding, dilation),
        "winograd": lambda: conv_winograd.grad_weight(gy, x, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.grad_weight(gy, x, padding, passes.winograd4,
                                                        _tile_workspace(passes.winograd4)),
        "tap_products": lambda: conv_tap_products.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation),
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
    if _per_group("grad_input", x_shape, w.shape, (ho, wo), stride, padding, dilation, groups, gy.dtype, passes):
        one_x = (x_shape[0], x_shape[1] // groups) + tuple(x_shape[2:])
        return np.concatenate([conv2d_grad_input(gy[:, ws], w[ws], one_x, stride, padding, dilation, 1, passes)
                               for ws in _slices(w.shape[0], groups)], axis=1)
    gy = np.ascontiguousarray(gy)
    w = np.ascontiguousarray(w, dtype=gy.dtype)
    x_shape = tuple(x_shape)
    run = {
        "pointwise": lambda: _on_stacks(passes, pointwise.conv2d_grad_input, np, gy, w, x_shape, stride, groups),
        "depthwise": lambda: passes.depthwise_grad_input(gy, w, x_shape, stride, padding, dilation),
        "direct": lambda: passes.direct_grad_input(gy, w, x_shape, stride, padding, dilation),
        "winograd": lambda: conv_winograd.grad_input(gy, w, padding, conv_winograd.minimal2(passes)),
        "winograd4": lambda: conv_winograd.grad_input(gy, w, padding, passes.winograd4,
                                                       _tile_workspace(passes.winograd4)),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation,
                                                                  groups, passes),
        "im2col": lambda: conv_im2col.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups,
                                                        conv_choice.im2col_chunk_bytes(), passes),
    }
    name, gx = conv_choice.choose("grad_input", lambda n: run[n](), x_shape, w.shape, (ho, wo), stride, padding,
                                  dilation, groups, gy.dtype, passes)
    return run[name]() if gx is None else gx
