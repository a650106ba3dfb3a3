"""Upsample: resize the spatial dimensions by a size or a scale factor (nn.functional.interpolate)."""
from ..functional.interpolate import interpolate
from ..module import Module


class Upsample(Module):
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs to `size` or by `scale_factor` with `mode`
    'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic' or 'area'."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        try:
            self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) else (
                tuple(float(f) for f in scale_factor) if scale_factor is not None else None)
        except (TypeError, ValueError) as exc:   # the type float() raised, as PyTorch's interpolate raises it
            raise type(exc)(f"{self.name}: scale_factor must be a number or a tuple of numbers, got "
                            f"{scale_factor!r} ({exc})") from None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        what = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode 'nearest' on (N, C, H, W)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode 'bilinear' and align_corners=True on (N, C, H, W)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
