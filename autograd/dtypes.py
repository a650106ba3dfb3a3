"""The dtypes deepgrad tensors use (NumPy's), and the promotion rules for Python scalars."""
import numpy as np

float16 = np.float16
float32 = np.float32
float64 = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
bool_ = np.bool_

default_float = np.dtype(np.float32)


def is_floating(dtype):
    """True for float16/32/64 (and other inexact) dtypes."""
    return np.dtype(dtype).kind in "fc" or str(dtype) == "bfloat16"


#: dtype kinds a tensor may hold: bool, signed and unsigned integers, floats
_SUPPORTED_KINDS = "biuf"
_KIND_NAMES = {"c": "complex", "O": "object", "U": "string", "S": "bytes", "V": "structured",
               "M": "datetime", "m": "timedelta"}


def check_supported(op, dtype):
    """`dtype` as a NumPy dtype when tensors can hold it (bool, int, uint, float); a TypeError naming the op and
    the dtype otherwise (complex, object, string, datetime... data would be computed wrongly, so it is refused)."""
    dtype = np.dtype(dtype)
    if dtype.kind not in _SUPPORTED_KINDS:
        kind = _KIND_NAMES.get(dtype.kind, "unsupported")
        raise TypeError(f"{op}: {kind} data (dtype {dtype}) is not supported; tensors hold bool, integer or "
                        "floating-point values. Convert it first, e.g. np.asarray(data, dtype=np.float32)"
                        + (" (or split real and imaginary parts)" if dtype.kind == "c" else ""))
    return dtype


def infer_dtype(data):
    """The dtype ag.tensor gives `data` when none is asked for: arrays and NumPy scalars keep theirs, Python
    floats become float32."""
    if isinstance(data, np.generic):  # NumPy scalars keep their dtype (np.float64 is also a Python float)
        return data.dtype
    if isinstance(data, bool):
        return np.dtype(np.bool_)
    if isinstance(data, int):
        return np.dtype(np.int64)
    if isinstance(data, float):
        return default_float
    arr = np.asarray(data)
    if arr.dtype.kind == "f":
        return default_float if not isinstance(data, np.ndarray) else arr.dtype
    if arr.dtype.kind in "iu" and not isinstance(data, np.ndarray):
        return np.dtype(np.int64)
    return arr.dtype
