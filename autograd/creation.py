"""Creating tensors: from data, filled, ranges, identity, random."""
import math
import numbers
import operator

import numpy as np

import backends
from backends.torch_stream import draw_dtype, memory_order

from . import capture, half_forms, type_objects, unsigned_limits
from .grad_mode import make_inference, state as grad_state
from .linspace_steps import linspace_values
from .numpy_warnings import quiet_numpy
from .bf16_dtype import from_torch_bf16
from .errors import ArgumentKindError, ArgumentRangeError, ShapeError, UnsupportedDtypeError
from .int_fit import fitted
from .ops.dtype_args import check_dtype_arg
from .dtypes import (UnreadableValuesError, UnsupportedDataError, check_supported, get_default_complex_dtype,
                     get_default_dtype, real_dtype_of)
from .random_generator import check_generator, default_generator
from .tensor import Tensor
from .ops.dims import check_tensor
from .ops.index_layout import dims_order
from .ops.no_grad_op import no_grad_op


def _device(device):
    return backends.get_default_device() if device is None else backends.get_backend(device)


def _shape(shape, op, size=None):
    if size is not None:   # PyTorch's keyword spelling, zeros(size=(2, 3)) as d2l writes it
        if shape:
            raise TypeError(f"{op}: got sizes both positionally {tuple(shape)!r} and as size={size!r}; pass one "
                            f"of them, e.g. {op}(size={size!r})")
        refuse_int_size(op, size)
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        dims = tuple(operator.index(n) for n in shape)
    except TypeError:   # int() would truncate 2.5 to 2 without a word
        raise TypeError(f"{op}: sizes must be integers, got {tuple(shape)!r}; pass whole numbers, e.g. "
                        f"int(n)") from None
    if dims and min(dims) < 0:
        raise ShapeError(f"{op}: sizes must be non-negative, got {dims}")
    return dims


def refuse_int_size(op, size):
    """PyTorch's TypeError for a size given as one int where a tuple is wanted (size=3, full(3, v)), which NumPy
    would take as the shape (3,) without a word."""
    if isinstance(size, (int, np.integer)) and not isinstance(size, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument 'size' must be tuple of ints, not int ({size}); pass a tuple, e.g. "
                        f"size=({size},)")


def _size_tuple(op, size):
    """A size= argument as a tuple, refused as PyTorch refuses one int or a non-sequence."""
    refuse_int_size(op, size)
    try:
        return tuple(size)
    except TypeError:
        raise TypeError(f"{op}(): argument 'size' must be tuple of ints, not {type(size).__name__} ({size!r}); pass "
                        "a tuple, e.g. size=(2, 3)") from None


def _new(array, device, requires_grad):
    capture.created(array)
    if array.dtype.kind == "V" or array.dtype == half_forms.F16:   # bfloat16 or float16: ops start computing it in
        half_forms.note_half(array.dtype)                         # float32 (autograd/half_forms.py)
    t = Tensor._make(array, device, None, 0, False)
    if grad_state.inference:   # made inside inference_mode: an inference tensor (Tensor.is_inference)
        make_inference(t)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of data, as torch.tensor (NumPy arrays keep their dtype; Python floats
    and lists of them become the default float dtype, float32 unless set_default_dtype changed it).
    `as_tensor` and `from_numpy` share a NumPy array's memory instead."""
    quiet_numpy()   # again, in case a warnings.catch_warnings dropped the filter (pytest: every test)
    check_dtype_arg("tensor", dtype)
    if not isinstance(data, (Tensor, np.ndarray, list, tuple, float, int)):
        bf16 = from_torch_bf16(data)   # a torch.bfloat16 tensor, whose numpy() refuses
        data = data if bf16 is None else bf16
    if data is None:
        raise UnsupportedDataError("tensor: Could not infer dtype of NoneType; give numbers, a (nested) list of "
                                   "them, a NumPy array or a tensor (ag.empty(0) for an empty tensor)")
    # the device resolved here, so that Tensor() reads the data as given (not as the legacy torch.Tensor(...))
    try:
        t = Tensor(data, dtype=dtype, device=_device(device), requires_grad=requires_grad)
    except UnsupportedDataError:
        huge = _int_past_int64(data)
        if huge is None:
            raise
        raise UnreadableValuesError(f"tensor: the integer {huge} does not fit in 64 bits (Overflow when unpacking "
                                    f"long long); give it as a float, float({huge}), or keep values within "
                                    f"[-2**63, 2**64)") from None
    if _shares_memory(t, data):
        t._data = t._data.copy()
    capture.created(t._data)
    return t


