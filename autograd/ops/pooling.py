"""Pooling ops: max and average pooling over 2-D windows, and adaptive average pooling, one graph node each.

1-D pooling and unbatched inputs come here with length-1 axes to insert (`x_axes`).
"""
from ..errors import kernel_message
from ..function import Function


class MaxPool2d(Function):
    op_name = "max_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, x_axes, return_indices):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        y, argmax = ctx.device.max_pool2d(x4, kernel, stride, padding, dilation, ceil_mode)
        ctx.x4_shape = x4.shape
        ctx.x_axes = x_axes
        ctx.save_for_backward(argmax)
        if x_axes:
            y, argmax = xp.squeeze(y, axis=x_axes), xp.squeeze(argmax, axis=x_axes)
        if return_indices:
            ctx.mark_non_differentiable(argmax)
            return y, argmax
        return y

    def backward(ctx, gy, g_indices=None):
        argmax, = ctx.saved_tensors
        xp = ctx.xp
        x_axes = ctx.x_axes
        gy = xp.expand_dims(gy, x_axes) if x_axes else gy
        gx = ctx.device.max_pool2d_grad(gy, argmax, ctx.x4_shape)
        return (xp.squeeze(gx, axis=x_axes) if x_axes else gx,) + (None,) * 7


class AvgPool2d(Function):
    op_name = "avg_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, x_axes):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        ctx.args = (x4.shape, kernel, stride, padding, ceil_mode, count_include_pad)
        ctx.x_axes = x_axes
        y = ctx.device.avg_pool2d(x4, kernel, stride, padding, ceil_mode, count_include_pad)
        return xp.squeeze(y, axis=x_axes) if x_axes else y

    def backward(ctx, gy):
        xp = ctx.xp
        x_axes = ctx.x_axes
        gy = xp.expand_dims(gy, x_axes) if x_axes else gy
        gx = ctx.device.avg_pool2d_grad(gy, *ctx.args)
        return (xp.squeeze(gx, axis=x_axes) if x_axes else gx,) + (None,) * 6


class AdaptiveAvgPool2d(Function):
    op_name = "adaptive_avg_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, out_hw):
        h, w = x.shape[-2:]
        ctx.x_shape = x.shape
        if h % out_hw[0] == 0 and w % out_hw[1] == 0:
            # equal windows tiling the input: plain average pooling
            kernel = (h // out_hw[0], w // out_hw[1])
            x4 = x.reshape((-1,) + x.shape[-3:])
            ctx.kernel = kernel
            y = ctx.device.avg_pool2d(x4, kernel, kernel, (0, 0), False, True)
            return y.reshape(x.shape[:-2] + out_hw)
        # windows of varying size: y = A_h x A_w^T with row-averaging matrices
        ctx.kernel = None
        ctx.mats = (_window_matrix(ctx.xp, h, out_hw[0], x.dtype), _window_matrix(ctx.xp, w, out_hw[1], x.dtype))
        a_h, a_w = ctx.mats
        return a_h @ (x @ a_w.T)

    def backward(ctx, gy):
        if ctx.kernel is not None:
            shape = ctx.x_shape
            g4 = gy.reshape((-1,) + gy.shape[-3:])
            x4_shape = (g4.shape[0],) + shape[-3:]
            gx = ctx.device.avg_pool2d_grad(g4, x4_shape, ctx.kernel, ctx.kernel, (0, 0), False, True)
            return gx.reshape(shape), None
        a_h, a_w = ctx.mats
        return a_h.T @ (gy @ a_w), None


def _window_matrix(xp, size, out, dtype):
    """(out, size) matrix averaging PyTorch's adaptive windows [floor(i*size/out), ceil((i+1)*size/out))."""
    i = xp.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = xp.arange(size)
    inside = (pos >= start[:, None]) & (pos < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)
