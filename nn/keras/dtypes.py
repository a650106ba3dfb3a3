"""Keras's dtype helpers: standardize_dtype, is_float_dtype, is_int_dtype and result_type (Keras's JAX-style
type promotion lattice, as Keras 3 applies it on a non-TensorFlow backend)."""
import functools

import numpy as np

from . import settings as config

ALLOWED_DTYPES = ("float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
                  "int64", "bfloat16", "bool", "string", "float8_e4m3fn", "float8_e5m2", "complex64", "complex128")
_PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32", complex: "complex64"}
_FLOAT8 = ("float8_e4m3fn", "float8_e5m2")
_WEAK = ("int", "float")
# each dtype -> the dtypes immediately above it (Keras adapted this lattice from JAX)
_LATTICE = {"bool": ["int"], "uint8": ["int16", "uint16"], "uint16": ["int32", "uint32"], "uint32": ["int64", "uint64"],
            "uint64": ["float"], "int": ["uint8", "int8", "complex64"], "int8": ["int16"], "int16": ["int32"],
            "int32": ["int64"], "int64": ["float"], "float": ["bfloat16", "float16"], "bfloat16": ["float32"],
            "float16": ["float32"], "float32": ["float64", "complex64"], "float64": ["complex128"],
            "complex64": ["complex128"], "complex128": []}
# Keras keeps results 32-bit off TensorFlow (JAX's default)
_TO_32_BIT = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def standardize_dtype(dtype):
    """A dtype (None for floatx, a Python type, a NumPy/torch dtype or a name) as Keras's string name; ValueError
    'Invalid dtype: ...' for anything else."""
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, (type, str)) and dtype in _PYTHON_DTYPES:
        dtype = _PYTHON_DTYPES[dtype]
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        dtype = np.dtype(dtype).name
    elif hasattr(dtype, "name"):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    elif "torch" in str(dtype) or "jax.numpy" in str(dtype):
        dtype = str(dtype).split(".")[-1]
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype):
    """Whether `dtype` is a floating-point dtype (bfloat16 included)."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("float") or dtype.startswith("bfloat")


def is_int_dtype(dtype):
    """Whether `dtype` is a signed or unsigned integer dtype."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("int") or dtype.startswith("uint")


def _upper_bounds():
    bounds = {node: {node} for node in _LATTICE}
    for node in _LATTICE:
        while True:
            more = set().union(*(_LATTICE[b] for b in bounds[node]))
            if more <= bounds[node]:
                break
            bounds[node] |= more
    return bounds


_UPPER = _upper_bounds()


@functools.lru_cache(512)
def _least_upper_bound(*nodes):
    nodes = set(nodes)
    for n in nodes:
        if n not in _UPPER:
            raise ValueError(f"dtype={n!r} is not a valid dtype for Keras type promotion.")
    common = set.intersection(*(_UPPER[n] for n in nodes))
    least = (common & nodes) or {c for c in common if common <= _UPPER[c]}
    if len(least) != 1:
        raise ValueError(f"Input dtypes {tuple(str(n) for n in nodes)} have no available implicit dtype promotion "
                         "path. Try explicitly casting inputs to the desired output type.")
    return least.pop()


def _weak(dtype, weak):
    if not weak or dtype == "bool":
        return dtype
    for kind in ("float", "int", "complex"):
        if kind in dtype:
            return kind
    raise ValueError(f"Invalid value for argument `dtype`. Expected one of {ALLOWED_DTYPES}. Received: dtype={dtype}")


def _resolve_weak(dtype, precision):
    indicator = "f" if dtype == "bfloat16" else dtype[:1]
    if indicator == "b":
        return "bool"
    return {"i": f"int{precision}", "u": f"uint{precision}"}.get(indicator, f"float{precision}")


def result_type(*dtypes):
    """The dtype Keras gives an op on inputs of these dtypes (Python int/float count as weak types); floatx()
    for none."""
    if not dtypes:
        return config.floatx()
    if any(d in _FLOAT8 for d in dtypes if isinstance(d, str)):
        raise ValueError(f"There is no implicit conversions from float8 dtypes to others. You must cast it internally. "
                         f"Received: {dtypes}")
    args = [config.floatx() if d is None else d for d in dtypes]
    names = [standardize_dtype(a) for a in args]
    weak = [a is int or a is float for a in args]
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(*{_weak(d, False) for d in names}), True
    else:
        out = _least_upper_bound(*{_weak(d, w) for d, w in zip(names, weak)})
        out_weak = out in _WEAK
    if out != "bool" and out_weak:
        out = _resolve_weak(out, config.floatx()[-2:])
    return _TO_32_BIT.get(out, out)
