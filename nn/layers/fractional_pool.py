"""FractionalMaxPool2d / FractionalMaxPool3d: max pooling over windows whose starts step pseudo-randomly so
that the output has any size between the input's and half of it (see nn/functional/fractional_pool.py)."""
from ..functional._args import pair
from ..functional.conv3d import triple
from ..functional.fractional_pool import _ratios, fractional_max_pool2d, fractional_max_pool3d
from ..module import Module


class FractionalMaxPool2d(Module):
    """(N, C, H, W) or (C, H, W) -> (N, C, oH, oW): the maximum of each kernel_size window, the windows placed
    by fresh random samples on every call unless `_random_samples` (N, C, 2) is given (kept as a buffer).
    Give output_size, or output_ratio in (0, 1) for int(H * ratio) x int(W * ratio)."""

    _spatial = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        op = type(self).__name__
        tuple_of = pair if self._spatial == 2 else triple
        self.kernel_size = tuple_of(kernel_size, "kernel_size", op, 1)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else tuple_of(output_size, "output_size", op, 0)
        self.output_ratio = None if output_ratio is None else _ratios(op, output_ratio, self._spatial)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{op}: give output_size or output_ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{op}: give only one of output_size and output_ratio, got both")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{op}: output_ratio must lie strictly between 0 and 1, got {output_ratio!r}")

    def forward(self, input):
        return fractional_max_pool2d(input, self.kernel_size, self.output_size, self.output_ratio,
                                     self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool3d(FractionalMaxPool2d):
    """(N, C, T, H, W) or (C, T, H, W) -> (N, C, oT, oH, oW): the maximum of each kernel_size window, the
    windows placed by fresh random samples on every call unless `_random_samples` (N, C, 3) is given (kept as
    a buffer). Give output_size, or output_ratio in (0, 1) for the input size times it, rounded down."""

    _spatial = 3

    def forward(self, input):
        return fractional_max_pool3d(input, self.kernel_size, self.output_size, self.output_ratio,
                                     self.return_indices, _random_samples=self._random_samples)
