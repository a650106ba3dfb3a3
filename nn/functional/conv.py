"""Convolutions as users call them: conv1d, conv2d, conv_transpose1d and conv_transpose2d, with their
argument checks.

1-D convolutions and unbatched inputs run through the 2-D ops of autograd/ops/conv.py with length-1
axes inserted.
"""
import numbers

from autograd.ops.conv import Conv2d, ConvTranspose2d
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast, complex_forms

from ._args import pair, same_dtype, single
from autograd.errors import ArgumentRangeError, ShapeError, SizeTypeError


LAYOUTS = {1: "(N, C, L) or (C, L)", 2: "(N, C, H, W) or (C, H, W)", 3: "(N, C, D, H, W) or (C, D, H, W)"}


def check_conv_args(op, x, w, b, groups, spatial, transposed=False):
    """Check ranks, channel counts and bias shape of a convolution with `spatial` axes; return the axes that
    make x 4-D (for 1-D and 2-D convolutions)."""
    check_tensor(op, x)
    check_tensor(op, w, "weight")
    same_dtype(op, x, weight=w, bias=b)
    if w.ndim != 2 + spatial or x.ndim not in (1 + spatial, 2 + spatial):
        raise ShapeError(f"{op}: expects an input {LAYOUTS[spatial]} and a {2 + spatial}-D weight; got input shape "
                         f"{x.shape} and weight shape {w.shape}")
    if 0 in w.shape[2:]:   # an empty kernel would give an all-zero (or bias-only) output without a word
        raise ShapeError(f"{op}: kernel size should be greater than zero, got weight shape {w.shape} (kernel "
                         f"{tuple(w.shape[2:])}); build the layer with kernel_size >= 1")
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool):   # PyTorch's parser: a TypeError
        raise SizeTypeError(f"{op}: groups must be an int, got {type(groups).__name__} {groups!r} (weight shape "
                            f"{w.shape}); e.g. groups=2")
    if groups < 1 or w.shape[0] % groups:
        raise ShapeError(f"{op}: groups={groups} must be >= 1 and divide weight.shape[0] = {w.shape[0]} "
                         f"(weight shape {w.shape})")
    if w.shape[0] == 0 or (transposed and w.shape[1] == 0):   # PyTorch refuses these; the output would be empty
        dim = 0 if w.shape[0] == 0 else 1
        side = "in_channels" if transposed and dim == 0 else "out_channels"
        raise ShapeError(f"{op}: Given groups={groups}, expected weight to be at least 1 at dimension {dim}, but got "
                         f"weight of size {list(w.shape)} instead; build the layer with {side} >= 1")
    channels = x.shape[-1 - spatial]
    expected = w.shape[0] if transposed else w.shape[1] * groups
    if channels != expected:
        raise ShapeError(f"{op}: input has {channels} channels but the weight {w.shape} with groups={groups} "
                         f"expects {expected} (input shape {x.shape}); pass an input with {expected} channels "
                         f"or build the layer with in_channels={channels}")
    out_channels = w.shape[1] * groups if transposed else w.shape[0]
    if b is not None and tuple(b.shape) != (out_channels,):
        raise ShapeError(f"{op}: bias must have shape ({out_channels},) (one per output channel), got {b.shape}")
    batched = x.ndim == 2 + spatial
    if spatial == 1:
        return (2,) if batched else (0, 2)
    return () if batched else (0,)


