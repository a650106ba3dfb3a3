"""The dtypes deepgrad tensors use (NumPy's), and the promotion rules for Python scalars."""
import numpy as np

from . import complex_forms, half_forms, unsigned_limits
from .bf16_dtype import bfloat16_dtype, is_bf16, names_bf16

# np.dtype objects, the kind a tensor's .dtype holds, so that `x.dtype in {ag.float32}`, dict keys and
# `ag.float32.itemsize` behave as torch.float32 does (NumPy's scalar types hash apart from their dtypes)
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
#: PyTorch's "limited support" unsigned dtypes: made, copied, indexed, multiplied, summed; most other ops refuse them
uint16 = np.dtype(np.uint16)
uint32 = np.dtype(np.uint32)
uint64 = np.dtype(np.uint64)
bool_ = np.dtype(np.bool_)
complex64 = np.dtype(np.complex64)
complex128 = np.dtype(np.complex128)

#: the default float dtype, in a one-element list so that set_default_dtype changes it for every module
_default_float = [np.dtype(np.float32)]
#: the dtypes set_default_dtype takes (PyTorch's floating types that NumPy holds)
_DEFAULT_CHOICES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


class UnsupportedDataError(TypeError, RuntimeError):
    """Data a tensor cannot hold (strings, None, dicts): a TypeError, and a RuntimeError as PyTorch raises for
    None and other objects ("Could not infer dtype of NoneType")."""


class UnreadableValuesError(UnsupportedDataError, ValueError):
    """Values no dtype holds: strings in a list ("too many dimensions 'str'") or integers past int64 ("Overflow
    when unpacking long long"), for which PyTorch raises ValueError."""


def get_default_dtype():
    """The dtype of new floating-point tensors when none is given: float32 unless changed by
    set_default_dtype (as torch.get_default_dtype)."""
    return _default_float[0]


def set_default_dtype(d):
    """Make `d` (float16, bfloat16, float32 or float64) the dtype of new floating-point tensors, as
    torch.set_default_dtype: tensors from Python floats, the factories (zeros, rand, arange with floats,
    ...), module parameters, and integer tensors promoted by a float scalar or a float-valued op."""
    try:
        dtype = None if d is None else np.dtype(d)   # np.dtype(None) would be float64
    except TypeError:
        dtype = None
    if dtype is not None and is_bf16(dtype):   # bfloat16, as PyTorch allows it (ops compute it in float32)
        half_forms.note_half(dtype)
        _default_float[0] = dtype
        return
    if dtype is None or dtype.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {d!r}; "
                        "pass ag.float32, ag.float64, ag.float16 or ag.bfloat16")
    if dtype not in _DEFAULT_CHOICES:
        raise TypeError(f"set_default_dtype: {dtype} is not supported; pass ag.float32, ag.float64, ag.float16 or "
                        "ag.bfloat16")
    _default_float[0] = dtype


def default_complex_or_none():
    """The default complex dtype, or None under a bfloat16 default (which has none): for code that only asks."""
    return None if is_bf16(_default_float[0]) else get_default_complex_dtype()


def get_default_complex_dtype():
    """The dtype of Python complex numbers made into tensors: complex128 when the default float dtype is
    float64, complex64 otherwise (PyTorch's rule); a bfloat16 default has none, as in PyTorch."""
    if is_bf16(_default_float[0]):
        raise RuntimeError("complex numbers: the default dtype is bfloat16, which has no complex form (PyTorch: "
                           "'invalid default scalar type for complex'); pass dtype=ag.complex64, or "
                           "ag.set_default_dtype(ag.float32) first")
    return np.dtype(np.complex128) if _default_float[0] == np.float64 else np.dtype(np.complex64)


def complex_dtype_of(dtype):
    """The complex dtype whose parts hold `dtype`'s precision: complex128 for float64 (and complex128),
    complex64 for the narrower floats (NumPy has no complex32) and complex64."""
    return np.dtype(np.complex128) if np.dtype(dtype) in (np.float64, np.complex128) else np.dtype(np.complex64)


