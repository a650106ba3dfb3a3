"""Convolutions: conv1d, conv2d and conv_transpose2d, each one graph node over the backend's conv kernels.

1-D convolutions and unbatched inputs run through the 2-D kernels with length-1 axes inserted; the
transposed convolution is the input-gradient of a convolution, so its own gradients are a
convolution (input) and a convolution weight-gradient (weight).
"""
from autograd import Function, Tensor

from ._args import kernel_message, pair, single


class Conv2dOp(Function):
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


class ConvTranspose2dOp(Function):
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


def _check(op, x, w, b, groups, spatial, transposed=False):
    """Check ranks, channel counts and bias shape; return the axes that make x 4-D."""
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors, got {type(x).__name__} and {type(w).__name__}")
    if w.ndim != 2 + spatial or x.ndim not in (1 + spatial, 2 + spatial):
        layout = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise ValueError(f"{op}: expects an input {layout} and a {2 + spatial}-D weight; got input shape "
                         f"{x.shape} and weight shape {w.shape}")
    if groups < 1 or w.shape[0] % groups:
        raise ValueError(f"{op}: groups={groups} must be >= 1 and divide weight.shape[0] = {w.shape[0]} "
                         f"(weight shape {w.shape})")
    channels = x.shape[-1 - spatial]
    expected = w.shape[0] if transposed else w.shape[1] * groups
    if channels != expected:
        raise ValueError(f"{op}: input has {channels} channels but the weight {w.shape} with groups={groups} "
                         f"expects {expected} (input shape {x.shape}); pass an input with {expected} channels "
                         f"or build the layer with in_channels={channels}")
    out_channels = w.shape[1] * groups if transposed else w.shape[0]
    if b is not None and tuple(b.shape) != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},) (one per output channel), got {b.shape}")
    batched = x.ndim == 2 + spatial
    if spatial == 1:
        return (2,) if batched else (0, 2)
    return () if batched else (0,)


def _conv_padding(op, padding, kernel, dilation, stride):
    """Symmetric padding and (bottom, right) extra for int/pair padding or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"{op}: padding={padding!r} is not one of 'same', 'valid' or an int/pair of ints")
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' needs stride 1 (got stride {stride}); pass explicit padding")
        total = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return (total[0] // 2, total[1] // 2), (total[0] % 2, total[1] % 2)
    return pair(padding, "padding", op), (0, 0)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of input (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in/groups, kH, kW).

    padding: an int, an (h, w) pair, 'valid' (none) or 'same' (output size = input size, stride 1).
    """
    x_axes = _check("conv2d", input, weight, bias, groups, 2)
    stride = pair(stride, "stride", "conv2d", 1)
    dilation = pair(dilation, "dilation", "conv2d", 1)
    pad, extra = _conv_padding("conv2d", padding, weight.shape[2:], dilation, stride)
    return Conv2dOp.apply(input, weight, bias, stride, pad, dilation, groups, extra, x_axes, ())


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation of input (N, C_in, L) or (C_in, L) with weight (C_out, C_in/groups, k).

    padding: an int, 'valid' (none) or 'same' (output length = input length, stride 1).
    """
    x_axes = _check("conv1d", input, weight, bias, groups, 1)
    stride = (1, single(stride, "stride", "conv1d", 1))
    dilation = (1, single(dilation, "dilation", "conv1d", 1))
    if not isinstance(padding, str):
        padding = (0, single(padding, "padding", "conv1d"))
    pad, extra = _conv_padding("conv1d", padding, (1, weight.shape[2]), dilation, stride)
    return Conv2dOp.apply(input, weight, bias, stride, pad, dilation, groups, extra, x_axes, (2,))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input) of input (N, C_in, H, W)
    or (C_in, H, W) with weight (C_in, C_out/groups, kH, kW), as torch.nn.functional.conv_transpose2d.

    Output size per axis: (H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.
    """
    op = "conv_transpose2d"
    x_axes = _check(op, input, weight, bias, groups, 2, transposed=True)
    stride = pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op)
    output_padding = pair(output_padding, "output_padding", op)
    dilation = pair(dilation, "dilation", op, 1)
    for a in (0, 1):
        if output_padding[a] >= max(stride[a], dilation[a]):
            raise ValueError(f"{op}: output_padding {output_padding} must be smaller than stride {stride} or "
                             f"dilation {dilation} along each axis")
    size = input.shape[-2:]
    out_hw = tuple((size[a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (weight.shape[2 + a] - 1)
                   + output_padding[a] + 1 for a in (0, 1))
    if min(out_hw) < 1:
        raise ValueError(f"{op}: the output would be {out_hw} for input shape {input.shape}, weight shape "
                         f"{weight.shape}, stride {stride} and padding {padding}; use less padding")
    return ConvTranspose2dOp.apply(input, weight, bias, stride, padding, dilation, groups, out_hw, x_axes)