def _int_past_int64(data):
    """The first Python int in (nested lists or tuples of) `data` that no 64-bit integer holds, or None."""
    if isinstance(data, (list, tuple)):
        return next((v for v in map(_int_past_int64, data) if v is not None), None)
    return data if isinstance(data, int) and not -2 ** 63 <= data < 2 ** 64 else None


def _shares_memory(t, data):
    """True when the host tensor t wraps the memory of `data` (a NumPy array, a host tensor or another
    object with an array interface) instead of a copy of it."""
    if not t._device.host_memory or isinstance(data, (list, tuple, int, float, bool, complex, str)):
        return False
    if isinstance(data, Tensor):
        if not data._device.host_memory:
            return False
        data = data._data
    try:
        return np.may_share_memory(t._data, data)
    except (TypeError, ValueError):     # objects NumPy cannot view (device arrays) are always copied
        return False


def zeros(*shape, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros."""
    d = _device(device)
    check_dtype_arg("zeros", dtype)
    return _new(d.xp.zeros(_shape(shape, "zeros", size), dtype=dtype or get_default_dtype()), d, requires_grad)


def ones(*shape, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of ones."""
    d = _device(device)
    check_dtype_arg("ones", dtype)
    return _new(d.xp.ones(_shape(shape, "ones", size), dtype=dtype or get_default_dtype()), d, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor filled with `fill_value` (PyTorch's argument names: full(size=(2, 3), fill_value=1.5))."""
    d = _device(device)
    check_dtype_arg("full", dtype)
    shape = _shape(_size_tuple("full", size), "full")
    if isinstance(fill_value, (str, bytes)):
        raise ArgumentKindError(f"full(): argument 'fill_value' must be Number, not {type(fill_value).__name__} "
                                f"({fill_value!r}); give a number, e.g. full({shape}, 1.5)")
    check_fill_value(fill_value, shape, "full")
    if dtype is None:
        dtype = (get_default_dtype() if isinstance(fill_value, float) else get_default_complex_dtype()
                 if isinstance(fill_value, complex) else np.asarray(fill_value).dtype)
    elif isinstance(fill_value, complex) and np.dtype(dtype).kind != "c":
        raise TypeError(f"full: the complex fill value {fill_value!r} cannot be stored as {np.dtype(dtype)}, as in "
                        f"PyTorch; pass a complex dtype or fill_value.real")
    return _new(d.xp.full(shape, fitted(fill_value, dtype, "full"), dtype=dtype), d, requires_grad)


def check_fill_value(fill_value, shape, op):
    """Refuse a fill value that is not one number (a list, None, a tensor or array of one or more dims) with
    PyTorch's TypeError."""
    if fill_value is None or isinstance(fill_value, (list, tuple, dict, set)) or getattr(fill_value, "ndim", 0):
        shown = f" of shape {tuple(fill_value.shape)}" if hasattr(fill_value, "shape") else ""
        raise TypeError(f"{op}(): argument 'fill_value' must be Number (or a 0-d tensor), not "
                        f"{type(fill_value).__name__}{shown}; to fill a shape {tuple(shape)} from a non-scalar, "
                        "use value.expand(shape) or broadcast_to(value, shape)")


def empty(*shape, size=None, dtype=None, device=None, requires_grad=False, memory_format=None):
    """A tensor with unspecified values (laid out as `memory_format`, e.g. ag.channels_last, when given)."""
    d = _device(device)
    check_dtype_arg("empty", dtype)
    array = d.xp.empty(_shape(shape, "empty", size), dtype=dtype or get_default_dtype())
    return _in_format("empty", _new(array, d, requires_grad), memory_format)


def _in_format(op, t, fmt, like=None):
    """The new tensor `t` laid out as memory format `fmt` (preserve_format: as `like` is), as PyTorch's factories
    take memory_format=; values and shape are unchanged."""
    if fmt is type_objects.preserve_format:
        fmt = next((f for f in (type_objects.channels_last, type_objects.channels_last_3d)
                    if like is not None and like.ndim == f.rank and not like._data.flags.c_contiguous
                    and type_objects.laid_out_as(like._data, f)), None)
    fmt = None if fmt is type_objects.contiguous_format else fmt
    type_objects.check_format(op, fmt, t.shape)
    if fmt is None or type_objects.laid_out_as(t._data, fmt):
        return t
    return _new(type_objects.arranged(t.device.xp, t._data, fmt), t.device, t.requires_grad)


def _like(op, t, fmt, input):
    """The new tensor `t` of a *_like factory laid out as PyTorch lays it out: as `fmt`, or, by default
    (preserve_format), with `input`'s strides when `input` is dense, else with dense strides in `input`'s axis
    order (a transposed, channels_last or sliced input gives a result laid out the same way)."""
    if fmt is not None and fmt is not type_objects.preserve_format:
        return _in_format(op, t, fmt, input)
    a = input._data
    if a.ndim < 2 or a.flags.c_contiguous:   # the common case, and what t already is
        return t
    strides = [s // a.itemsize for s in a.strides]
    if not _dense(a):
        strides = _dense_strides(a.shape, strides)
    if a.ndim < 2 or a.size == 0 or strides == list(_row_major(a.shape)):
        return t
    xp = t.device.xp
    array = xp.lib.stride_tricks.as_strided(xp.empty(max(t.size, 1), dtype=t.dtype), a.shape,
                                            [s * t._data.itemsize for s in strides])
    array[...] = t._data
    return _new(array, t.device, t.requires_grad)


def _row_major(shape):
    stride = 1
    out = []
    for n in reversed(shape):
        out.append(stride)
        stride *= max(n, 1)
    return reversed(out)


def _dense(array):
    """Whether `array`'s elements fill a block of memory with no gaps and no overlaps (in some axis order)."""
    expected = array.itemsize
    for d in sorted(range(array.ndim), key=lambda d: abs(array.strides[d])):
        if array.shape[d] > 1:
            if array.strides[d] != expected:
                return False
            expected *= array.shape[d]
    return True


def _dense_strides(shape, strides):
    """Dense strides (in elements) that keep the axis order of `strides` (innermost: smallest stride; ties and
    broadcast axes keep their place), as PyTorch lays out an empty_like of a tensor with gaps or overlaps."""
    out, stride = [0] * len(shape), 1
    for d in dims_order(shape, [strides]):       # innermost first
        out[d] = stride
        stride *= shape[d] if shape[d] > 1 else 1
    return out


def dtype_of(input):
    """`input`'s dtype as a NumPy dtype (a Keras Variable, a Tensor subclass, reports Keras's string name)."""
    dtype = input.dtype
    return np.dtype(dtype) if isinstance(dtype, str) else dtype


def zeros_like(input, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """Zeros with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("zeros_like", input)
    check_dtype_arg("zeros_like", dtype)
    t = zeros(input.shape, dtype=dtype or dtype_of(input), device=device or input.device, requires_grad=requires_grad)
    return _like("zeros_like", t, memory_format, input)


def ones_like(input, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """Ones with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("ones_like", input)
    check_dtype_arg("ones_like", dtype)
    t = ones(input.shape, dtype=dtype or dtype_of(input), device=device or input.device, requires_grad=requires_grad)
    return _like("ones_like", t, memory_format, input)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """`fill_value` with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("full_like", input)
    check_dtype_arg("full_like", dtype)
    check_fill_value(fill_value, input.shape, "full_like")
    t = full(input.shape, fill_value, dtype=dtype or dtype_of(input), device=device or input.device,
             requires_grad=requires_grad)
    return _like("full_like", t, memory_format, input)


def empty_like(input, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """Unspecified values with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("empty_like", input)
    check_dtype_arg("empty_like", dtype)
    t = empty(input.shape, dtype=dtype or dtype_of(input), device=device or input.device, requires_grad=requires_grad)
    return _like("empty_like", t, memory_format, input)


def _float_like(op, input, dtype):
    dtype = np.dtype(dtype or dtype_of(input))
    if dtype.kind not in "fcV":   # 'V': bfloat16
        raise UnsupportedDtypeError(f"{op}: needs a floating-point dtype, got {dtype}; pass dtype=ag.float32")
    return dtype


def _fill_order(op, input, fmt):
    """The axes, outermost first, of the layout PyTorch gives a random *_like result (empty_like: the input's
    own under preserve_format, or `fmt`'s), when that is not the plain row-major one; else None."""
    if fmt is None or fmt is type_objects.preserve_format:
        return memory_order(input._data)
    if fmt is type_objects.contiguous_format:
        return None
    type_objects.check_format(op, fmt, input.shape)
    return tuple(reversed(fmt.order))


def _drawn_in_order(input, order, dtype, device, requires_grad, normal):
    """A new tensor of uniform (or standard normal) draws shaped as input, laid out with its axes in `order`
    (outermost first) and drawn in that memory order, as PyTorch fills it; PyTorch draws such a normal fill,
    not contiguous, one element at a time."""
    d = _device(device or input.device)
    shape = tuple(input.shape[a] for a in order)
    if normal and d.host_memory and np.dtype(dtype).kind == "f":
        array = _generator_draw(d, "randn_like", lambda: d.asarray(
            d.numpy_rng.serial_normal(0.0, 1.0, math.prod(shape), dtype).reshape(shape)))
    else:
        array = (randn if normal else rand)(shape, dtype=dtype, device=d)._data
    inverse = sorted(range(input.ndim), key=order.__getitem__)
    return _new(array.transpose(inverse), d, requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """Uniform samples in [0, 1) with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("rand_like", input)
    check_dtype_arg("rand_like", dtype)
    dtype = _float_like("rand_like", input, dtype)
    order = _fill_order("rand_like", input, memory_format)
    if order is not None:
        return _drawn_in_order(input, order, dtype, device, requires_grad, normal=False)
    t = rand(input.shape, dtype=dtype, device=device or input.device, requires_grad=requires_grad)
    return _in_format("rand_like", t, memory_format, input)


def randn_like(input, dtype=None, device=None, requires_grad=False, *, memory_format=None):
    """Standard normal samples with the shape (and, unless given, the dtype and device) of `input`."""
    check_tensor("randn_like", input)
    check_dtype_arg("randn_like", dtype)
    dtype = _float_like("randn_like", input, dtype)
    order = _fill_order("randn_like", input, memory_format)
    if order is not None:
        return _drawn_in_order(input, order, dtype, device, requires_grad, normal=True)
    t = randn(input.shape, dtype=dtype, device=device or input.device, requires_grad=requires_grad)
    return _in_format("randn_like", t, memory_format, input)


def randint_like(input, low=0, high=None, dtype=None, device=None, *, memory_format=None):
    """Integers uniform in [low, high) (or [0, low)) with the shape of `input`, in its dtype unless given."""
    check_tensor("randint_like", input)
    check_dtype_arg("randint_like", dtype)
    if (dtype or dtype_of(input)) in (np.complex64, np.complex128):
        raise TypeError(f"randint_like: draws integers, which a complex dtype does not hold (got "
                        f"{np.dtype(dtype or dtype_of(input))}); pass an integer or float dtype, e.g. dtype=ag.int64")
    if high is None:
        low, high = 0, low
    order = _fill_order("randint_like", input, memory_format)
    if order is not None:   # drawn in the memory order of the layout PyTorch gives the result, as its random_
        shape = tuple(input.shape[a] for a in order)
        drawn = randint(low, high, shape, dtype=_INT64, device=device or input.device)
        inverse = sorted(range(input.ndim), key=order.__getitem__)
        return _new(drawn._data.transpose(inverse), drawn.device, False).astype(dtype or dtype_of(input))
    t = randint(low, high, input.shape, dtype=_INT64, device=device or input.device)
    return _in_format("randint_like", t.astype(dtype or dtype_of(input)), memory_format, input)


def from_numpy(ndarray):
    """A CPU tensor sharing memory with a NumPy array (same dtype; changes show in both): on the default
    device when that one keeps its arrays in host memory (`cpu`, `numba`), else on `cpu`."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    check_supported("from_numpy", ndarray.dtype)
    # PyTorch's from_numpy gives a CPU tensor; under DEEPGRAD_DEVICE=numba that CPU device is numba, so a
    # ported program's batches land beside its model's parameters (sharing memory, as on cpu)
    default = backends.get_default_device()
    return Tensor._make(ndarray, default if default.host_memory else _device("cpu"), None, 0, False)


def as_tensor(data, dtype=None, device=None):
    """`data` as a tensor, sharing memory when it already is one (or a NumPy array on a CPU device) of the
    asked dtype; copying otherwise."""
    check_dtype_arg("as_tensor", dtype)
    if isinstance(data, Tensor):
        out = data if device is None else data.to(device)
        return out if dtype is None else out.astype(dtype)
    d = _device(device)
    if isinstance(data, np.ndarray) and d.host_memory and (dtype is None or np.dtype(dtype) == data.dtype):
        check_supported("as_tensor", data.dtype)
        return Tensor._make(data, d, None, 0, False)
    return Tensor(data, dtype=dtype, device=d)


def arange(start=None, stop=None, step=1, dtype=None, device=None, requires_grad=False, *, end=None):
    """Evenly spaced values in [start, stop) (int64 for integer arguments, else the default float dtype); a
    0-d tensor counts as its number, as in PyTorch. PyTorch's keyword for the bound is end=, NumPy's stop=."""
    check_dtype_arg("arange", dtype)
    if end is not None:
        if stop is not None:
            raise TypeError(f"arange: give the end once, as end= or stop=, got end={end!r} and stop={stop!r}")
        stop = end
    if start is None and stop is None:
        raise TypeError("arange: missing the end of the range, e.g. arange(5), arange(1, 5) or arange(end=5)")
    if start is None:
        start = 0
    elif stop is None:
        start, stop = 0, start
    start, stop, step = (v.item() if isinstance(v, Tensor) and v.ndim == 0 else v for v in (start, stop, step))
    for name, value in (("start", start), ("end", stop), ("step", step)):
        if not isinstance(value, numbers.Real):
            raise TypeError(f"arange(): argument '{name}' must be Number, not {type(value).__name__} ({value!r}); "
                            "give the bounds as numbers, e.g. arange(0, 10, 2)")
        if not math.isfinite(value):
            raise ArgumentRangeError(f"arange: unsupported range: {start} -> {stop} (step {step}); every bound "
                                     "and the step must be finite")
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, (int, np.integer)) for v in (start, stop, step)) else get_default_dtype()
    elif dtype in (np.complex64, np.complex128):
        raise TypeError(f"arange: complex dtypes are not supported (got {np.dtype(dtype)}), as in PyTorch; make a real "
                        f"range and convert it with .to({np.dtype(dtype)})")
    if np.dtype(dtype) in unsigned_limits.LIMITED:
        raise unsigned_limits.refusal("arange_cpu", np.dtype(dtype))
    if np.dtype(dtype) == np.bool_:
        raise UnsupportedDtypeError("arange: not implemented for dtype bool (PyTorch's arange_cpu refuses it); make "
                                    "an integer range and compare it, e.g. arange(3) > 0, or convert with .bool()")
    if step == 0:
        raise ShapeError(f"arange: step must be nonzero, got start={start}, end={stop}, step={step}")
    if (stop - start) * step < 0:   # NumPy would give an empty range: PyTorch refuses it
        raise ArgumentRangeError(f"arange: end={stop} lies on the wrong side of start={start} for step={step}; swap "
                                 "start and end, or negate the step")
    d = _device(device)
    if np.dtype(dtype).kind in "iu" and any(isinstance(v, (float, np.floating)) for v in (start, stop, step)):
        return _new(d.asarray(_integer_range(start, stop, step, np.dtype(dtype))), d, requires_grad)
    return _new(d.xp.arange(start, stop, step).astype(dtype), d, requires_grad)


def _integer_range(start, stop, step, dtype):
    """arange of float bounds into an integer dtype, as PyTorch's kernel makes it: the values are trunc(start) +
    i * trunc(step); their count is ceil((stop - start) / step) of the float bounds, except for int64, whose
    count comes from the truncated bounds (so arange(0, 2.5, dtype=int64) has 2 values, int32 has 3)."""
    first, last, stride = int(start), int(stop), int(step)
    if stride == 0:
        raise ShapeError(f"arange: step {step} truncates to 0 in {dtype}; give a step of at least 1 in size")
    if dtype == np.int64:
        sign = (stride > 0) - (stride < 0)
        count = -(-(last - first + stride - sign) // stride)   # a ceiling division
    else:
        count = math.ceil((float(stop) - float(start)) / float(step))
    return (first + stride * np.arange(max(count, 0), dtype=np.int64)).astype(dtype)


def linspace(start, end=None, steps=None, dtype=None, device=None, requires_grad=False, *, stop=None, num=None):
    """`steps` evenly spaced values from start to end inclusive, as torch.linspace: PyTorch's values bit for bit
    for real dtypes (autograd/linspace_steps.py). NumPy's names `stop` and `num` are accepted too; steps
    defaults to 50."""
    check_dtype_arg("linspace", dtype)
    end = stop if end is None else end
    steps = (50 if num is None else num) if steps is None else steps
    if end is None:
        raise TypeError("linspace() missing required argument 'end'")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace: steps must be an int, got {type(steps).__name__}")
    if steps < 0:
        raise ShapeError(f"linspace: number of steps must be non-negative, got {steps}")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    d = _device(device)
    if dtype is None and (isinstance(start, complex) or isinstance(end, complex)):
        dtype = get_default_complex_dtype()   # complex ends: the default complex dtype, as PyTorch
    dtype = np.dtype(dtype or get_default_dtype())
    if dtype.kind == "c":
        values = np.linspace(start, end, int(steps)).astype(dtype)
    else:
        if dtype.kind in "iu":   # the ends in the dtype first, as PyTorch's scalar_t: -1 is 255 in uint8
            start, end = (fitted(int(v), dtype, "linspace") for v in (start, end))
        values = linspace_values(start, end, int(steps), dtype)
    return _new(d.asarray(values), d, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """`steps` values base ** e for e evenly spaced from start to end inclusive, as torch.logspace: computed in
    `dtype` (default float) from both ends, so the last is base ** end; an integer dtype truncates start and
    end to integers first and the powers after."""
    check_dtype_arg("logspace", dtype)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise ArgumentKindError(f"logspace: steps must be an int, got {type(steps).__name__} {steps!r}; pass how "
                                "many values to make, e.g. logspace(0, 2, 3)")
    if steps < 0:
        raise ShapeError(f"logspace: steps must be a non-negative int, got {steps}; it counts the values to make")
    dtype = np.dtype(dtype or get_default_dtype())
    check_supported("logspace", dtype)
    d = _device(device)
    steps = int(steps)
    with np.errstate(all="ignore"):   # a negative base gives nan, a large exponent inf, as in PyTorch
        values = _log_steps(float(start), float(end), steps, base, dtype)
    return _new(d.asarray(values.astype(dtype)), d, requires_grad)


def _log_steps(start, end, steps, base, dtype):
    """logspace's values (as a NumPy array) before the cast to dtype."""
    if steps <= 1:
        return np.power(float(base), np.full(steps, float(start)))
    # the exponents in dtype's precision (float64 for integer dtypes, from start and end as integers)
    work = np.dtype(np.float64) if dtype.kind in "iub" else dtype
    first = work.type(int(start) if dtype.kind in "iub" else start)
    last = work.type(int(end) if dtype.kind in "iub" else end)
    step = (last - first) / work.type(steps - 1)
    k = np.arange(steps)
    exponents = np.where(k < steps // 2, first + step * k.astype(work), last - step * (steps - k - 1).astype(work))
    return np.power(work.type(base), exponents.astype(work))


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix."""
    d = _device(device)
    check_dtype_arg("eye", dtype)
    n, m = _shape((n, n if m is None else m), "eye")
    return _new(d.xp.eye(n, m, dtype=dtype or get_default_dtype()), d, requires_grad)


def _generator_draw(d, name, make):
    """make(), a host draw from an ag.Generator; a jit capture repeats it on every replay (in the
    generator's sequence), and refuses it on a device whose replays run as a CUDA graph."""
    array = make()
    rec = capture.state.recorder
    if rec is not None:
        if not d.host_memory:
            raise capture.CaptureError(
                f"jit: ag.{name}(generator=...) inside a compiled step on {d.name}: a CUDA graph cannot repeat "
                "a draw from a host generator; draw without generator= (the device's own generator) or "
                "outside the step")
        rec.on_draw(make, (), array)
    return array


def _complex_draw(name, shape, dtype, device, requires_grad, rng):
    """A complex tensor whose real and imaginary parts are consecutive draws, as PyTorch fills
    view_as_real: uniform in [0, 1) for rand, N(0, 1/2) for randn (so that E|z|^2 = 1)."""
    check_supported(name, dtype)
    part, pairs = real_dtype_of(dtype), shape + (2,)
    std = 1.0 / np.sqrt(2.0)     # PyTorch divides std by sqrt(2) for each part
    if rng is None:
        pair = device.rand(pairs, part) if name == "rand" else device.normal(pairs, part, 0.0, std)
    else:
        host = (lambda: rng.random(pairs, part)) if name == "rand" else (lambda: rng.normal(0.0, std, pairs, part))
        pair = _generator_draw(device, name, lambda: device.asarray(host()))
    return _new(pair.view(dtype)[..., 0], device, requires_grad)


def _refuse_integers(op, dtype):
    """UnsupportedDtypeError for a draw of real numbers into an integer or bool dtype, which NumPy would
    truncate to zeros and small integers without a word (PyTorch: "not implemented for 'Long'")."""
    if np.dtype(dtype).kind in "biu":
        raise UnsupportedDtypeError(f"{op}: draws floating-point numbers, not implemented for dtype "
                                    f"{np.dtype(dtype)}; use torch.randint(low, high, size) for random integers, "
                                    f"or draw floats and convert: torch.{op}(...).long()")


def rand(*shape, size=None, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform samples in [0, 1) (from `generator`, an ag.Generator, when given)."""
    d, rng = _device(device), check_generator("rand", generator)
    dtype = check_dtype_arg("rand", dtype) or get_default_dtype()
    shape = _shape(shape, "rand", size)
    _refuse_integers("rand", dtype)
    if np.dtype(dtype).kind == "c":   # each part uniform in [0, 1), as PyTorch's
        return _complex_draw("rand", shape, dtype, d, requires_grad, rng)
    array = (d.rand(shape, dtype) if rng is None
             else _generator_draw(d, "rand", lambda: d.asarray(rng.random(shape, draw_dtype(dtype)).astype(dtype))))
    return _new(array, d, requires_grad)


def randn(*shape, size=None, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal samples (from `generator`, an ag.Generator, when given)."""
    d, rng = _device(device), check_generator("randn", generator)
    dtype = check_dtype_arg("randn", dtype) or get_default_dtype()
    shape = _shape(shape, "randn", size)
    _refuse_integers("randn", dtype)
    if np.dtype(dtype).kind == "c":   # each part normal with variance 1/2, so that E|z|^2 = 1, as PyTorch's
        return _complex_draw("randn", shape, dtype, d, requires_grad, rng)
    array = (d.randn(shape, dtype) if rng is None
             else _generator_draw(d, "randn", lambda: d.asarray(rng.standard_normal(shape, draw_dtype(dtype)).astype(dtype))))
    return _new(array, d, requires_grad)


def _whole_number(value, op, name):
    """`value` as a Python int when it is one (a NumPy integer or a 0-d integer tensor too), else PyTorch's
    TypeError: bools, floats, strings and float tensors are not counts."""
    if isinstance(value, Tensor) and value.ndim == 0 and np.dtype(value.dtype).kind in "iu":
        return int(value.item())
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    shown = f" of dtype {value.dtype}" if isinstance(value, Tensor) else f" ({value!r})"
    raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}{shown}; pass a whole "
                    f"number, e.g. int({name})")


_NO_SIZE = object()   # randint's size is required, as PyTorch's
_INT64 = np.dtype(np.int64)


def randint(low, high=None, size=_NO_SIZE, dtype=_INT64, device=None, generator=None):
    """Integers uniform in [low, high) (or [0, low) when high is None); also PyTorch's randint(high, size)."""
    if isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if size is _NO_SIZE or size is None:
        raise TypeError(f"randint(): the size of the result is required, got randint({low}"
                        f"{'' if high is None else f', {high}'}); pass it as a tuple, e.g. randint(low, high, (3,)) "
                        "or randint(high, (3,)) (size=() for one number)")
    if high is None:
        low, high = 0, low
    low, high = _whole_number(low, "randint", "low"), _whole_number(high, "randint", "high")
    check_dtype_arg("randint", dtype)
    d, rng = _device(device), check_generator("randint", generator)
    size = _shape(_size_tuple("randint", size), "randint")
    if not low < high:   # NumPy's own message ('low >= high') names neither the op nor the bounds
        raise ArgumentRangeError(f"randint: low must be less than high, got low={low}, high={high}; the draws lie "
                                 "in [low, high)")
    array = (d.randint(low, high, size, dtype) if rng is None
             else _generator_draw(d, "randint", lambda: d.asarray(rng.integers(low, high, size, dtype))))
    return _new(array, d, False)


def randperm(n, dtype=_INT64, device=None, generator=None):
    """A random permutation of 0..n-1 (from the device's generator, or `generator`, an ag.Generator)."""
    check_dtype_arg("randperm", dtype)
    d, rng = _device(device), check_generator("randperm", generator)
    n = _whole_number(n, "randperm", "n")
    if n < 0:
        raise ShapeError(f"randperm: Trying to create tensor with negative dimension {n}: [{n}]; n counts the "
                         f"values to permute (0 to n - 1) and must be 0 or more")
    if rng is not None:
        draw = _generator_draw(d, "randperm", lambda: d.asarray(rng.permutation(n).astype(dtype)))
        return _new(draw, d, False)
    return _new(d.permutation(n).astype(dtype, copy=False), d, False)


def manual_seed(seed):
    """Seed the random generators of every device (and of devices created later); returns
    ag.default_generator, as PyTorch's manual_seed returns torch.default_generator. A negative seed is taken
    modulo 2**64, as PyTorch's (initial_seed() then reports that value)."""
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError(f"manual_seed: the seed must fit in 64 bits (from -2**63 to 2**64 - 1), got {seed}")
    backends.seed_all(seed & 0xFFFF_FFFF_FFFF_FFFF)
    return default_generator


def from_dlpack(obj, device=None):
    """A tensor sharing memory with any DLPack producer (NumPy, CuPy, PyTorch, JAX); no copy."""
    kind = obj.__dlpack_device__()[0] if hasattr(obj, "__dlpack_device__") else 1
    if kind == 1:  # host memory
        d = _device(device) if device is not None else _device("cpu")
        if not d.host_memory:
            raise ValueError(f"from_dlpack: the data is in host memory; load it on 'cpu' or 'numba', not {d}")
        array = np.from_dlpack(obj)
    else:
        import cupy
        array = cupy.from_dlpack(obj)
        d = _device(device) if device is not None else _device(f"cuda:{array.device.id}")
    check_supported("from_dlpack", array.dtype)
    return Tensor._make(array, d, None, 0, False)


def _probability(p):
    """bernoulli's `p` as a float in [0, 1]: a number or a one-element tensor; a TypeError or ValueError else."""
    if isinstance(p, Tensor):
        if p.numel() != 1:
            raise TypeError(f"bernoulli: p must be a number (or a one-element tensor), got a tensor of shape "
                            f"{tuple(p.shape)}; for elementwise probabilities pass them as input")
        p = p.item()
    if isinstance(p, (str, bytes)) or not isinstance(p, (int, float, np.number, np.bool_)):
        raise TypeError(f"bernoulli: p must be a number, got {type(p).__name__}")
    if not 0 <= p <= 1:   # nan fails too
        raise ArgumentRangeError(f"bernoulli_ expects p to be in [0, 1], but got p={p!r}; p is the chance of a 1")
    return float(p)


def bernoulli(input, p=None, *, generator=None):
    """1 with probability `input` (or `p`, a number, when given), else 0, elementwise, in input's dtype; draws
    from the device's generator (ag.manual_seed) or from `generator`, an ag.Generator."""
    check_tensor("bernoulli", input)
    if input.dtype.kind != "f" and p is None:
        raise UnsupportedDtypeError(f"bernoulli: not implemented for dtype {input.dtype}: input holds the "
                                    "probabilities and must be a float tensor; convert it, e.g. input.float()")
    if p is not None:
        p = _probability(p)
        if input.dtype.kind == "c":
            raise TypeError(f"bernoulli: a complex tensor ({input.dtype}) cannot hold draws; use a real dtype")
    d, rng = input.device, check_generator("bernoulli", generator)
    dtype = input.dtype   # with p given, draws take input's dtype (int and bool too, as in PyTorch)
    if p is None and d.host_memory and input.numel() and capture.state.recorder is None:
        low, high = float(input.min()), float(input.max())
        if not 0 <= low <= high <= 1:   # nan fails too
            raise ArgumentRangeError(f"bernoulli: probabilities must be in [0, 1], got values from {low} to {high}")
    shape = input.shape
    if rng is not None:
        # PyTorch compares float32 probabilities with float32 uniforms, a number or float64 ones with float64
        part = np.float64 if p is not None or dtype == np.float64 else np.float32
        draws = _new(_generator_draw(d, "bernoulli", lambda: d.asarray(rng.random(shape, part))), d, False)
        if p is None:
            return no_grad_op("bernoulli", lambda xp, u, q: (u < q).astype(q.dtype), draws, input)
        return no_grad_op("bernoulli", lambda xp, u: (u < p).astype(dtype), draws)
    # the draw inside the op, so that a jit replay draws afresh
    if p is None:
        return no_grad_op("bernoulli", lambda xp, q: d.bernoulli(q, q.shape).astype(q.dtype), input)
    return no_grad_op("bernoulli", lambda xp, q: d.bernoulli(p, q.shape).astype(dtype), input)
