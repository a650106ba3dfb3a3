"""LPPool1d / LPPool2d / LPPool3d: power-average pooling, (sum of x ** p over each window) ** (1 / p)."""
from ..functional.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from ..module import Module


class LPPool2d(Module):
    """(sum over each kernel window of x ** norm_type) ** (1 / norm_type) on (N, C, H, W) or (C, H, W)."""

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):
        return lp_pool2d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(LPPool2d):
    """(sum over each window of x ** norm_type) ** (1 / norm_type) on (N, C, L) or (C, L)."""

    def forward(self, input):
        return lp_pool1d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool3d(LPPool2d):
    """(sum over each kernel window of x ** norm_type) ** (1 / norm_type) on (N, C, D, H, W) or (C, D, H, W)."""

    def forward(self, input):
        return lp_pool3d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)