def real_dtype_of(dtype):
    """The float dtype of a complex dtype's parts: float64 for complex128, float32 for complex64."""
    return np.dtype(np.float64) if np.dtype(dtype) == np.complex128 else np.dtype(np.float32)


def is_floating(dtype):
    """True for float16/32/64, bfloat16 (and other inexact) dtypes."""
    dtype = np.dtype(dtype)
    return dtype.kind in "fc" or is_bf16(dtype)


#: dtype kinds a tensor may hold: bool, signed and unsigned integers, floats, complex numbers
_SUPPORTED_KINDS = "biufc"
#: the complex dtypes tensors hold (NumPy has no complex32)
_COMPLEX = (np.dtype(np.complex64), np.dtype(np.complex128))
_KIND_NAMES = {"c": "complex", "O": "object", "U": "string", "S": "bytes", "V": "structured",
               "M": "datetime", "m": "timedelta"}


def check_supported(op, dtype):
    """`dtype` as a NumPy dtype when tensors can hold it (bool, int, uint, float, bfloat16, complex64/128); a
    TypeError naming the op and the dtype otherwise (object, string, datetime... data would be computed wrongly)."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        if not names_bf16(dtype):
            raise
        dtype = bfloat16_dtype(op)   # the name 'bfloat16' before ml_dtypes was imported (or without it)
    if dtype.kind not in _SUPPORTED_KINDS:
        if is_bf16(dtype):
            half_forms.note_half(dtype)
            return dtype
        kind = _KIND_NAMES.get(dtype.kind, "unsupported")
        error = UnreadableValuesError if dtype.kind in "US" else UnsupportedDataError
        raise error(f"{op}: {kind} data (dtype {dtype}) is not supported; tensors hold bool, integer, floating-point "
                    "or complex values. Convert it first, e.g. np.asarray(data, dtype=np.float32)")
    if dtype.kind == "u" and dtype.itemsize > 1:
        unsigned_limits.note(dtype)   # ops start refusing what PyTorch refuses on uint16/32/64 (unsigned_limits.py)
    elif dtype is half_forms.F16:
        half_forms.note_half(dtype)   # ops start computing float16 arrays in float32 (autograd/half_forms.py)
    elif dtype.kind == "c":
        if dtype not in _COMPLEX:
            raise TypeError(f"{op}: complex data (dtype {dtype}) is not supported; complex tensors are complex64 or "
                            "complex128 (convert with .astype(np.complex128))")
        complex_forms.note_complex()
    return dtype


def ragged_error(op, data):
    """The ValueError for nested lists whose rows differ in length, naming the first dim where they do (as
    PyTorch's 'expected sequence of length 2 at dim 1 (got 1)'); None when `data` is not ragged that way."""
    level, dim = [data], 0
    while True:
        rows = [x for x in level if isinstance(x, (list, tuple))]
        if not rows:
            return None
        if len(rows) != len(level):
            return ValueError(f"{op}: the nested data mixes numbers and sequences at dim {dim}; every entry at one "
                              f"depth must be a number or every one a sequence of the same length")
        lengths = sorted({len(r) for r in rows})
        if len(lengths) > 1:
            return ValueError(f"{op}: the nested lists have different lengths at dim {dim} ({lengths}); a "
                              f"tensor needs rows of one length: pad them (e.g. nn.utils.rnn.pad_sequence) or make "
                              f"one tensor per row")
        level, dim = [x for r in rows for x in r], dim + 1


_PLAIN = frozenset((bool, int, float, complex))


#: the order of dtype kinds in promotion: bool < ints < floats < complex
PROMOTION_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def promotion_kind(dtype):
    """The dtype's NumPy kind, 'f' for bfloat16 (whose NumPy kind is 'V')."""
    return "f" if is_bf16(dtype) else dtype.kind


def castable(source, target):
    """PyTorch's can_cast on NumPy dtypes: whether an in-place op may store a `source` result in a `target`
    tensor (never complex into real, a float into an integer or bool, nor any non-bool into bool)."""
    if source.kind == "c" and target.kind != "c":
        return False
    if promotion_kind(source) == "f" and target.kind in "iub":
        return False
    return not (source.kind != "b" and target.kind == "b")


def promoted(a, b):
    """PyTorch's promote_types on NumPy dtypes: a float wins over any int or bool (float16 with int64 stays
    float16, unlike NumPy), bool loses to anything, ints widen as NumPy's do."""
    if a == b:
        return a
    if (a in unsigned_limits.LIMITED or b in unsigned_limits.LIMITED) and not (
            promotion_kind(a) == "f" or promotion_kind(b) == "f"):
        raise unsigned_limits.promotion_error(a, b)   # PyTorch promotes uint16/32/64 with floats only
    ca, cb = PROMOTION_CATEGORY[promotion_kind(a)], PROMOTION_CATEGORY[promotion_kind(b)]
    if ca != cb:
        high, low = (a, b) if ca > cb else (b, a)
        if high.kind == "c" and low.kind == "f" and low == np.float64:
            return np.dtype(np.complex128)   # the complex type that holds the float's precision
        return high
    return np.promote_types(a, b)


def _first_leaf(data):
    """The first item of a (nested) list that is not itself a non-empty list or tuple."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _sequence_dtype(data):
    """ag.tensor's dtype for a (nested) list that holds NumPy scalars, arrays or tensors: every item's dtype
    promoted as PyTorch promotes (a Python int counts as int64, a float as the default float dtype), so
    [np.int32(1), np.int32(2)] stays int32 (NumPy's asarray agrees there, but not on [np.float32(1), 2.0]);
    None for a list of Python numbers only."""
    dtypes, pending, typed = set(), [data], False
    while pending:
        items = pending.pop()
        kinds = set(map(type, items))
        if kinds <= _PLAIN:   # the common case, Python numbers only, at C speed
            dtypes |= kinds
            continue
        for item in items:
            if type(item) in _PLAIN:
                dtypes.add(type(item))
            elif isinstance(item, (list, tuple)):
                pending.append(item)
            elif getattr(item, "dtype", None) is not None:
                try:
                    dtypes.add(np.dtype(item.dtype))
                except TypeError:   # a dtype NumPy does not know (another library's tensor): NumPy decides
                    return None
                typed = True
            else:
                return None   # something else (a str, an object with __array__): NumPy decides, as before
    if not typed:
        return None
    scalar = {bool: np.dtype(np.bool_), int: np.dtype(np.int64), float: _default_float[0],
              complex: get_default_complex_dtype()}
    result = None
    for dtype in dtypes:
        dtype = scalar.get(dtype, dtype)
        result = dtype if result is None else promoted(result, dtype)
    return result


def infer_dtype(data):
    """The dtype ag.tensor gives `data` when none is asked for: arrays and NumPy scalars keep theirs, Python
    floats become the default float dtype (float32 unless set_default_dtype changed it)."""
    if isinstance(data, np.generic):  # NumPy scalars keep their dtype (np.float64 is also a Python float)
        return data.dtype
    if isinstance(data, bool):
        return np.dtype(np.bool_)
    if isinstance(data, int):
        return np.dtype(np.int64)
    if isinstance(data, float):
        return _default_float[0]
    if isinstance(data, complex):
        return get_default_complex_dtype()
    if isinstance(data, (list, tuple)) and type(_first_leaf(data)) not in _PLAIN:
        # NumPy scalars, arrays or tensors inside: PyTorch's promotion over every item; a list that starts with a
        # Python number is taken as Python numbers (scanning every item would double the cost of ag.tensor(list))
        typed = _sequence_dtype(data)
        if typed is not None:
            return typed
    try:
        arr = np.asarray(data)
    except ValueError:
        error = ragged_error("tensor", data)
        if error is None:
            raise
        raise error from None
    if arr.dtype.kind == "f":
        return _default_float[0] if not isinstance(data, np.ndarray) else arr.dtype
    if arr.dtype.kind == "c" and not isinstance(data, np.ndarray):
        return get_default_complex_dtype()
    if arr.dtype.kind in "iu" and not isinstance(data, np.ndarray):
        return np.dtype(np.int64)
    return arr.dtype
