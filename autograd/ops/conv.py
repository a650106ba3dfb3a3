"""Convolution ops: 2-D convolution and its transpose, each one graph node over the backend's conv kernels.

1-D convolutions and unbatched inputs come here with length-1 axes to insert (`x_axes`, `w_axes`); the
transposed convolution is the input-gradient of a convolution, so its own gradients are a convolution
(input) and a convolution weight-gradient (weight). Under create_graph a convolution's gradients are
themselves recorded as the two ops Conv2dInputGrad and Conv2dWeightGrad, whose gradients are again
convolutions, so gradient penalties (WGAN-GP) and Hessian products go through convolutions to any order.
"""
import numpy

from ..broadcast import sum_axes
from ..errors import kernel_message
from ..function import Function
from ..tensor import Tensor
from ..type_objects import channels_last_like
from .shape import pad


class Conv2d(Function):
    torch_name = "ConvolutionBackward0"   # PyTorch's one node for every convolution
    op_name = "conv2d"
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, w, b, stride, padding, dilation, groups, extra, x_axes, w_axes):
        # x_axes / w_axes: length-1 axes that make x (N, C, H, W) and w (C_out, C_in/g, kH, kW)
        # extra: (bottom, right) padding beyond the symmetric `padding` ('same' with an even kernel)
        xp = ctx.xp
        ctx.args = (stride, padding, dilation, groups, extra, x_axes, w_axes)
        ctx.save_for_backward(x, w)
        x4 = _padded(xp, xp.expand_dims(x, x_axes) if x_axes else x, extra)
        w4 = xp.expand_dims(w, w_axes) if w_axes else w
        y = ctx.device.conv2d(x4, w4, stride, padding, dilation, groups)
        if b is not None:
            y += b.reshape(-1, 1, 1)
        # PyTorch's CPU convolution answers in channels-last when its input or its weight is laid out so
        return xp.squeeze(y, axis=x_axes) if x_axes else channels_last_like(xp, y, x, w)

    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        if isinstance(gy, Tensor):
            return _recorded_grads(ctx, gy, x, w)
        stride, padding, dilation, groups, extra, x_axes, w_axes = ctx.args
        xp = ctx.xp
        need = ctx.needs_input_grad
        gy = xp.expand_dims(gy, x_axes) if x_axes else gy
        x4 = _padded(xp, xp.expand_dims(x, x_axes) if x_axes else x, extra)
        w4 = xp.expand_dims(w, w_axes) if w_axes else w
        gx = gw = gb = None
        if need[0]:
            gx = ctx.device.conv2d_grad_input(gy, w4, x4.shape, stride, padding, dilation, groups)
            if extra != (0, 0):
                gx = gx[:, :, :gx.shape[2] - extra[0], :gx.shape[3] - extra[1]]
            gx = gx.reshape(x.shape)
        if need[1]:
            gw = ctx.device.conv2d_grad_weight(gy, x4, w4.shape, stride, padding, dilation, groups).reshape(w.shape)
        if need[2]:
            gb = sum_axes(gy, (0, 2, 3))
        return gx, gw, gb, None, None, None, None, None, None, None


def _recorded_grads(ctx, gy, x, w):
    """Conv2d's gradients as recorded ops on Tensors (create_graph), so they can be differentiated again."""
    stride, padding, dilation, groups, extra, x_axes, w_axes = ctx.args
    need = ctx.needs_input_grad
    gy4 = gy.reshape(_with_axes(gy.shape, x_axes)) if x_axes else gy
    x4 = x.reshape(_with_axes(x.shape, x_axes)) if x_axes else x
    if extra != (0, 0):
        x4 = pad(x4, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
    w4 = w.reshape(_with_axes(w.shape, w_axes)) if w_axes else w
    gx = gw = gb = None
    if need[0]:
        gx = Conv2dInputGrad.apply(gy4, w4, x4.shape, stride, padding, dilation, groups)
        if extra != (0, 0):
            gx = gx[:, :, :gx.shape[2] - extra[0], :gx.shape[3] - extra[1]]
        gx = gx.reshape(x.shape)
    if need[1]:
        gw = Conv2dWeightGrad.apply(gy4, x4, w4.shape, stride, padding, dilation, groups).reshape(w.shape)
    if need[2]:
        gb = gy4.sum(dim=(0, 2, 3))
    return gx, gw, gb, None, None, None, None, None, None, None


def _with_axes(shape, axes):
    """`shape` with length-1 axes inserted at `axes`, as numpy.expand_dims places them."""
    return numpy.expand_dims(numpy.broadcast_to(0, shape), axes).shape


class Conv2dInputGrad(Function):
    """A convolution's input gradient conv2d_grad_input(gy, w) as an op: linear in gy and in w."""
    op_name = "conv2d_input_grad"
    explain_error = staticmethod(kernel_message)

    def forward(ctx, gy, w, x_shape, stride, padding, dilation, groups):
        ctx.args = (stride, padding, dilation, groups)
        ctx.save_for_backward(gy, w)
        return ctx.device.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation, groups)

    def backward(ctx, g):
        # <g, grad_input(gy, w)> = <conv2d(g, w), gy>: the gy-gradient is a convolution of g, and the
        # w-gradient the weight gradient of that convolution
        gy, w = ctx.saved_tensors
        args = ctx.args
        need = ctx.needs_input_grad
        ggy = gw = None
        if isinstance(g, Tensor):
            if need[0]:
                ggy = Conv2d.apply(g, w, None, *args, (0, 0), (), ())
            if need[1]:
                gw = Conv2dWeightGrad.apply(gy, g, w.shape, *args)
        else:
            if need[0]:
                ggy = ctx.device.conv2d(g, w, *args)
            if need[1]:
                gw = ctx.device.conv2d_grad_weight(gy, g, w.shape, *args)
        return ggy, gw, None, None, None, None, None


