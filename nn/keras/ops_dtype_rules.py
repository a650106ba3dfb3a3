"""The result dtypes Keras 3 (torch backend) gives its ops, shared by the keras.ops functions. Keras's result_type
is always 32-bit off TensorFlow, so an op it computes through result_type turns float64 into float32 and int64
into int32: `promoted` is that result_type of the operands, `float_result` the same with a Python float among
them; the rest name the few per-op rules (integer sums in int32 for bools, int64 giving float64 in some float
ops, ...). Python numbers count weakly only where Keras reads them as `type(x)`, not converted first."""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentKindError

from .dtypes import result_type
from . import settings


def _dtype(x, weak):
    """An operand's dtype for result_type: a Tensor's own; a Python int or float stays weak (Keras's
    getattr(x, 'dtype', type(x))) when `weak`, else counts as the tensor Keras would make of it."""
    if isinstance(x, Tensor):
        return x.dtype.name
    if isinstance(x, (np.dtype, str)):
        return np.dtype(x).name
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)):
        return type(x) if weak else ("int32" if isinstance(x, int) else settings.floatx())
    return np.asarray(x).dtype.name


def promoted(*operands, weak=False):
    """Keras's result_type of the operands' dtypes (an operand may be a dtype itself), as a NumPy dtype."""
    return np.dtype(result_type(*[_dtype(x, weak) for x in operands]))


def float_result(*operands, weak=False):
    """Keras's result_type of the operands' dtypes and a Python float: floatx() for integers and bools, the float
    dtype itself for narrower floats, float32 for float64."""
    return np.dtype(result_type(*[_dtype(x, weak) for x in operands], float))


def float_unless_int64(x):
    """The float dtype of Keras's floor, ceil and norm: floatx() for int64, else result_type(x, float)."""
    return np.dtype(settings.floatx()) if x.dtype == np.int64 else float_result(x)


def float_or_float64(*operands):
    """The dtype of Keras's heaviside and hypot: their result_type, with 32-bit-or-narrower integers giving
    floatx() and int64 float64 (bool and floats stay)."""
    dtype = promoted(*operands)
    if dtype == np.int64:
        return np.dtype("float64")
    return np.dtype(settings.floatx()) if dtype.kind in "iu" else dtype


def float_keeping_int64(x):
    """The float dtype of Keras's cbrt, deg2rad, rad2deg, i0 and corrcoef: float64 for int64, floatx() for other
    integers and bools, a float's own dtype."""
    if x.dtype == np.int64:
        return np.dtype("float64")
    return np.dtype(settings.floatx()) if x.dtype.kind in "iub" else x.dtype


def reduced_int(dtype):
    """The dtype of Keras's sum, nansum and trace of `dtype`: bool and 8/16-bit integers sum in int32, other
    dtypes keep theirs."""
    dtype = np.dtype(dtype)
    return np.dtype("int32") if dtype.name in ("bool", "uint8", "int8", "int16") else dtype


def product_dtype(dtype):
    """The dtype of Keras's prod of `dtype`: its 32-bit result_type, with bool and 8/16-bit integers in int32."""
    return reduced_int(result_type(np.dtype(dtype).name))


def running_dtype(dtype):
    """The dtype of Keras's cumsum and cumprod of `dtype`: its 32-bit result_type, with bool in int32 (int8 stays
    int8, unlike prod)."""
    dtype = np.dtype(result_type(np.dtype(dtype).name))
    return np.dtype("int32") if dtype == np.bool_ else dtype


def both_as(a, b, dtype):
    """Two operands (Tensors or Python numbers) as Tensors of `dtype`."""
    return tuple(cast(v, dtype) if isinstance(v, Tensor) else ag.tensor(np.asarray(v, dtype)) for v in (a, b))


def numpy_dtype(dtype):
    """The NumPy dtype a Keras dtype argument names ('bfloat16' included, which NumPy knows only once ml_dtypes
    is imported: ag.bfloat16 imports it); Keras's 'Invalid dtype' refusal otherwise."""
    try:
        return np.dtype(ag.bfloat16) if isinstance(dtype, str) and dtype == "bfloat16" else np.dtype(dtype)
    except TypeError:
        raise ArgumentKindError(f"keras: Invalid dtype: {dtype!r}; give a dtype name such as 'float32', 'int64' or "
                                f"'bool'") from None


def cast(x, dtype):
    """`x` in `dtype` (unchanged when it already is)."""
    dtype = numpy_dtype(dtype)
    return x if x.dtype == dtype else x.astype(dtype)
