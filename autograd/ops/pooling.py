"""Pooling ops: max and average pooling over 2-D windows, and adaptive average pooling, one graph node each.

1-D pooling and unbatched inputs come here with length-1 axes to insert (`x_axes`).
"""
import numpy as np

from ..errors import kernel_message
from ..function import Function
from ..type_objects import channels_last_like
from .linalg import product


class MaxPool2d(Function):
    torch_name = "MaxPool2DWithIndicesBackward0"   # PyTorch's grad_fn name
    op_name = "max_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, x_axes, return_indices):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        y, argmax = ctx.device.max_pool2d(x4, kernel, stride, padding, dilation, ceil_mode)
        ctx.source = x
        result = _max_result(ctx, y, argmax, x4.shape, x_axes, return_indices)
        ctx.empty = _empty_windows(xp, x4.shape[2:], y.shape[2:], kernel, stride, padding, dilation)
        return result

    def backward(ctx, gy, g_indices=None):
        return (_max_input_grad(ctx, gy),) + (None,) * 7


def _max_result(ctx, y, index, x4_shape, x_axes, return_indices):
    """A max pool's forward result from its 4-D y and flat argmax `index` (saved for the backward):
    the batch axes added for unbatched input dropped again, and the indices too when asked for."""
    xp = ctx.xp
    ctx.x4_shape, ctx.x_axes = x4_shape, x_axes
    ctx.save_for_backward(index)
    if x_axes:
        y, index = xp.squeeze(y, axis=x_axes), xp.squeeze(index, axis=x_axes)
    else:   # a channels-last input pools to channels-last values and indices, as PyTorch's CPU kernels
        y, index = channels_last_like(xp, y, ctx.source), channels_last_like(xp, index, ctx.source)
    if return_indices:
        ctx.mark_non_differentiable(index)
        return y, index
    return y


def _max_input_grad(ctx, gy):
    """The input gradient of a max pool whose forward went through _max_result."""
    index, = ctx.saved_tensors
    xp, x_axes = ctx.xp, ctx.x_axes
    gy = xp.expand_dims(gy, x_axes) if x_axes else gy
    empty = getattr(ctx, "empty", None)
    if empty is not None:
        # a window wholly in the padding gives -inf whatever the input: no gradient (its index, PyTorch's, may
        # lie past the input)
        gy, index = xp.where(empty, 0, gy).astype(gy.dtype, copy=False), xp.where(empty, 0, index)
    gx = ctx.device.max_pool2d_grad(xp.ascontiguousarray(gy), index, ctx.x4_shape)
    return xp.squeeze(gx, axis=x_axes) if x_axes else gx


def _empty_windows(xp, in_hw, out_hw, kernel, stride, padding, dilation):
    """(Ho, Wo) bool mask of the max-pool windows that hold no input element (only padding), or None when
    there are none (always so without padding)."""
    if not any(padding):
        return None
    covered = []
    for size, out, k, s, p, d in zip(in_hw, out_hw, kernel, stride, padding, dilation):
        taps = (np.arange(out) * s - p)[:, None] + np.arange(k)[None, :] * d   # on the host: no device sync
        covered.append(((taps >= 0) & (taps < size)).any(axis=1))
    empty = ~(covered[0][:, None] & covered[1][None, :])
    return xp.asarray(empty) if empty.any() else None


class AvgPool2d(Function):
    torch_name = "AvgPool2DBackward0"   # PyTorch's grad_fn name
    op_name = "avg_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, x_axes):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        ctx.args = (x4.shape, kernel, stride, padding, ceil_mode, count_include_pad)
        ctx.x_axes = x_axes
        y = ctx.device.avg_pool2d(x4, kernel, stride, padding, ceil_mode, count_include_pad)
        return xp.squeeze(y, axis=x_axes) if x_axes else channels_last_like(xp, y, x)

    def backward(ctx, gy):
        xp = ctx.xp
        x_axes = ctx.x_axes
        gy = xp.expand_dims(gy, x_axes) if x_axes else gy
        gx = ctx.device.avg_pool2d_grad(gy, *ctx.args)
        return (xp.squeeze(gx, axis=x_axes) if x_axes else gx,) + (None,) * 6


class AdaptiveAvgPool2d(Function):
    torch_name = "AdaptiveAvgPool2DBackward0"   # PyTorch's grad_fn name
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
            return channels_last_like(ctx.xp, y.reshape(x.shape[:-2] + out_hw), x)
        # windows of varying size; the backward goes through row-averaging matrices: gx = A_h^T gy A_w
        ctx.kernel = None
        ctx.mats = (_window_matrix(ctx.xp, h, out_hw[0], x.dtype), _window_matrix(ctx.xp, w, out_hw[1], x.dtype))
        return channels_last_like(ctx.xp, _adaptive_window_means(ctx.xp, x, out_hw), x)

    def backward(ctx, gy):
        if ctx.kernel is not None:
            shape = ctx.x_shape
            g4 = gy.reshape((-1,) + gy.shape[-3:])
            x4_shape = (g4.shape[0],) + shape[-3:]
            gx = ctx.device.avg_pool2d_grad(g4, x4_shape, ctx.kernel, ctx.kernel, (0, 0), False, True)
            return gx.reshape(shape), None
        a_h, a_w = ctx.mats
        return product(ctx.xp, a_h.T, product(ctx.xp, gy, a_w)), None


