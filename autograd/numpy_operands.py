"""NumPy operands of Tensor operators, as PyTorch reads them.

A NumPy array on the left of a Tensor operator first asks the array, which defers to the Tensor
(`Tensor.__array_priority__`); PyTorch's reflected operators then answer NotImplemented for an array, so Python
raises its own TypeError (`ndarray * t`, `ndarray @ t`, `ndarray < t`), except `ndarray / t` (computed, as the
reciprocal times the array) and `ndarray == t` (compared). `ndarray != t` and `t != ndarray` fall back to
identity (True), as in PyTorch. NumPy scalars are numbers, read as PyTorch's argument parser reads them.
"""
import numpy as np


def torch_number(x):
    """The Python number PyTorch reads the NumPy scalar `x` as: an integer as an int, a bool_ as a float (0.0 or
    1.0), a float as a float, a complex128 as a complex, and a complex64 as its real part, with NumPy's
    ComplexWarning. Anything that is not a NumPy number comes back unchanged."""
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, complex):
        return complex(x)
    if isinstance(x, (np.bool_, np.number)):
        return float(x)
    return x


def left_operand(x):
    """`x` as PyTorch's reflected operators take it from the left of a Tensor: NotImplemented for a NumPy array
    (of any dimension), a NumPy scalar as `torch_number` reads it, anything else unchanged."""
    if isinstance(x, np.ndarray):
        return NotImplemented
    if isinstance(x, np.generic):
        return torch_number(x)
    return x
