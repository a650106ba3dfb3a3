"""Unflatten: split one dimension into several (the inverse of Flatten)."""
import math
import numbers

from autograd.ops.dims import check_tensor
from autograd.errors import DimRangeError, ShapeError

from ..module import Module


class Unflatten(Module):
    """Reshape dimension `dim` of the input into `unflattened_size` (one entry may be -1)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
            raise TypeError(f"Unflatten: dim must be an int, got {dim!r}")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple or list of ints, got {unflattened_size!r}")
        self.dim, self.unflattened_size = int(dim), tuple(int(s) for s in unflattened_size)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        ndim = input.ndim
        if not -ndim <= self.dim < ndim:
            raise DimRangeError(f"{self!r}: dim {self.dim} is out of range for an input of shape {input.shape} "
                                f"(expected a dim in [{-ndim}, {ndim - 1}])")
        dim = self.dim % ndim
        n = input.shape[dim]
        sizes = self.unflattened_size
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) > 1 or (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
            raise ShapeError(f"{self!r}: cannot split dimension {dim} of size {n} (input shape {input.shape}) into "
                             f"{sizes}; their product must equal {n} (one entry may be -1)")
        return input.reshape(*input.shape[:dim], *sizes, *input.shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
