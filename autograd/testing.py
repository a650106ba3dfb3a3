"""`ag.testing`, as torch.testing: assert_close (tensors, NumPy arrays, numbers, and sequences or mappings of
them, with PyTorch's per-dtype default tolerances) and make_tensor (random test tensors)."""
import collections.abc
import numbers
import warnings

import numpy as np

from .bf16_dtype import float32_if_bf16, is_bf16
from .creation import tensor as _tensor
from .tensor import Tensor

#: (rtol, atol) when neither is given, by dtype: PyTorch's defaults (integers and bools compare exactly)
DEFAULT_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
                      np.dtype(np.float64): (1e-7, 1e-7)}
#: PyTorch's for bfloat16 (whose dtype exists only once the optional ml_dtypes package is imported)
_BF16_TOLERANCES = (1.6e-2, 1e-5)


def _tolerances(dtype, rtol, atol):
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"assert_close: give both rtol and atol, or neither (got no {missing})")
    if rtol is not None:
        return float(rtol), float(atol)
    if is_bf16(dtype):
        return _BF16_TOLERANCES
    return DEFAULT_TOLERANCES.get(np.dtype(dtype), (0.0, 0.0))


def _compare_arrays(actual, expected, rtol, atol, equal_nan, kind, path):
    a, b = actual.astype(np.float64), expected.astype(np.float64)
    exact = rtol == 0 and atol == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = np.abs(a - b)
        close = difference <= atol + rtol * np.abs(b)
        close |= a == b   # equal infinities
        if equal_nan:
            close |= np.isnan(a) & np.isnan(b)
        if close.all():
            return
        relative = difference / np.abs(b)
    suffix = f"\n\nThe failure occurred for item {path}" if path else ""
    if actual.ndim == 0:
        title = "Scalars are not equal!" if exact else "Scalars are not close!"
        limits = ("", "") if exact else (f" (up to {atol} allowed)", f" (up to {rtol} allowed)")
        raise AssertionError(f"{title}\n\nExpected {expected.item()} but got {actual.item()}.\n"
                             f"Absolute difference: {difference.item()}{limits[0]}\n"
                             f"Relative difference: {relative.item()}{limits[1]}{suffix}")
    bad = int((~close).sum())
    worst_abs = np.unravel_index(np.nanargmax(np.where(close, -1, np.nan_to_num(difference, nan=np.inf))),
                                 close.shape)
    worst_rel = np.unravel_index(np.nanargmax(np.where(close, -1, np.nan_to_num(relative, nan=np.inf))),
                                 close.shape)
    title = f"{kind} are not equal!" if exact else f"{kind} are not close!"
    limits = ("", "") if exact else (f" (up to {atol} allowed)", f" (up to {rtol} allowed)")
    share = 100.0 * bad / close.size
    raise AssertionError(
        f"{title}\n\nMismatched elements: {bad} / {close.size} ({share:.1f}%)\n"
        f"Greatest absolute difference: {_number(difference[worst_abs], actual.dtype)} at index "
        f"{tuple(int(i) for i in worst_abs)}{limits[0]}\n"
        f"Greatest relative difference: {_number(relative[worst_rel], np.float64)} at index "
        f"{tuple(int(i) for i in worst_rel)}{limits[1]}{suffix}")


def _number(value, dtype):
    return int(value) if np.dtype(dtype).kind in "iub" and np.isfinite(value) else float(value)


def _check_attributes(actual, expected, check_device, check_dtype, check_stride, path):
    suffix = f"\n\nThe failure occurred for item {path}" if path else ""
    if tuple(actual.shape) != tuple(expected.shape):
        raise AssertionError(f"The shapes do not match: {actual.shape} != {expected.shape}.{suffix}")
    if check_dtype and actual.dtype != expected.dtype:
        raise AssertionError(f"The dtypes do not match: {actual.dtype} != {expected.dtype}; pass check_dtype=False "
                             f"to compare values across dtypes.{suffix}")
    if check_device and isinstance(actual, Tensor) and str(actual.device) != str(expected.device):
        raise AssertionError(f"The devices do not match: {actual.device} != {expected.device}; pass "
                             f"check_device=False to compare across devices.{suffix}")
    if check_stride and isinstance(actual, Tensor) and actual.stride() != expected.stride():
        raise AssertionError(f"The strides do not match: {actual.stride()} != {expected.stride()}.{suffix}")


def _as_array(value):
    return np.asarray(value.detach()) if isinstance(value, Tensor) else np.asarray(value)   # bfloat16 too


