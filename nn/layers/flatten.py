"""Flatten: merge dimensions into one (by default everything after the batch dim)."""
from autograd.ops.dims import check_tensor

from ..module import Module


class Flatten(Module):
    """Merge dims start_dim..end_dim (default: all but the batch dim); PyTorch's names, with NumPy's
    start_axis/end_axis accepted too."""

    def __init__(self, start_dim=1, end_dim=-1, *, start_axis=None, end_axis=None):
        super().__init__()
        self.start_dim = start_dim if start_axis is None else start_axis
        self.end_dim = end_dim if end_axis is None else end_axis

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
