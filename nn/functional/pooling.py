"""Pooling: max and average pooling in 1-D and 2-D and adaptive average pooling, one graph node each.

1-D pooling and unbatched inputs run through the 2-D kernels with length-1 axes inserted.
"""
from autograd import Function, Tensor

from ._args import kernel_message, pair, single


class MaxPool2dOp(Function):
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


class AvgPool2dOp(Function):
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


class AdaptiveAvgPool2dOp(Function):
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


def _pool_input(op, x, spatial):
    """Check the rank of a pooling input; return the axes that make it (N, C, H, W)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x.ndim not in (1 + spatial, 2 + spatial):
        layout = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise ValueError(f"{op}: expects an input {layout}, got shape {x.shape}")
    batched = x.ndim == 2 + spatial
    if spatial == 1:
        return (2,) if batched else (0, 2)
    return () if batched else (0,)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    With return_indices, also the int64 position of each maximum as a flat index into H * W.
    """
    op = "max_pool2d"
    x_axes = _pool_input(op, input, 2)
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return MaxPool2dOp.apply(input, kernel, stride, pair(padding, "padding", op), pair(dilation, "dilation", op, 1),
                             bool(ceil_mode), x_axes, bool(return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "max_pool1d"
    x_axes = _pool_input(op, input, 1)
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    return MaxPool2dOp.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)),
                             (1, single(dilation, "dilation", op, 1)), bool(ceil_mode), x_axes, bool(return_indices))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    count_include_pad: whether zero padding counts in the divisor (PyTorch's rule).
    """
    op = "avg_pool2d"
    x_axes = _pool_input(op, input, 2)
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return AvgPool2dOp.apply(input, kernel, stride, pair(padding, "padding", op), bool(ceil_mode),
                             bool(count_include_pad), x_axes)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "avg_pool1d"
    x_axes = _pool_input(op, input, 1)
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    return AvgPool2dOp.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)), bool(ceil_mode),
                             bool(count_include_pad), x_axes)


def adaptive_avg_pool2d(input, output_size):
    """Mean over the windows that split input (N, C, H, W) or (C, H, W) into `output_size` (int or pair;
    None keeps that input size), with PyTorch's windows [floor(i*H/Ho), ceil((i+1)*H/Ho))."""
    op = "adaptive_avg_pool2d"
    _pool_input(op, input, 2)
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(input.shape[-2 + a] if s is None else s for a, s in enumerate(output_size))
    out_hw = pair(output_size, "output_size", op, 1)
    return AdaptiveAvgPool2dOp.apply(input, out_hw)
