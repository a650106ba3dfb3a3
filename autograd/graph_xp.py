"""The array namespace backward formulas see under create_graph: NumPy's names, acting on Tensors.

Backward code calls `ctx.xp.exp(x)`, `ctx.xp.where(...)` and so on; normally `ctx.xp` is numpy or
cupy, and for higher-order gradients it is this module, so the same formula records a graph.
"""
import numpy

from .ops import complex_ops as _C
from .ops import elementwise as _E
from .ops import joining as _J
from .ops import shape as _S
from .ops import trig as _T
from .tensor import Tensor

exp = _E.exp
real = _C.real
imag = _C.imag
conj = _C.conj
log = _E.log
log1p = _E.log1p
sqrt = _E.sqrt
abs = _E.abs
sign = _E.sign
sin = _E.sin
cos = _E.cos
tanh = _E.tanh
sinh = _T.sinh
cosh = _T.cosh
maximum = _E.maximum
minimum = _E.minimum
where = _E.where
broadcast_to = _S.broadcast_to
flip = _S.flip
concatenate = _J.concatenate
stack = _J.stack


def ones(shape, dtype=bool):
    """A constant array of ones (used for masks)."""
    return numpy.ones(shape, dtype=dtype)


def zeros_like(x):
    """A constant Tensor of zeros with x's shape, dtype and device (a gradient that is zero everywhere)."""
    return Tensor._make(x._device.xp.zeros_like(x._data), x._device, None, 0, False)
