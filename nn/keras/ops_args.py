"""How keras.ops takes its arguments: Tensors, NumPy arrays or Python numbers. The ops convert them with `_t`
(as convert_to_tensor makes them: Keras 3's dtype rules exactly, so NumPy float64 data stays float64 as on
Keras's torch backend; a Python number beside a Tensor stays a number)."""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.bf16_dtype import is_bf16
from autograd.errors import UnsupportedDtypeError

from . import settings
from . import ops_dtype_rules as rules
from .dtypes import result_type, standardize_dtype


def _as_operand(x, dtype=None):
    """`x` as a Tensor for an op's own use: Tensors unchanged unless `dtype` differs; anything else as
    convert_to_tensor makes it (Keras's dtypes: [1, 2] and 3 are int32, a NumPy array keeps its dtype)."""
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    if dtype is None:
        return x
    dtype = rules.numpy_dtype(dtype)
    return x if x.dtype == dtype else x.astype(dtype)


def _python_scalar_dtype(x):
    """Keras's (torch backend) dtype for a Python number: bool, int32 (int64 beyond int32's range), floatx(),
    complex64. NumPy's float64 scalar is a Python float, so it follows the float rule too, as in Keras."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int64" if x < -2 ** 31 or x >= 2 ** 31 else "int32"
    return settings.floatx() if isinstance(x, float) else "complex64"


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a Tensor with Keras 3's dtype rules (torch backend): Tensors, NumPy arrays and NumPy integer or bool
    scalars keep their dtype (uint32 becomes int64); Python numbers become bool, int32 (int64 beyond its range),
    floatx() or complex64; a list or tuple takes Keras's result_type of its elements, which is 32-bit ([1, 2] is
    int32, [1.0, 2] float32, a list of float64 values float32), and one holding Tensors is stacked. `dtype`
    overrides all of these."""
    if sparse:
        raise ValueError("keras.ops.convert_to_tensor: sparse tensors are not supported; pass sparse=False")
    if ragged:
        raise ValueError("keras.ops.convert_to_tensor: ragged tensors are not supported; pass ragged=False")
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == rules.numpy_dtype(standardize_dtype(dtype)) else \
            x.astype(rules.numpy_dtype(standardize_dtype(dtype)))
    if isinstance(x, (bool, int, float, complex)):
        return ag.tensor(np.asarray(x, dtype=rules.numpy_dtype(standardize_dtype(dtype or _python_scalar_dtype(x)))))
    if isinstance(x, (list, tuple)):
        if any(isinstance(item, Tensor) for item in x):
            return ag.stack([convert_to_tensor(item, dtype) for item in x])
        if dtype is None:
            leaves = _leaves(x)
            try:
                dtype = result_type(*[getattr(leaf, "dtype", type(leaf)) for leaf in leaves])
            except ValueError:   # strings and other non-numbers: NumPy's dtype, as before
                return ag.tensor(np.asarray(x))
        return ag.tensor(_exact_array(x, rules.numpy_dtype(standardize_dtype(dtype))))
    array = np.asarray(x)
    if array.dtype == np.uint32:   # as Keras's torch backend, which has no uint32
        array = array.astype(np.int64)
    result = ag.tensor(array)
    return result if dtype is None else convert_to_tensor(result, dtype)


def _exact_array(x, dtype):
    """np.asarray(x, dtype) that refuses, as torch does, Python ints that do not fit `dtype`."""
    try:
        return np.asarray(x, dtype=dtype)
    except OverflowError as error:
        raise ValueError(f"keras.ops.convert_to_tensor: a value of {x!r} does not fit {dtype} ({error}); pass "
                         "dtype='int64' or a NumPy array of the dtype you want") from None


def convert_to_numpy(x):
    """`x` as a NumPy array of its values now: a copy for a Tensor, so that weights updated in place later (by
    an optimizer step, a batch-norm update, assign) do not change it, as they do not in Keras (which reads a
    tensor that requires grad too). A bfloat16 tensor gives an ml_dtypes bfloat16 array, as Keras's does."""
    if not isinstance(x, Tensor):
        return np.asarray(x)
    if is_bf16(x.dtype):   # Tensor.numpy() refuses bfloat16, as torch's does; Keras's converts it through float32
        return x.detach().float().numpy().astype(x.dtype)
    return np.array(x.detach().numpy())


_t = _as_operand


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


def float_kernel_input(x, op):
    """x as a float tensor for an activation whose torch kernel has no integer or bool form: Keras's torch backend
    refuses such a tensor ('not implemented for Long'), so it is refused here by name (NotImplementedError)."""
    x = _t(x)
    if x.dtype.kind in "iub":
        raise UnsupportedDtypeError(f"keras.ops.{op}: not implemented for {x.dtype} inputs (shape {tuple(x.shape)}), "
                                    "as in Keras's torch backend; cast first with keras.ops.cast(x, 'float32')")
    return x


def _uint8_if_bool(x):
    """x as uint8 when it is bool (torch's argmax/argmin refuse bool; Keras casts first), else x."""
    return x.to(np.uint8) if x.dtype == np.bool_ else x
