"""Pixel shuffle (trade channels for spatial resolution and back) and channel shuffle."""
import numbers

import autograd as ag
from autograd.function import named
from autograd.ops.dims import check_tensor
from autograd.errors import ArgumentRangeError, ShapeError, SizeTypeError


def _check(input, factor, op, name):
    check_tensor(op, input)
    if not isinstance(factor, numbers.Integral) or isinstance(factor, bool):
        raise SizeTypeError(f"{op}: {name} must be a positive int, got {type(factor).__name__} {factor!r}")
    if factor < 1:
        raise ArgumentRangeError(f"{op}: {name} must be a positive int, got {factor!r}")
    if input.ndim < 3:
        raise ShapeError(f"{op}: expects an input (*, C, H, W) with at least 3 dimensions, got shape "
                         f"{tuple(input.shape)}; add the channel dim with unsqueeze")
    return int(factor)


def _keep_channels_last(input, out):
    """`out` laid out channels-last when the 4-D `input` is (PyTorch's CPU shuffles keep that layout)."""
    if input.ndim == 4 and not input.is_contiguous() and input.is_contiguous(memory_format=ag.channels_last):
        return out.contiguous(memory_format=ag.channels_last)
    return out


def pixel_shuffle(input, upscale_factor):
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r) with r = upscale_factor: each group of r * r channels
    becomes an r x r block of pixels."""
    r = _check(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(f"pixel_shuffle: the channel dimension {c} of input {input.shape} must be divisible by "
                         f"upscale_factor ** 2 = {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    order = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
    return named(_keep_channels_last(input, x.permute(order).reshape(*lead, c // (r * r), h * r, w * r)),
                 "PixelShuffleBackward0")


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) -> (*, C * r * r, H, W) with r = downscale_factor: the inverse of pixel_shuffle."""
    r = _check(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ShapeError(f"pixel_unshuffle: the height {h} and width {w} of input {input.shape} must be divisible "
                         f"by downscale_factor {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    order = tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3)
    return named(_keep_channels_last(input, x.permute(order).reshape(*lead, c * r * r, h // r, w // r)),
                 "PixelUnshuffleBackward0")


def channel_shuffle(input, groups):
    """(N, C, *) -> (N, C, *) with the channels, seen as a (groups, C // groups) grid, read column-wise:
    channel g * (C // groups) + i moves to i * groups + g (ShuffleNet's shuffle)."""
    op = "channel_shuffle"
    check_tensor(op, input)
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if input.ndim < 3:
        raise ValueError(f"{op}: expects an input (N, C, *) with at least 3 dimensions, got shape {input.shape}")
    n, c, *rest = input.shape
    if c % groups:
        raise ShapeError(f"{op}: the {c} channels of input {input.shape} must be divisible by groups={groups}")
    return named(_keep_channels_last(input, input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
                                     .reshape(n, c, *rest)), "ChannelShuffleBackward0")