class Conv2dWeightGrad(Function):
    """A convolution's weight gradient conv2d_grad_weight(gy, x) as an op: linear in gy and in x."""
    op_name = "conv2d_weight_grad"
    explain_error = staticmethod(kernel_message)

    def forward(ctx, gy, x, w_shape, stride, padding, dilation, groups):
        ctx.args = (stride, padding, dilation, groups)
        ctx.save_for_backward(gy, x)
        return ctx.device.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation, groups)

    def backward(ctx, g):
        # <g, grad_weight(gy, x)> = <conv2d(x, g), gy> = <x, grad_input(gy, g)>
        gy, x = ctx.saved_tensors
        args = ctx.args
        need = ctx.needs_input_grad
        ggy = gx = None
        if isinstance(g, Tensor):
            if need[0]:
                ggy = Conv2d.apply(x, g, None, *args, (0, 0), (), ())
            if need[1]:
                gx = Conv2dInputGrad.apply(gy, g, x.shape, *args)
        else:
            if need[0]:
                ggy = ctx.device.conv2d(x, g, *args)
            if need[1]:
                gx = ctx.device.conv2d_grad_input(gy, g, x.shape, *args)
        return ggy, gx, None, None, None, None, None


class ConvTranspose2d(Function):
    torch_name = "ConvolutionBackward0"
    op_name = "conv_transpose2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, w, b, stride, padding, dilation, groups, out_hw, x_axes):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        n, _, h, wd = x4.shape
        y_shape = (n, w.shape[1] * groups) + out_hw
        x4 = _covering(xp, x4, y_shape, w.shape, stride, padding, dilation)
        ctx.args = (stride, padding, dilation, groups, x_axes, (h, wd))
        ctx.save_for_backward(x4, w)
        y = ctx.device.conv2d_grad_input(x4, w, y_shape, stride, padding, dilation, groups)
        if b is not None:
            y += b.reshape(-1, 1, 1)
        return xp.squeeze(y, axis=x_axes) if x_axes else channels_last_like(xp, y, x, w)

    def backward(ctx, gy):
        x4, w = ctx.saved_tensors
        stride, padding, dilation, groups, x_axes, (h, wd) = ctx.args
        xp = ctx.xp
        need = ctx.needs_input_grad
        gy = xp.expand_dims(gy, x_axes) if x_axes else gy
        gx = gw = gb = None
        if need[0]:
            gx = ctx.device.conv2d(gy, w, stride, padding, dilation, groups)[:, :, :h, :wd]
            gx = xp.squeeze(gx, axis=x_axes) if x_axes else xp.ascontiguousarray(gx)
        if need[1]:
            gw = ctx.device.conv2d_grad_weight(x4, gy, w.shape, stride, padding, dilation, groups)
        if need[2]:
            gb = sum_axes(gy, (0, 2, 3))
        return gx, gw, gb, None, None, None, None, None, None


def _padded(xp, x4, extra):
    """x4 with `extra` zero rows at the bottom and columns at the right."""
    if extra == (0, 0):
        return x4
    return xp.pad(x4, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))


def _covering(xp, x4, y_shape, w_shape, stride, padding, dilation):
    """x4 grown with zeros to the size a convolution of a `y_shape` input would produce.

    With output_padding >= stride (allowed when dilation is larger) that size exceeds the input of
    the transposed convolution; the added zeros contribute nothing.
    """
    need = [(y_shape[2 + a] + 2 * padding[a] - dilation[a] * (w_shape[2 + a] - 1) - 1) // stride[a] + 1
            for a in (0, 1)]
    grow = (need[0] - x4.shape[2], need[1] - x4.shape[3])
    return _padded(xp, x4, grow) if grow != (0, 0) else x4
