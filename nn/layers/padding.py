"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1, 2 and 3 dimensions):
each holds its pad tuple and calls F.pad."""
import numbers

from ..functional.padding import pad
from ..module import Module


class _PadNd(Module):
    """Pads the last `dims` dimensions by `padding` (an int for every side, or 2 * dims ints, last dimension
    first: (left, right, top, bottom, front, back))."""

    dims = 1
    mode = "constant"
    value = None

    def __init__(self, padding):
        super().__init__()
        name, n = type(self).__name__, 2 * self.dims
        if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
            padding = (int(padding),) * n
        elif not (isinstance(padding, (tuple, list)) and len(padding) == n and all(
                isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in padding)):
            raise ValueError(f"{name}: padding must be an int or a tuple of {n} ints, got {padding!r}")
        self.padding = tuple(int(p) for p in padding)

    def forward(self, input):
        try:
            return pad(input, self.padding, self.mode, self.value)
        except ValueError as err:   # F.pad names itself; name the layer and its padding too
            raise ValueError(f"{self!r}: {err}") from None

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Pads with a constant `value`."""

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with `value`."""


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dimensions with `value`."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dimensions with `value`."""

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pads the last dimension with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ZeroPad1d):
    """Pads the last two dimensions with zeros."""

    dims = 2


class ZeroPad3d(ZeroPad1d):
    """Pads the last three dimensions with zeros."""

    dims = 3


class ReflectionPad1d(_PadNd):
    """Pads the last dimension with its mirror image about the edge (the edge not repeated)."""

    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Pads the last two dimensions with their mirror image about the edges."""

    dims = 2


class ReflectionPad3d(ReflectionPad1d):
    """Pads the last three dimensions with their mirror image about the edges."""

    dims = 3


class ReplicationPad1d(_PadNd):
    """Pads the last dimension by repeating its edge values."""

    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Pads the last two dimensions by repeating their edge values."""

    dims = 2


class ReplicationPad3d(ReplicationPad1d):
    """Pads the last three dimensions by repeating their edge values."""

    dims = 3


class CircularPad1d(_PadNd):
    """Pads the last dimension by wrapping around (the far end's values)."""

    mode = "circular"


class CircularPad2d(CircularPad1d):
    """Pads the last two dimensions by wrapping around."""

    dims = 2


class CircularPad3d(CircularPad1d):
    """Pads the last three dimensions by wrapping around."""

    dims = 3
