"""3-D convolution as one 2-D convolution: the kD depth slices each output depth reads are stacked into
the channels (group by group), so the existing conv2d op does the work and the gradients."""
import numbers

import autograd as ag
from autograd import autocast_state as autocast
from autograd.function import named
from autograd.errors import ArgumentRangeError, ShapeError, SizeTypeError

from .conv import check_conv_args, conv2d


def triple(value, name, op, minimum=0):
    """`value` (an int or 3 ints) as a (d, h, w) tuple of ints >= `minimum`; a clear error otherwise."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        out = (int(value),) * 3
    elif isinstance(value, (tuple, list)) and len(value) == 3 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        out = tuple(int(v) for v in value)
    else:
        whole = isinstance(value, (tuple, list)) and all(isinstance(v, numbers.Integral) for v in value)
        raise (ValueError if whole else SizeTypeError)(f"{op}: {name} must be an int or a tuple of 3 ints, got "
                                                       f"{value!r}")
    if min(out) < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return out


def _padding(op, padding, kernel, dilation, stride):
    """((before, after) per spatial axis) for int/triple padding or 'same'/'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * 3
        if padding != "same":
            raise ArgumentRangeError(f"{op}: padding={padding!r} is not one of 'same', 'valid' or an int/triple "
                                     "of ints")
        if stride != (1, 1, 1):
            raise ArgumentRangeError(f"{op}: padding='same' needs stride 1 (got stride {stride}); pass explicit "
                                     "padding")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in triple(padding, "padding", op))


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D cross-correlation of input (N, C_in, D, H, W) or (C_in, D, H, W) with weight
    (C_out, C_in/groups, kD, kH, kW); padding: an int, a triple, 'valid' or 'same' (stride 1)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv3d", conv3d, input, weight, bias, stride, padding, dilation, groups)
    op = "conv3d"
    check_conv_args(op, input, weight, bias, groups, 3)
    c_out, c_group, kd, kh, kw = weight.shape
    stride = triple(stride, "stride", op, 1)
    dilation = triple(dilation, "dilation", op, 1)
    pads = _padding(op, padding, (kd, kh, kw), dilation, stride)
    x = input if input.ndim == 5 else input.unsqueeze(0)
    x = ag.pad(x, ((0, 0), (0, 0)) + pads, 0)
    n, c, depth, height, width = x.shape
    out_depth = (depth - dilation[0] * (kd - 1) - 1) // stride[0] + 1
    if out_depth < 1 or height < dilation[1] * (kh - 1) + 1 or width < dilation[2] * (kw - 1) + 1:
        raise ShapeError(f"{op}: the kernel {(kd, kh, kw)} with dilation {dilation} does not fit the padded input "
                         f"{tuple(x.shape[2:])} (input shape {input.shape}); use a smaller kernel or more padding")
    x = x.permute(0, 2, 1, 3, 4)    # (N, D, C, H, W)
    span = (out_depth - 1) * stride[0] + 1
    slices = [x[:, j * dilation[0]:j * dilation[0] + span:stride[0]] for j in range(kd)]
    stacked = ag.stack(slices, 2)   # (N, D_out, kD, C, H, W), channels regrouped as (group, kD, C / group)
    stacked = stacked.reshape(n * out_depth, kd, groups, c_group, height, width).transpose(1, 2)
    stacked = stacked.reshape(n * out_depth, groups * kd * c_group, height, width)
    flat_weight = weight.transpose(1, 2).reshape(c_out, kd * c_group, kh, kw)
    out = conv2d(stacked, flat_weight, None, stride[1:], 0, dilation[1:], groups)
    out = out.reshape(n, out_depth, c_out, *out.shape[-2:]).permute(0, 2, 1, 3, 4)
    if bias is not None:
        out = out + bias.reshape(c_out, 1, 1, 1)
    return named(out if input.ndim == 5 else out.squeeze(0), "ConvolutionBackward0")
