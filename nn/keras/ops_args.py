"""How keras.ops takes its arguments: Tensors, NumPy arrays or Python numbers, converted the Keras way
(float64 data becomes floatx(), float32 by default; a Python number beside a Tensor stays a number)."""
import numpy as np

import autograd as ag
from autograd import Tensor

from . import settings


def convert_to_tensor(x, dtype=None, sparse=None):
    """`x` as a Tensor (Tensors unchanged unless `dtype` differs; float64 data becomes floatx())."""
    if sparse:
        raise ValueError("keras.ops.convert_to_tensor: sparse tensors are not supported")
    if not isinstance(x, Tensor):
        array = np.asarray(x)
        if dtype is None and array.dtype == np.float64:
            array = array.astype(settings.floatx())
        x = ag.tensor(array)
    return x if dtype is None or x.dtype == np.dtype(dtype) else x.astype(np.dtype(dtype))


def convert_to_numpy(x):
    """`x` as a NumPy array of its values now: a copy for a Tensor, so that weights updated in place later (by
    an optimizer step, a batch-norm update, assign) do not change it, as they do not in Keras."""
    return np.array(x.numpy()) if isinstance(x, Tensor) else np.asarray(x)


_t = convert_to_tensor


def _pair(x1, x2):
    """Operands of a binary op: a Python number stays a number beside a Tensor (no float64 promotion)."""
    if isinstance(x1, Tensor) or isinstance(x2, Tensor):
        return (x1 if isinstance(x1, (Tensor, int, float, bool)) else _t(x1),
                x2 if isinstance(x2, (Tensor, int, float, bool)) else _t(x2))
    return _t(x1), x2 if isinstance(x2, (int, float, bool)) else _t(x2)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _float(x):
    x = _t(x)
    return x.float() if x.dtype.kind in "iub" else x
