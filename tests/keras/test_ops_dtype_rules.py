"""keras.ops result dtypes (and values) against real Keras 3 on the torch backend, op by op and input dtype by input
dtype: the ops Keras computes in result_type(..., float) (32-bit results for float64 inputs), its integer
reductions (int32 for int32 and bool), Python lists and numbers as inputs (int32, float32), and the smaller cases
(full with a tensor shape, correlate, nonzero)."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

_FLOAT = [[0.5, -1.5, 2.0], [3.0, 0.25, -0.75]]
_INT = [[1, -2, 3], [4, 0, -6]]
_BOOL = [[True, False, True], [False, False, True]]
# input name -> (NumPy data made into a tensor; None for a Python value passed as is)
_ARRAYS = {"float32": np.array(_FLOAT, np.float32), "float64": np.array(_FLOAT, np.float64),
           "float16": np.array(_FLOAT, np.float16), "int32": np.array(_INT, np.int32),
           "int64": np.array(_INT, np.int64), "int8": np.array(_INT, np.int8), "uint8": np.array(np.abs(_INT), np.uint8),
           "bool": np.array(_BOOL)}
_PYTHON = {"list_int": [[1, 2, 3], [4, 5, 6]], "list_float": [[1.5, 2.0, 3.0], [4.0, 5.0, 6.0]], "int": 3,
           "float": 2.5}


def _input(name, torch_side):
    if name in _PYTHON:
        return _PYTHON[name]
    if torch_side:
        import torch
        return torch.tensor(_ARRAYS[name])
    return ag.tensor(_ARRAYS[name].copy())


def _as_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_as_numpy(v) for v in value]
    if isinstance(value, ag.Tensor):
        return value.numpy()
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _dtype_name(array):
    return [_dtype_name(a) for a in array] if isinstance(array, list) else str(array.dtype)


def _compare(fn, names):
    """fn(ops, *inputs) on Keras and on ours: the same dtype(s), shape(s) and values."""
    real_keras()
    import keras
    theirs = _as_numpy(fn(keras.ops, *[_input(n, True) for n in names]))
    mine = _as_numpy(fn(ours.ops, *[_input(n, False) for n in names]))
    assert _dtype_name(mine) == _dtype_name(theirs), f"dtype {_dtype_name(mine)}, Keras's {_dtype_name(theirs)}"
    for a, b in zip(mine if isinstance(mine, list) else [mine], theirs if isinstance(theirs, list) else [theirs]):
        assert a.shape == b.shape, f"shape {a.shape}, Keras's {b.shape}"
        tolerance = 2e-3 if b.dtype == np.float16 else 1e-5   # half precision: rounding order differs
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=tolerance, atol=tolerance,
                                   equal_nan=True)


def _skip_if_keras_refuses(fn, names):
    """Cases real Keras itself rejects (an op without an integer kernel, say) are not ours to match."""
    real_keras()
    import keras
    try:
        fn(keras.ops, *[_input(n, True) for n in names])
    except Exception as error:   # noqa: BLE001 (any refusal of Keras's)
        pytest.skip(f"Keras refuses these inputs: {type(error).__name__}: {str(error)[:80]}")


def _check(fn, names):
    _skip_if_keras_refuses(fn, names)
    _compare(fn, names)


# ----- group 1: ops Keras computes in result_type(..., float) or result_type(...) (32-bit results) -------------
_UNARY_FLOAT_RULE = {
    "ceil": lambda o, x: o.ceil(x), "floor": lambda o, x: o.floor(x),
    "average": lambda o, x: o.average(x, axis=0), "median": lambda o, x: o.median(x),
    "nanmean": lambda o, x: o.nanmean(x, axis=1), "nanmedian": lambda o, x: o.nanmedian(x),
    "nanprod": lambda o, x: o.nanprod(x, axis=1), "nanstd": lambda o, x: o.nanstd(x),
    "nanvar": lambda o, x: o.nanvar(x, axis=0), "norm": lambda o, x: o.norm(x), "prod": lambda o, x: o.prod(x), "prod_axis": lambda o, x: o.prod(x, axis=0),
    "cumsum": lambda o, x: o.cumsum(x), "cumprod": lambda o, x: o.cumprod(x, axis=1),
    "nancumsum": lambda o, x: o.nancumsum(x, axis=0), "nancumprod": lambda o, x: o.nancumprod(x),
    "var": lambda o, x: o.var(x), "std": lambda o, x: o.std(x, axis=1), "mean": lambda o, x: o.mean(x),
    "quantile": lambda o, x: o.quantile(x, 0.25), "percentile": lambda o, x: o.percentile(x, 40.0, axis=1),
    "nanquantile": lambda o, x: o.nanquantile(x, 0.5, axis=0),
}
_UNARY_FLOAT_RULE.update({
    name: (lambda n: lambda o, x: getattr(o, n)(x))(name)
    for name in ("sqrt", "exp", "log", "sin", "tanh", "sigmoid", "softmax", "log_softmax", "logsumexp", "erf",
                 "gelu", "silu", "softplus", "elu", "selu", "cbrt", "exp2", "log2", "reciprocal", "rsqrt",
                 "deg2rad", "sinc", "argsort", "sort", "all", "isnan", "cosh", "arctan", "log1p", "expm1",
                 "leaky_relu", "hard_sigmoid", "softsign", "log_sigmoid", "celu", "corrcoef", "i0", "fabs")
})
_BINARY_FLOAT_RULE = {
    name: (lambda n: lambda o, a, b: getattr(o, n)(a, b))(name)
    for name in ("arctan2", "cross", "divide_no_nan", "floor_divide", "fmax", "fmin", "heaviside", "hypot", "inner",
                 "logaddexp", "logaddexp2", "maximum", "minimum", "nextafter", "tensordot", "dot", "divide",
                 "add", "subtract", "multiply", "mod", "fmod", "power")
}
_BINARY_FLOAT_RULE["dot"] = lambda o, a, b: o.dot(a, o.transpose(b))
_BINARY_FLOAT_RULE["average_weights"] = lambda o, a, b: o.average(a, axis=1, weights=b)
_BINARY_FLOAT_RULE["matmul"] = lambda o, a, b: o.matmul(a, o.transpose(b))
_BINARY_FLOAT_RULE["einsum"] = lambda o, a, b: o.einsum("ij,ij->i", a, b)
_BINARY_FLOAT_RULE["vdot"] = lambda o, a, b: o.vdot(a, b)
_BINARY_FLOAT_RULE["ldexp"] = lambda o, a, b: o.ldexp(a, o.cast(b, "int32"))
_BINARY_FLOAT_RULE["correlate"] = lambda o, a, b: o.correlate(o.ravel(a), o.ravel(b)[:2], mode="full")
_BINARY_FLOAT_RULE["kron"] = lambda o, a, b: o.kron(a, b)
_BINARY_FLOAT_RULE["outer"] = lambda o, a, b: o.outer(a, b)
_BINARY_FLOAT_RULE["clip"] = lambda o, a, b: o.clip(a, -1, 2)
_BINARY_FLOAT_RULE["where"] = lambda o, a, b: o.where(o.greater(a, 0), a, b)
_TENSORS = ("float32", "float64", "float16", "int32", "int64", "int8", "uint8", "bool")
_PAIRS = [(d, d) for d in _TENSORS] + [("float32", "float64"), ("float64", "float32"), ("int32", "float64"),
                                        ("int32", "float32"), ("bool", "int32"), ("int32", "int64"),
                                        ("float64", "int"), ("int32", "float"), ("float64", "float"),
                                        ("bool", "float")]


@pytest.mark.parametrize("dtype", _TENSORS)
@pytest.mark.parametrize("op", sorted(_UNARY_FLOAT_RULE))
def test_unary_ops_follow_keras_result_type(op, dtype):
    _check(_UNARY_FLOAT_RULE[op], [dtype])


@pytest.mark.parametrize("dtypes", _PAIRS, ids="-".join)
@pytest.mark.parametrize("op", sorted(_BINARY_FLOAT_RULE))
def test_binary_ops_follow_keras_result_type(op, dtypes):
    if op == "average_weights" and dtypes[1] in _PYTHON:
        pytest.skip("a scalar weight is outside average's contract (NumPy refuses it)")
    _check(_BINARY_FLOAT_RULE[op], list(dtypes))


# ----- group 2: integer reductions and integer-keeping activations ------------------------------------------------
_INTEGER_RULE = {
    "sum": lambda o, x: o.sum(x), "sum_axis": lambda o, x: o.sum(x, axis=1), "nansum": lambda o, x: o.nansum(x),
    "trace": lambda o, x: o.trace(x), "square": lambda o, x: o.square(x), "relu6": lambda o, x: o.relu6(x),
    "hard_tanh": lambda o, x: o.hard_tanh(x), "relu": lambda o, x: o.relu(x), "abs": lambda o, x: o.abs(x),
    "round": lambda o, x: o.round(x), "trunc": lambda o, x: o.trunc(x), "sign": lambda o, x: o.sign(x),
    "max": lambda o, x: o.max(x, axis=0), "amin": lambda o, x: o.amin(x), "ptp": lambda o, x: o.ptp(x),
    "count_nonzero": lambda o, x: o.count_nonzero(x), "argmax": lambda o, x: o.argmax(x),
    "heaviside_self": lambda o, x: o.heaviside(x, x),
}


@pytest.mark.parametrize("dtype", _TENSORS)
@pytest.mark.parametrize("op", sorted(_INTEGER_RULE))
def test_integer_reductions_and_activations(op, dtype):
    _check(_INTEGER_RULE[op], [dtype])


# ----- group 3: Python lists and numbers as inputs ---------------------------------------------------------------
_PYTHON_INPUTS_UNARY = {
    name: (lambda n: lambda o, x: getattr(o, n)(x))(name)
    for name in ("abs", "negative", "sign", "square", "sum", "prod", "cumsum", "cumprod", "amax", "max", "min",
                 "nansum", "nanmax", "nanprod", "nancumsum", "zeros_like", "ones_like", "empty_like", "copy",
                 "flip", "sort", "ravel", "transpose", "squeeze", "relu", "round", "trunc", "nan_to_num",
                 "unique", "bitwise_not", "ptp", "relu6", "hard_tanh", "mean", "var", "floor", "ceil")
}
_PYTHON_INPUTS_UNARY["empty_like"] = lambda o, x: o.zeros_like(o.empty_like(x))   # its values are arbitrary
_PYTHON_INPUTS_UNARY.update({
    "diag": lambda o, x: o.diag(x), "tril": lambda o, x: o.tril(x), "triu": lambda o, x: o.triu(x),
    "diff": lambda o, x: o.diff(x), "rot90": lambda o, x: o.rot90(x), "fliplr": lambda o, x: o.fliplr(x),
    "trace": lambda o, x: o.trace(x), "concatenate": lambda o, x: o.concatenate(x), "stack": lambda o, x: o.stack(x),
    "hstack": lambda o, x: o.hstack(x), "vstack": lambda o, x: o.vstack(x), "dstack": lambda o, x: o.dstack(x),
    "diagflat": lambda o, x: o.diagflat(x),
})
_PYTHON_INPUTS_BINARY = {
    name: (lambda n: lambda o, a, b: getattr(o, n)(a, b))(name)
    for name in ("add", "subtract", "multiply", "power", "mod", "fmod", "floor_divide", "maximum", "minimum",
                 "fmax", "fmin", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "gcd",
                 "lcm", "outer", "kron", "append", "inner", "divide", "arctan2", "heaviside", "hypot")
}
_PYTHON_INPUTS_BINARY.update({
    "cross": lambda o, a, b: o.cross(a, b), "tensordot": lambda o, a, b: o.tensordot(a, b),
    "dot": lambda o, a, b: o.dot(a, o.transpose(b)), "tile": lambda o, a, b: o.tile(a, 2),
    "repeat": lambda o, a, b: o.repeat(a, 2), "roll": lambda o, a, b: o.roll(a, 1),
})


@pytest.mark.parametrize("kind", ["list_int", "list_float", "int", "float"])
@pytest.mark.parametrize("op", sorted(_PYTHON_INPUTS_UNARY))
def test_python_inputs_unary(op, kind):
    _check(_PYTHON_INPUTS_UNARY[op], [kind])


@pytest.mark.parametrize("kinds", [("list_int", "list_int"), ("list_float", "list_float"), ("int", "int"),
                                   ("list_int", "int"), ("list_int", "float"), ("int32", "list_int"),
                                   ("float64", "list_int"), ("list_float", "int32")], ids="-".join)
@pytest.mark.parametrize("op", sorted(_PYTHON_INPUTS_BINARY))
def test_python_inputs_binary(op, kinds):
    _check(_PYTHON_INPUTS_BINARY[op], list(kinds))


# ----- group 4: the smaller cases --------------------------------------------------------------------------------
@pytest.mark.parametrize("shape_dtype", ["int32", "int64"])
@pytest.mark.parametrize("fill", [1.5, 7, True, [1, 2, 3], [0.5, 1.5, 2.5]])
def test_full_takes_a_tensor_shape(shape_dtype, fill):
    """Keras's torch backend wants a tuple shape (its NumPy backend takes an array too); ours takes an integer
    tensor and gives what Keras gives for the tuple. A non-scalar fill is broadcast, as in Keras."""
    real_keras()
    import keras
    theirs = _as_numpy(keras.ops.full((2, 3), fill))
    mine = ours.ops.full(ours.ops.convert_to_tensor(np.array([2, 3], shape_dtype)), fill).numpy()
    assert mine.dtype == theirs.dtype
    np.testing.assert_array_equal(mine, theirs)


def test_full_with_dtype_and_full_like():
    _check(lambda o: o.full((2, 2), [1.5, 2.5], dtype="int32"), [])
    _check(lambda o: o.full([3], 2, dtype="float64"), [])
    _check(lambda o, x: o.full_like(x, 0.5), ["int32"])
    _check(lambda o, x: o.full_like(x, [1, 2, 3]), ["float32"])


def test_full_refuses_a_float_tensor_shape():
    with pytest.raises(TypeError, match="keras.ops.full.*integer tensor.*float32"):
        ours.ops.full(ours.ops.ones((2,)), 1.0)


def test_correlate_is_one_dimensional():
    """Keras documents correlate for 1-D tensors only (its symbolic form refuses others); ours refuses 2-D ones
    with an error that names the op and the shapes."""
    _check(lambda o: o.correlate(np.array([1.0, 2.0, 3.0], np.float32), np.array([0.5, 1.0], np.float32),
                                 mode="full"), [])
    _check(lambda o, a, b: o.correlate(o.ravel(a), o.ravel(b)[:2]), ["int32", "int32"])
    with pytest.raises(ValueError, match="correlate.*1-D.*\\(2, 3\\)"):
        ours.ops.correlate(ag.tensor(_ARRAYS["float32"]), ag.tensor(_ARRAYS["float32"]))


def test_nonzero_gives_one_int32_index_tensor_per_axis():
    """Keras's documented (backend-independent) result is a tuple of int32 index tensors, one per axis; its torch
    backend alone stacks them into one (ndim, n) tensor. Ours follows the documented form: its rows are the torch
    backend's."""
    real_keras()
    import keras
    theirs = _as_numpy(keras.ops.nonzero(_input("int32", True)))
    mine = ours.ops.nonzero(_input("int32", False))
    assert isinstance(mine, tuple) and len(mine) == 2
    for row, their_row in zip(mine, theirs):
        assert row.dtype == np.int32
        np.testing.assert_array_equal(row.numpy(), their_row)


def test_where_of_a_number_and_take_along_axis_and_unravel_index_without_axis():
    """Smaller sweep findings: where(condition) of a 0-d condition (counted as 1-D), take_along_axis with
    axis=None (both flattened) and unravel_index with an int shape."""
    _check(lambda o: o.where(3), [])
    _check(lambda o, x: o.take_along_axis(x, np.array([[0, 1, 2], [3, 4, 5]])), ["float32"])
    _check(lambda o: o.unravel_index(2, 3), [])
    _check(lambda o: o.unravel_index(np.array([1, 5]), (2, 3)), [])
