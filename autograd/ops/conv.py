"""Convolution ops: 2-D convolution and its transpose, each one graph node over the backend's conv kernels.

1-D convolutions and unbatched inputs come here with length-1 axes to insert (`x_axes`, `w_axes`); the
transposed convolution is the input-gradient of a convolution, so its own gradients are a convolution
(input) and a convolution weight-gradient (weight).
"""
from ..errors import kernel_message
from ..function import Function


class Conv2d(Function):
    op_name = "conv2d"
    differentiable_backward = False
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
        return xp.squeeze(y, axis=x_axes) if x_axes else y

    def backward(ctx, gy):
        x, w = ctx.saved_tensors
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
            gb = gy.sum(axis=(0, 2, 3))
        return gx, gw, gb, None, None, None, None, None, None, None


class ConvTranspose2d(Function):
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
        return xp.squeeze(y, axis=x_axes) if x_axes else y

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
            gb = gy.sum(axis=(0, 2, 3))
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
