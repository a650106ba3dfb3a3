"""torch.finfo / torch.iinfo: the limits of a float or integer dtype, as Python numbers."""
import numpy as np

from .bf16_dtype import bfloat16_finfo, is_bf16
from .dtypes import get_default_dtype


class finfo:
    """Machine limits of a floating dtype (the default float dtype when none is given; a complex dtype gives its
    real part's, as PyTorch's): bits, eps, max, min, tiny (= smallest_normal) and resolution as Python floats,
    dtype as its name."""

    def __init__(self, type=None):
        dtype = np.dtype(get_default_dtype() if type is None else type)
        if dtype.kind == "c":
            dtype = np.dtype(f"f{dtype.itemsize // 2}")
        if is_bf16(dtype):   # ml_dtypes' finfo knows it; NumPy's does not
            info = bfloat16_finfo()
        elif dtype.kind != "f":
            raise TypeError(f"finfo: {dtype} is not a floating-point dtype; use iinfo for integers")
        else:
            info = np.finfo(dtype)
        self.bits, self.dtype = info.bits, dtype.name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")

    def __eq__(self, other):
        """Equal when both describe the same dtype (as PyTorch's finfo objects compare)."""
        return isinstance(other, finfo) and vars(self) == vars(other)

    __hash__ = None   # unhashable, as PyTorch's


class iinfo:
    """Machine limits of an integer dtype: bits, max and min as Python ints, dtype as its name."""

    def __init__(self, type):
        dtype = np.dtype(type)
        if dtype.kind == "b":
            raise TypeError("iinfo: bool is not supported (as in PyTorch); its limits are False and True")
        if dtype.kind not in "iu":
            raise TypeError(f"iinfo: {dtype} is not an integer dtype; use finfo for floating-point dtypes")
        info = np.iinfo(dtype)
        self.bits, self.dtype = info.bits, dtype.name
        self.max, self.min = int(info.max), int(info.min)

    def __repr__(self):
        # PyTorch prints the limits in %g form (int64's as -9.22337e+18), which is exact up to 16 bits
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    def __eq__(self, other):
        """Equal when both describe the same dtype (as PyTorch's iinfo objects compare)."""
        return isinstance(other, iinfo) and vars(self) == vars(other)

    __hash__ = None   # unhashable, as PyTorch's
