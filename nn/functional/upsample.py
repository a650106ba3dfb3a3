"""The deprecated spellings of interpolate (F.upsample, upsample_nearest, upsample_bilinear): each warns, as
PyTorch does, and resizes with interpolate (upsample_bilinear with align_corners=True)."""
import warnings

from .interpolate import interpolate


def _deprecated(name):
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", UserWarning,
                  stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """interpolate(input, size, scale_factor, mode, align_corners), with a deprecation warning."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Nearest-neighbour resizing (interpolate with mode='nearest'), with a deprecation warning."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Bilinear resizing of a 4-D input with align_corners=True (the corner pixels stay aligned), with a
    deprecation warning."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
