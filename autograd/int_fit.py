"""Python ints stored into integer tensors as PyTorch stores them: a number in the dtype's range as it is, a
negative one down to -max into an unsigned dtype wrapped around (-1 into uint8 is 255, as two's complement), and
anything else refused with a clear error (NumPy raises a bare OverflowError for all but the first)."""
import numbers

import numpy as np


class IntOverflowError(OverflowError, RuntimeError):
    """An int outside an integer dtype's range: an OverflowError, and a RuntimeError as PyTorch raises for it
    ("value cannot be converted to type int8 without overflow")."""


def fitted(value, dtype, op):
    """`value` as an integer tensor of `dtype` stores it (see the module's docstring); anything that is not a
    Python int, or a dtype that is not an integer one, is returned unchanged."""
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        return value
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        return value
    info = np.iinfo(dtype)
    value = int(value)
    if info.min <= value <= info.max:
        return value
    if dtype == np.uint64 and value < 0:   # PyTorch reads the int as a C uint64 here, which takes no sign
        raise IntOverflowError(f"{op}: the negative value {value} cannot be stored in a uint64 tensor (PyTorch: "
                               "\"can't convert negative int to unsigned\"); use int64, or add 2**64 yourself")
    if dtype.kind == "u" and -int(info.max) <= value < 0:
        return value + int(info.max) + 1
    lowest = -int(info.max) if dtype.kind == "u" else int(info.min)
    raise IntOverflowError(f"{op}: the value {value} cannot be stored in a tensor of dtype {dtype} without "
                           f"overflow (it takes {lowest}..{info.max}), as in PyTorch; use a wider dtype such as int64")


def fitted_array(data, dtype, op):
    """The (nested) list or number `data` as a NumPy array of the integer `dtype`, each int fitted as above."""
    values = np.asarray(data)
    if values.dtype.kind not in "iuO":
        return values.astype(dtype)
    flat = [fitted(v, dtype, op) for v in values.reshape(-1).tolist()]
    return np.asarray(flat, dtype=dtype).reshape(values.shape)


def fitted_number(value, dtype, op):
    """A Python number for an integer tensor's scalar argument (threshold's value, hardtanh's limits), as PyTorch
    converts it: an int as `fitted`, a float inside the dtype's range truncated toward zero, else refused."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu" or not isinstance(value, numbers.Real) or isinstance(value, numbers.Integral):
        return fitted(value, dtype, op)
    info = np.iinfo(dtype)
    if not info.min <= value <= info.max:
        raise IntOverflowError(f"{op}: the value {value} cannot be converted to {dtype} without overflow (it takes "
                               f"{info.min}..{info.max}), as in PyTorch; use a float tensor or a number in range")
    return int(value)

