"""Shared argument handling for keras.ops' convolution, pooling and image functions: Keras's channels-last layout
turned into deepgrad's channels-first one and back, per-axis tuples, and 'same' padding as Keras computes it."""
import autograd as ag
from autograd.errors import ArgumentRangeError

from .. import functional as F
from . import config
from .layers.conv import same_pads
from .ops_args import _float, _t


def data_format(value, op):
    """'channels_last' (Keras's default for None) or 'channels_first'; anything else is an error naming `op`."""
    value = value or config.image_data_format()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"keras.ops.{op}: data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return value


def spatial_input(inputs, fmt, op, min_spatial=1, max_spatial=3):
    """`inputs` (batch, *spatial, channels) or (batch, channels, *spatial) as a float channels-first Tensor and
    its number of spatial axes."""
    x = _float(inputs)
    spatial = x.ndim - 2
    if not min_spatial <= spatial <= max_spatial:
        raise ValueError(f"keras.ops.{op}: inputs must have {min_spatial + 2} to {max_spatial + 2} axes (batch, "
                         f"spatial..., channels); got shape {tuple(x.shape)}")
    if fmt == "channels_last":
        x = ag.permute(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))
    return x, spatial


def spatial_output(y, fmt):
    """A channels-first result back in `fmt`."""
    if fmt == "channels_last":
        return ag.permute(y, (0,) + tuple(range(2, y.ndim)) + (1,))
    return y


def per_axis(value, count, name, op):
    """An int or a sequence of `count` ints as a tuple of `count` ints."""
    value = (value,) if isinstance(value, int) else tuple(value)
    if len(value) == 1:
        value = value * count
    if len(value) != count or not all(isinstance(v, int) and v > 0 for v in value):
        raise ArgumentRangeError(f"keras.ops.{op}: {name} must be a positive int or {count} positive ints, got "
                                 f"{value!r}")
    return value


def padding_mode(padding, op):
    """'valid' or 'same' (any case)."""
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"keras.ops.{op}: padding must be 'valid' or 'same', got {padding!r}")
    return mode


def pad_same(x, kernel, strides, dilation=None, value=0.0):
    """Channels-first `x` padded as Keras's 'same' padding pads it (the odd extra at the end of each axis)."""
    dilation = dilation or (1,) * len(kernel)
    pads = []
    for axis in reversed(range(len(kernel))):   # F.pad lists the last axis first
        pads.extend(same_pads(x.shape[2 + axis], kernel[axis], strides[axis], dilation[axis]))
    return F.pad(x, tuple(pads), value=value) if any(pads) else x


def image_batch(images, fmt, op):
    """`images` (a batch or one image, in `fmt`) as a channels-last batch, and how to undo that for
    image_restore."""
    x = _t(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"keras.ops.image.{op}: images must be (N, H, W, C) or (H, W, C), got shape "
                         f"{tuple(x.shape)}")
    single = x.ndim == 3
    x = x.unsqueeze(0) if single else x
    first = data_format(fmt, f"image.{op}") == "channels_first"
    return (ag.permute(x, (0, 2, 3, 1)) if first else x), (single, first)


def image_restore(y, how):
    """A channels-last batch back in the layout image_batch found."""
    single, first = how
    y = ag.permute(y, (0, 3, 1, 2)) if first else y
    return y.squeeze(0) if single else y
