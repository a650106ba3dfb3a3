"""keras.ops convolutions: conv, conv_transpose, depthwise_conv and separable_conv over 1-3 spatial axes, with
Keras's kernel layouts ((*kernel, in / groups, out); (*kernel, out, in) for the transpose), channels-last inputs by
default, and 'valid' or 'same' padding as Keras pads. They run deepgrad's channels-first convolutions, so gradients
flow to the inputs and the kernels."""
import autograd as ag
from autograd.errors import IndexShapeError, ShapeError

from .. import functional as F
from .ops_args import _float
from .ops_layout import data_format, pad_same, padding_mode, per_axis, spatial_input, spatial_output

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _kernel(kernel, spatial, op, name="kernel"):
    k = _float(kernel)
    if k.ndim != spatial + 2:
        # Keras's torch backend reads the transposed kernel's axes by index first, so it raises IndexError there
        kind = IndexShapeError if op == "conv_transpose" else ShapeError
        raise kind(f"keras.ops.{op}: {name} must have {spatial + 2} axes (*kernel_size, in, out) for inputs "
                   f"with {spatial} spatial axes; got shape {tuple(k.shape)}")
    return k


def _run_conv(x, kernel, spatial, strides, padding, dilation, op):
    """Channels-first x convolved with a Keras-layout kernel (groups from the channel counts)."""
    in_channels, kernel_in = x.shape[1], kernel.shape[-2]
    if in_channels % kernel_in:
        raise ValueError(f"keras.ops.{op}: the inputs' {in_channels} channels are not a multiple of the kernel's "
                         f"{kernel_in} input channels (kernel shape {tuple(kernel.shape)})")
    weight = ag.permute(kernel, (spatial + 1, spatial) + tuple(range(spatial)))
    if padding == "same":
        x = pad_same(x, tuple(kernel.shape[:spatial]), strides, dilation)
    return _CONV[spatial](x, weight, stride=strides, dilation=dilation, groups=in_channels // kernel_in)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """The N-D convolution (cross-correlation) of `inputs` (batch, *spatial, in) with `kernel`
    (*kernel_size, in / groups, out); groups = in / kernel's input channels."""
    fmt, mode = _formats(data_format, padding, "conv")
    x, spatial = spatial_input(inputs, fmt, "conv")
    k = _kernel(kernel, spatial, "conv")
    strides = per_axis(strides, spatial, "strides", "conv")
    dilation = per_axis(dilation_rate, spatial, "dilation_rate", "conv")
    return spatial_output(_run_conv(x, k, spatial, strides, mode, dilation, "conv"), fmt)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own `multiplier` filters: `kernel` is (*kernel_size, in, multiplier)
    and the output has in * multiplier channels (channel c's filters next to each other)."""
    fmt, mode = _formats(data_format, padding, "depthwise_conv")
    x, spatial = spatial_input(inputs, fmt, "depthwise_conv")
    k = _kernel(kernel, spatial, "depthwise_conv")
    if k.shape[-2] != x.shape[1]:
        raise ValueError(f"keras.ops.depthwise_conv: kernel shape {tuple(k.shape)} is for {k.shape[-2]} input "
                         f"channels, the inputs have {x.shape[1]}")
    grouped = k.reshape(*k.shape[:spatial], 1, k.shape[-2] * k.shape[-1])
    strides = per_axis(strides, spatial, "strides", "depthwise_conv")
    dilation = per_axis(dilation_rate, spatial, "dilation_rate", "depthwise_conv")
    return spatial_output(_run_conv(x, grouped, spatial, strides, mode, dilation, "depthwise_conv"), fmt)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """depthwise_conv with `depthwise_kernel`, then a 1x1 conv with `pointwise_kernel` (1, ..., in * multiplier,
    out)."""
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """The transposed convolution (the gradient of `conv` with respect to its input): `kernel` is
    (*kernel_size, out, in); each spatial size becomes Keras's deconv output length."""
    fmt, mode = _formats(data_format, padding, "conv_transpose")
    x, spatial = spatial_input(inputs, fmt, "conv_transpose")
    k = _kernel(kernel, spatial, "conv_transpose")
    if k.shape[-1] != x.shape[1]:
        raise ValueError(f"keras.ops.conv_transpose: kernel shape {tuple(k.shape)} is for {k.shape[-1]} input "
                         f"channels (its last axis), the inputs have {x.shape[1]}")
    strides = per_axis(strides, spatial, "strides", "conv_transpose")
    dilation = per_axis(dilation_rate, spatial, "dilation_rate", "conv_transpose")
    extra = (None,) * spatial if output_padding is None else _output_padding(output_padding, spatial)
    weight = ag.permute(k, (spatial + 1, spatial) + tuple(range(spatial)))
    full = _CONV_T[spatial](x, weight, stride=strides, dilation=dilation)
    crops = [_transpose_crops((k.shape[a] - 1) * dilation[a] + 1, strides[a], mode, extra[a]) for a in range(spatial)]
    index = (slice(None), slice(None)) + tuple(slice(max(left, 0), full.shape[2 + a] - max(right, 0))
                                               for a, (left, right) in enumerate(crops))
    y = full[index]
    pads = tuple(v for left, right in reversed(crops) for v in (max(-left, 0), max(-right, 0)))
    if any(pads):
        y = F.pad(y, pads)
    return spatial_output(y, fmt)


def _output_padding(value, count):
    values = (value,) * count if isinstance(value, int) else tuple(value)
    if len(values) != count or any(v < 0 for v in values):
        raise ValueError(f"keras.ops.conv_transpose: output_padding must be an int or {count} non-negative ints, "
                         f"got {value!r}")
    return values


def _transpose_crops(kernel, stride, mode, extra):
    """(left, right) amounts cut from the unpadded transposed result along one axis (negative: zeros added), the
    window Keras's backends agree on: 'valid' adds `extra` (default max(kernel, stride) - kernel) at the end;
    'same' pads the dilated input by stride + kernel - 2 in all (kernel + kernel % 2 - 2 + extra when `extra` is
    given), the larger half first but at most kernel - 1."""
    if mode == "valid":
        return 0, -(max(kernel, stride) - kernel if extra is None else extra)
    total = stride + kernel - 2 if extra is None else kernel + kernel % 2 - 2 + extra
    left = min(total - total // 2, kernel - 1)
    return kernel - 1 - left, kernel - 1 - (total - left)


def _formats(fmt, padding, op):
    return data_format(fmt, op), padding_mode(padding, op)
