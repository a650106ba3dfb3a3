"""2-D convolution (cross-correlation) and its two gradients on the CPU, each by the algorithm that suits
the shape (conv_choice.py says which and why): pointwise products for 1x1 filters, shifted
multiply-adds for depthwise filters, Winograd F(2x2, 3x3) for 3x3 stride-1 filters, im2col otherwise
(in a batch-last layout for small convolutions).

Every algorithm reads and writes NCHW arrays as they are (no layout changes), and works through the
batch in chunks whose buffers stay under conv_choice.WORKSPACE_BYTES. Geometry and argument checks
are shared with the other devices (array_kernels/conv.py).
"""
from functools import partial

import numpy as np

from ..array_kernels import conv_depthwise as depthwise
from ..array_kernels import conv_pointwise as pointwise
from ..array_kernels import conv_winograd as winograd
from ..array_kernels.conv import batch_chunks, check_gy, geometry
from . import conv_choice, conv_im2col, conv_im2col_chwn


def _depthwise_by_chunks(kernel, batched, whole, *args):
    """kernel(*batched parts, *args) over batch chunks whose input fits in the CPU's L2 cache (the taps
    reread it kH * kW times); results concatenated, or summed when `whole` (the weight gradient)."""
    first = batched[0]
    per_sample = first[0].size * first.itemsize
    parts = batch_chunks(first.shape[0], per_sample, conv_choice.DEPTHWISE_CHUNK_BYTES)
    results = [kernel(np, *(a[part] for a in batched), *args) for part in parts]
    if whole:
        return sum(results[1:], results[0])
    return results[0] if len(results) == 1 else np.concatenate(results)


def _winograd_forward(x, w, padding, u=None):
    n, co = x.shape[0], w.shape[0]
    ho, wo = x.shape[2] + 2 * padding[0] - 2, x.shape[3] + 2 * padding[1] - 2
    u = winograd.filter_tiles(np, w) if u is None else u
    y = np.empty((n, co, ho, wo), x.dtype)
    per_sample = winograd.bytes_per_sample(x.shape, co, padding, x.itemsize)
    for part in batch_chunks(n, per_sample, conv_choice.WORKSPACE_BYTES):
        winograd.conv3x3(np, x[part], w, padding, out=y[part], u=u)
    return y


def _winograd_grad_weight(gy, x, padding):
    per_sample = winograd.bytes_per_sample(x.shape, gy.shape[1], padding, x.itemsize)
    parts = batch_chunks(x.shape[0], per_sample, conv_choice.WORKSPACE_BYTES)
    gw = winograd.conv3x3_grad_weight(np, gy[parts[0]], x[parts[0]], padding)
    for part in parts[1:]:
        gw += winograd.conv3x3_grad_weight(np, gy[part], x[part], padding)
    return gw


def conv2d(x, w, stride, padding, dilation, groups):
    """Cross-correlation of x (N, C_in, H, W) with w (C_out, C_in/groups, kH, kW) -> (N, C_out, Ho, Wo)."""
    ho, wo = geometry("conv2d", x.shape, w.shape, stride, padding, dilation, groups)
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w, dtype=x.dtype)
    run = {
        "pointwise": lambda: pointwise.conv2d(np, x, w, stride, groups),
        "depthwise": lambda: _depthwise_by_chunks(depthwise.conv2d, (x,), False, w, (ho, wo), stride, padding,
                                                 dilation),
        "winograd": lambda: _winograd_forward(x, w, padding),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d(x, w, (ho, wo), stride, padding, dilation, groups),
        "im2col": lambda: conv_im2col.conv2d(x, w, (ho, wo), stride, padding, dilation, groups,
                                             conv_choice.WORKSPACE_BYTES),
    }
    name, y = conv_choice.choose("forward", lambda n: run[n](), x.shape, w.shape, (ho, wo), stride, padding,
                                  dilation, groups, x.dtype)
    return run[name]() if y is None else y


def conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its weight, shape `w_shape`."""
    ho, wo = geometry("conv2d_grad_weight", x.shape, w_shape, stride, padding, dilation, groups)
    check_gy("conv2d_grad_weight", gy, x.shape[0], w_shape[0], ho, wo)
    gy = np.ascontiguousarray(gy)
    x = np.ascontiguousarray(x, dtype=gy.dtype)
    w_shape = tuple(w_shape)
    run = {
        "pointwise": lambda: pointwise.conv2d_grad_weight(np, gy, x, w_shape, stride, groups),
        "depthwise": lambda: _depthwise_by_chunks(depthwise.conv2d_grad_weight, (gy, x), True, w_shape, stride,
                                                 padding, dilation),
        "winograd": lambda: _winograd_grad_weight(gy, x, padding),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation,
                                                                   groups),
        "im2col": lambda: conv_im2col.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups,
                                                         conv_choice.WORKSPACE_BYTES),
    }
    name, gw = conv_choice.choose("grad_weight", lambda n: run[n](), x.shape, w_shape, (ho, wo), stride, padding,
                                  dilation, groups, gy.dtype)
    return run[name]() if gw is None else gw


def conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups):
    """Gradient of conv2d with respect to its input, shape `x_shape` (also the transposed convolution)."""
    ho, wo = geometry("conv2d_grad_input", x_shape, w.shape, stride, padding, dilation, groups)
    check_gy("conv2d_grad_input", gy, x_shape[0], w.shape[0], ho, wo)
    gy = np.ascontiguousarray(gy)
    w = np.ascontiguousarray(w, dtype=gy.dtype)
    x_shape = tuple(x_shape)
    run = {
        "pointwise": lambda: pointwise.conv2d_grad_input(np, gy, w, x_shape, stride, groups),
        "depthwise": lambda: _depthwise_by_chunks(lambda xp, g: depthwise.conv2d_grad_input(
            xp, g, w, (g.shape[0],) + x_shape[1:], stride, padding, dilation), (gy,), False),
        "winograd": partial(_winograd_grad_input, gy, w, padding),
        "im2col_chwn": lambda: conv_im2col_chwn.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation,
                                                                  groups),
        "im2col": lambda: conv_im2col.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups,
                                                        conv_choice.WORKSPACE_BYTES),
    }
    name, gx = conv_choice.choose("grad_input", lambda n: run[n](), x_shape, w.shape, (ho, wo), stride, padding,
                                  dilation, groups, gy.dtype)
    return run[name]() if gx is None else gx


def _winograd_grad_input(gy, w, padding):
    flipped = winograd.flipped_filters(np, w)
    return _winograd_forward(gy, flipped, (2 - padding[0], 2 - padding[1]), winograd.filter_tiles(np, flipped))
