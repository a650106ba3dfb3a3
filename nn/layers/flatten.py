"""Flatten: merge dimensions into one (by default everything after the batch axis)."""
from autograd.ops.dims import check_tensor

from ..module import Module


class Flatten(Module):
    """Merge axes start_axis..end_axis (default: all but the batch axis)."""

    def __init__(self, start_axis=1, end_axis=-1):
        super().__init__()
        self.start_axis = start_axis
        self.end_axis = end_axis

    def forward(self, x):
        check_tensor(type(self).__name__, x)
        return x.flatten(self.start_axis, self.end_axis)

    def extra_repr(self):
        return f"start_axis={self.start_axis}, end_axis={self.end_axis}"