def _pair_kind(actual, expected, allow_subclasses):
    for cls in (Tensor, np.ndarray):
        if isinstance(actual, cls) and isinstance(expected, cls):
            return cls
    if isinstance(actual, (numbers.Number, np.generic)) and isinstance(expected, (numbers.Number, np.generic)):
        if allow_subclasses or type(actual) is type(expected) or isinstance(actual, np.generic) \
                or isinstance(expected, np.generic):
            return numbers.Number
    return None


def _compare(actual, expected, rtol, atol, equal_nan, check_device, check_dtype, check_stride, allow_subclasses,
             path):
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match: {sorted(map(str, actual))} != "
                                 f"{sorted(map(str, expected))}.")
        for key in actual:
            _compare(actual[key], expected[key], rtol, atol, equal_nan, check_device, check_dtype, check_stride,
                     allow_subclasses, f"{path}[{key!r}]")
        return
    if isinstance(actual, collections.abc.Sequence) and isinstance(expected, collections.abc.Sequence) \
            and not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise AssertionError(f"The lengths of the sequences do not match: {len(actual)} != {len(expected)}.")
        for i, (a, b) in enumerate(zip(actual, expected)):
            _compare(a, b, rtol, atol, equal_nan, check_device, check_dtype, check_stride, allow_subclasses,
                     f"{path}[{i}]")
        return
    kind = _pair_kind(actual, expected, allow_subclasses)
    if kind is None:
        raise TypeError(f"assert_close: cannot compare {type(actual).__name__} with {type(expected).__name__}; "
                        f"give two tensors, two NumPy arrays, two numbers, or sequences/mappings of them")
    if kind is numbers.Number:
        a, b = np.asarray(actual), np.asarray(expected)
        dtype = np.float64 if a.dtype.kind in "fc" or b.dtype.kind in "fc" else np.int64
        low, high = _tolerances(dtype, rtol, atol)
        _compare_arrays(a, b, low, high, equal_nan, "Scalars", path)
        return
    _check_attributes(actual, expected, check_device, check_dtype, check_stride, path)
    a, b = _as_array(actual), _as_array(expected)
    dtype = np.promote_types(a.dtype, b.dtype)
    low, high = _tolerances(dtype, rtol, atol)
    a, b = a.astype(float32_if_bf16(a.dtype), copy=False), b.astype(float32_if_bf16(b.dtype), copy=False)
    _compare_arrays(a, b, low, high, equal_nan, "Tensor-likes", path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless `actual` and `expected` have the same shape, dtype and device and every
    element satisfies |actual - expected| <= atol + rtol * |expected| (tolerances from the dtype unless given;
    NaNs equal only with equal_nan=True). Sequences and mappings are compared item by item. `msg` replaces
    the message (a callable receives the generated one)."""
    try:
        _compare(actual, expected, rtol, atol, equal_nan, check_device, check_dtype, check_stride,
                 allow_subclasses, "")
    except AssertionError as error:
        if msg is None:
            raise
        text = msg(str(error)) if callable(msg) else msg
        raise AssertionError(text) from None


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A random tensor for tests: floats uniform in [low, high) (default [-9, 9)), integers in [low, high)
    (default [-9, 10), from 0 for unsigned), bools at random; exclude_zero replaces zeros."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dtype = np.dtype(dtype)
    rng = np.random.default_rng()
    if dtype == np.bool_:
        values = rng.integers(0, 2, shape).astype(np.bool_)
    elif dtype.kind in "iu":
        low = (0 if dtype.kind == "u" else -9) if low is None else int(np.ceil(low))
        high = 10 if high is None else int(np.ceil(high))
        if high <= low:
            raise ValueError(f"make_tensor: low ({low}) must be below high ({high})")
        values = rng.integers(low, high, shape).astype(dtype)
        if exclude_zero:
            values[values == 0] = 1
    else:
        low, high = (-9.0 if low is None else float(low)), (9.0 if high is None else float(high))
        if high < low:
            raise ValueError(f"make_tensor: low ({low}) must not be above high ({high})")
        values = rng.uniform(low, high, shape).astype(dtype)
        if exclude_zero:
            values[values == 0] = np.finfo(dtype).tiny
    if noncontiguous and values.size > 1:
        doubled = np.repeat(values[..., None], 2, axis=-1)
        result = _tensor(doubled, device=device)[..., 0]
    else:
        result = _tensor(values, device=device)
    return result.requires_grad_(requires_grad) if requires_grad else result


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """The older torch.testing check: assert_close with NaNs equal and no dtype or device check; numbers and
    arrays on either side are compared as tensors."""
    warnings.warn("assert_allclose is deprecated (as in PyTorch); use assert_close", FutureWarning, stacklevel=2)
    actual, expected = (x if isinstance(x, Tensor) else _tensor(np.asarray(x)) for x in (actual, expected))
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=False,
                 check_dtype=False, msg=msg or None)