def transposed_size(op, input, weight, stride, padding, output_padding, dilation):
    """The spatial output size of a transposed convolution, per axis
    (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1; a clear error if it is empty
    or output_padding is too large."""
    spatial = len(stride)
    for a in range(spatial):
        if output_padding[a] >= max(stride[a], dilation[a]):
            raise ShapeError(f"{op}: output_padding {output_padding} must be smaller than stride {stride} or "
                             f"dilation {dilation} along each axis")
    size = input.shape[-spatial:]
    out = tuple((size[a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (weight.shape[2 + a] - 1)
                + output_padding[a] + 1 for a in range(spatial))
    if min(out) < 1:
        raise ShapeError(f"{op}: the output would be {out} for input shape {input.shape}, weight shape "
                         f"{weight.shape}, stride {stride} and padding {padding}; use less padding")
    return out


def _conv_padding(op, padding, kernel, dilation, stride):
    """Symmetric padding and (bottom, right) extra for int/pair padding or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ArgumentRangeError(f"{op}: padding={padding!r} is not one of 'same', 'valid' or an int/pair of "
                                     "ints")
        if stride != (1, 1):
            raise ArgumentRangeError(f"{op}: padding='same' needs stride 1 (got stride {stride}); pass explicit "
                                     "padding")
        total = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return (total[0] // 2, total[1] // 2), (total[0] % 2, total[1] % 2)
    return pair(padding, "padding", op), (0, 0)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of input (N, C_in, H, W) or (C_in, H, W) with weight (C_out, C_in/groups, kH, kW).

    padding: an int, an (h, w) pair, 'valid' (none) or 'same' (output size = input size, stride 1).
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv2d", conv2d, input, weight, bias, stride, padding, dilation, groups)
    if complex_forms.active and (input.dtype.kind == "c" or weight.dtype.kind == "c"
                                 or bias is not None and bias.dtype.kind == "c"):
        from autograd.ops.complex_extra import bilinear_parts
        return bilinear_parts(conv2d, 2, input, weight, bias, stride, padding, dilation, groups)
    x_axes = check_conv_args("conv2d", input, weight, bias, groups, 2)
    stride = pair(stride, "stride", "conv2d", 1)
    dilation = pair(dilation, "dilation", "conv2d", 1)
    pad, extra = _conv_padding("conv2d", padding, weight.shape[2:], dilation, stride)
    return Conv2d.apply(input, weight, bias, stride, pad, dilation, groups, extra, x_axes, ())


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation of input (N, C_in, L) or (C_in, L) with weight (C_out, C_in/groups, k).

    padding: an int, 'valid' (none) or 'same' (output length = input length, stride 1).
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv1d", conv1d, input, weight, bias, stride, padding, dilation, groups)
    if complex_forms.active and (input.dtype.kind == "c" or weight.dtype.kind == "c"
                                 or bias is not None and bias.dtype.kind == "c"):
        from autograd.ops.complex_extra import bilinear_parts
        return bilinear_parts(conv1d, 1, input, weight, bias, stride, padding, dilation, groups)
    x_axes = check_conv_args("conv1d", input, weight, bias, groups, 1)
    stride = (1, single(stride, "stride", "conv1d", 1))
    dilation = (1, single(dilation, "dilation", "conv1d", 1))
    if not isinstance(padding, str):
        padding = (0, single(padding, "padding", "conv1d"))
    pad, extra = _conv_padding("conv1d", padding, (1, weight.shape[2]), dilation, stride)
    return Conv2d.apply(input, weight, bias, stride, pad, dilation, groups, extra, x_axes, (2,))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input) of input (N, C_in, H, W)
    or (C_in, H, W) with weight (C_in, C_out/groups, kH, kW), as torch.nn.functional.conv_transpose2d.

    Output size per axis: (H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv_transpose2d", conv_transpose2d, input, weight, bias, stride, padding, output_padding,
                            groups, dilation)
    if complex_forms.active and (input.dtype.kind == "c" or weight.dtype.kind == "c"
                                 or bias is not None and bias.dtype.kind == "c"):
        from autograd.ops.complex_extra import bilinear_parts
        return bilinear_parts(conv_transpose2d, 2, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)
    op = "conv_transpose2d"
    x_axes = check_conv_args(op, input, weight, bias, groups, 2, transposed=True)
    stride = pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op)
    dilation = pair(dilation, "dilation", op, 1)
    out_hw = transposed_size(op, input, weight, stride, padding, pair(output_padding, "output_padding", op),
                             dilation)
    return ConvTranspose2d.apply(input, weight, bias, stride, padding, dilation, groups, out_hw, x_axes)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 1-D convolution (the gradient of conv1d with respect to its input) of input (N, C_in, L)
    or (C_in, L) with weight (C_in, C_out/groups, k), as torch.nn.functional.conv_transpose1d.

    Output length: (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv_transpose1d", conv_transpose1d, input, weight, bias, stride, padding, output_padding,
                            groups, dilation)
    if complex_forms.active and (input.dtype.kind == "c" or weight.dtype.kind == "c"
                                 or bias is not None and bias.dtype.kind == "c"):
        from autograd.ops.complex_extra import bilinear_parts
        return bilinear_parts(conv_transpose1d, 1, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)
    op = "conv_transpose1d"
    x_axes = check_conv_args(op, input, weight, bias, groups, 1, transposed=True)
    stride = (single(stride, "stride", op, 1),)
    padding = (single(padding, "padding", op),)
    dilation = (single(dilation, "dilation", op, 1),)
    length, = transposed_size(op, input, weight, stride, padding,
                              (single(output_padding, "output_padding", op),), dilation)
    return ConvTranspose2d.apply(input, weight.unsqueeze(2), bias, (1,) + stride, (0,) + padding, (1,) + dilation,
                                 groups, (1, length), x_axes)