def _adaptive_window_means(xp, x, out_hw):
    """Means of x (..., H, W) over PyTorch's adaptive windows, each summed row by row and divided by its
    height, then its width, as PyTorch does: a NaN or inf stays in the windows that hold it (a product
    with averaging matrices multiplied it by the zeros of every other window)."""
    (pos_h, in_h), (pos_w, in_w) = (_window_positions(xp, n, out) for n, out in zip(x.shape[-2:], out_hw))
    acc_dtype = np.float32 if x.dtype.kind == "f" and x.dtype.itemsize < 4 else x.dtype
    total = xp.zeros(x.shape[:-2] + tuple(out_hw), dtype=acc_dtype)
    for a in range(pos_h.shape[1]):
        rows = x[..., pos_h[:, a], :].astype(acc_dtype, copy=False)
        for b in range(pos_w.shape[1]):
            total += xp.where(in_h[:, a, None] & in_w[None, :, b], rows[..., pos_w[:, b]], 0)
    height = in_h.sum(axis=1).astype(acc_dtype)[:, None]
    width = in_w.sum(axis=1).astype(acc_dtype)[None, :]
    return (total / height / width).astype(x.dtype, copy=False)


def _window_positions(xp, size, out):
    """((out, k) positions, (out, k) bool mask of those inside) of PyTorch's adaptive windows
    [floor(i*size/out), ceil((i+1)*size/out)), k the widest window."""
    i = np.arange(out)      # on the host, from the sizes alone: no device sync
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = start[:, None] + np.arange(int((end - start).max()))[None, :]
    return xp.asarray(np.minimum(pos, size - 1)), xp.asarray(pos < end[:, None])


def _window_matrix(xp, size, out, dtype):
    """(out, size) matrix averaging PyTorch's adaptive windows [floor(i*size/out), ceil((i+1)*size/out))."""
    i = xp.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    pos = xp.arange(size)
    inside = (pos >= start[:, None]) & (pos < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _window_gather(xp, size, out):
    """(out, k) positions covering PyTorch's adaptive windows [floor(i*size/out), ceil((i+1)*size/out)),
    k the widest window; narrower windows repeat their last position (harmless under max)."""
    i = xp.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    widest = int((end - start).max()) if out else 0
    return xp.minimum(start[:, None] + xp.arange(widest)[None, :], end[:, None] - 1)


class AdaptiveMaxPool2d(Function):
    """Max over PyTorch's adaptive windows of x (N, C, H, W); also the int64 flat H*W index of each maximum
    (the first one in row-major order)."""
    torch_name = "AdaptiveMaxPool2DBackward0"   # PyTorch's grad_fn name

    op_name = "adaptive_max_pool2d"
    differentiable_backward = False
    explain_error = staticmethod(kernel_message)

    def forward(ctx, x, out_hw, x_axes, return_indices):
        xp = ctx.xp
        x4 = xp.expand_dims(x, x_axes) if x_axes else x
        ctx.source = x
        n, c, h, w = x4.shape
        ho, wo = out_hw
        if h % ho == 0 and w % wo == 0:
            # equal windows tiling the input: the device's max pooling, with its flat H * W argmax
            kernel = (h // ho, w // wo)
            y, index = ctx.device.max_pool2d(x4, kernel, kernel, (0, 0), (1, 1), False)
            return _max_result(ctx, y, index, x4.shape, x_axes, return_indices)
        rows, cols = _window_gather(xp, h, ho), _window_gather(xp, w, wo)
        kh, kw = rows.shape[1], cols.shape[1]
        # (n, c, ho, kh, w) then (n, c, ho, kh, wo, kw) -> (n, c, ho, wo, kh * kw)
        windows = x4[:, :, rows, :][..., cols].transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, kh * kw)
        pick = xp.argmax(windows, axis=-1)
        if windows.dtype.kind == "f":
            # PyTorch takes the last NaN of a window (argmax the first): positions run row-major, the
            # repeats that pad narrow windows only ever repeat a window's last row or column
            nans = xp.isnan(windows)
            last_nan = windows.shape[-1] - 1 - xp.argmax(nans[..., ::-1], axis=-1)
            pick = xp.where(nans.any(axis=-1), last_nan, pick)
        y = xp.take_along_axis(windows, pick[..., None], axis=-1)[..., 0]
        flat_rows = rows[:, None, :, None] * w          # (ho, 1, kh, 1)
        flat = (flat_rows + cols[None, :, None, :]).reshape(ho, wo, kh * kw)
        index = xp.take_along_axis(xp.broadcast_to(flat, pick.shape + (kh * kw,)), pick[..., None],
                                   axis=-1)[..., 0].astype(xp.int64)
        return _max_result(ctx, y, index, x4.shape, x_axes, return_indices)

    def backward(ctx, gy, g_indices=None):
        return _max_input_grad(ctx, gy), None, None, None
