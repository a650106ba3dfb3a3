"""Tensor methods about dtype, device, size and printing, with PyTorch's names: `to`, `type`, `float()`...,
`size()`, `numel()`, `dim()`, `new_zeros`..., `__format__`, `__index__`."""
import math
import numbers
import operator

import numpy as np

import backends

from . import creation, type_objects
from .capture import refuse_host_read, state as capture
from .bf16_dtype import bfloat16_dtype, bfloat16_type, is_bf16, names_bf16
from .ops.dtype_args import check_dtype_arg, is_refused, torch_spelling
from .dtypes import float16, float32, float64, get_default_dtype
from .errors import ArgumentKindError, DtypeError
from .ops import convert as C
from .ops.elementwise import Clone
from .ops.memory_layout import Arrange
from .size import Size
from .tensor import Tensor

# PyTorch's legacy tensor-type names, which Tensor.type() returns and accepts
_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
               "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
               "bool": "BoolTensor", "uint16": "UInt16Tensor", "uint32": "UInt32Tensor", "uint64": "UInt64Tensor",
               "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor"}
_BY_TYPE_NAME = {v: np.dtype(k) for k, v in _TYPE_NAMES.items()}
_TYPE_NAMES["bfloat16"] = "BFloat16Tensor"   # a name only: its dtype needs ml_dtypes (type_ looks it up)


class ElementCount(int):
    """The number of elements (NumPy's `t.size`), which can also be called as PyTorch's `t.size()` / `t.size(d)`."""

    # no __slots__: int subclasses cannot have non-empty ones
    tensor = None   # the tensor, when `t.size()` is to be handed to __torch_function__ (overrides.py sets it)

    def __new__(cls, shape):
        count = super().__new__(cls, math.prod(shape))
        count.shape = shape
        return count

    def __call__(self, *args, **kwargs):
        """The shape (a Size), or the length of dim `dim`."""
        if self.tensor is not None:   # through Tensor.size, which dispatches
            return SizeAttribute.method(self.tensor, *args, **kwargs)
        return _length(self.shape, *args, **kwargs)


def _length(shape, dim=None):
    if dim is None:
        return shape
    if not isinstance(dim, numbers.Integral) or not -len(shape) <= dim < max(len(shape), 1):
        raise IndexError(f"size: dim {dim!r} is out of range for a tensor with {len(shape)} dimensions")
    return shape[dim]


def size(self, dim=None):
    """The shape (a Size), or the length of dim `dim`: torch.Tensor.size, reached as `Tensor.size(t, d)` (a
    tensor's own `t.size` is an element count that calls this: NumPy's and PyTorch's meanings at once)."""
    return _length(self.shape, dim)


class SizeAttribute:
    """Tensor.size: on a tensor, the element count `t.size` (NumPy's) that `t.size()` / `t.size(d)` call for
    PyTorch's shape; on the class, the method itself, as `torch.Tensor.size` (overrides.py puts a dispatching one
    there, which __torch_function__ is handed for `t.size()` as PyTorch's)."""

    method = staticmethod(size)
    dispatch = None   # staticmethod(function(tensor) -> whether `t.size()` is handed on): overrides.py sets it

    def __get__(self, tensor, owner=None):
        if tensor is None:
            return self.method
        if self.dispatch is None or not self.dispatch(tensor):
            return ElementCount(tensor.shape)
        count = ElementCount(tuple.__new__(Size, tensor._data.shape))   # (tensor.shape would be handed on too)
        count.tensor = tensor
        return count


def numel(self):
    """The number of elements."""
    return int(self._data.size)


def dim(self):
    """The number of dimensions."""
    return self._data.ndim


def parse_to(args, kwargs, op="to", depth=1):
    """(device or None, dtype or None) from the forms of PyTorch's Tensor.to; a dtype name ('float32') from the
    user's code is refused, as PyTorch reads a string as a device (`op` names the method, called `depth` frames
    above this function)."""
    device = kwargs.pop("device", None)
    dtype = check_dtype_arg(op, kwargs.pop("dtype", None), depth, error=DtypeError)
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to: unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif backends.is_device(a):
            device = a
        elif a is None or isinstance(a, bool):
            continue
        else:
            try:
                dtype = np.dtype(a)
            except TypeError:
                if names_bf16(a):   # the name, before ml_dtypes (imported on first use) registered it
                    _refuse_dtype_name(op, a, depth + 1)
                    dtype = bfloat16_dtype("to")
                    continue
                raise DtypeError(f"to: {a!r} is neither a device ('cpu', 'numba', 'cuda:0') nor a dtype "
                                 "(ag.float32, ...)") from None
            if isinstance(a, str):
                _refuse_dtype_name(op, a, depth + 1)
    return device, dtype


def _refuse_dtype_name(op, name, depth):
    """DtypeError (a RuntimeError, as PyTorch's invalid device string) for a dtype name given to `op` where a device
    or dtype goes, from the user's code (nn.keras passes Keras's dtype names)."""
    try:
        check_dtype_arg(op, name, depth, error=DtypeError)
    except DtypeError:
        raise DtypeError(f"{op}(): invalid device string: {name!r}; a string names a device ('cpu', 'cuda:0'), for a "
                         f"dtype pass the dtype itself, e.g. {op}({torch_spelling(name)})") from None


def to(self, *args, **kwargs):
    """This tensor on another device and/or with another dtype: to(device), to(dtype), to(device, dtype),
    to(other_tensor) (its device and dtype); returns self when nothing changes."""
    fmt = kwargs.get("memory_format")
    device, dtype = parse_to(args, dict(kwargs))
    out = self if device is None else C.to(self, device)
    out = out if dtype is None else C.astype(out, dtype)
    return out if fmt in (None, type_objects.preserve_format) else contiguous(out, fmt)


def type_(self, dtype=None, non_blocking=False):
    """With no argument, PyTorch's type name ('torch.FloatTensor', ...); else this tensor as `dtype`
    (a dtype or one of those names)."""
    if dtype is None:
        return "torch." + _TYPE_NAMES.get(str(self.dtype), str(self.dtype))
    if dtype is Tensor or (isinstance(dtype, str) and dtype == "torch.Tensor"):
        dtype = get_default_dtype()   # torch.Tensor is the default tensor type: `x.type(torch.Tensor)` casts to it
    elif isinstance(dtype, str) and dtype.startswith("torch.cuda.") and not self.device.name.startswith("cuda"):
        return type_(C.to(self, "cuda"), dtype.replace("cuda.", "", 1))   # PyTorch moves it to the GPU too
    elif isinstance(dtype, str) and dtype.rpartition(".")[2] in _BY_TYPE_NAME:
        dtype = _BY_TYPE_NAME[dtype.rpartition(".")[2]]
    elif isinstance(dtype, str) and dtype.rpartition(".")[2] in ("BFloat16Tensor", "bfloat16"):
        dtype = bfloat16_type(f"Tensor.type({dtype!r})")
    elif isinstance(dtype, type) and isinstance(getattr(dtype, "dtype", None), np.dtype):
        dtype = dtype.dtype   # a legacy type such as ag.DoubleTensor
    elif is_refused(dtype) or isinstance(dtype, str):
        # PyTorch takes type names ('torch.FloatTensor'), not dtype names or NumPy scalar types
        shown = dtype if isinstance(dtype, str) else f"{dtype.__module__}.{dtype.__name__}"
        raise ArgumentKindError(f"Tensor.type: invalid type: {shown!r}; give a dtype ({torch_spelling(dtype)}) or "
                                f"a type name such as 'torch.DoubleTensor'")
    return C.astype(self, dtype)


def type_as(self, other):
    """This tensor with `other`'s dtype."""
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as(): argument 'other' must be Tensor, not {type(other).__name__} "
                        f"({repr(other):.40}); for a dtype use .to(dtype), e.g. x.to(torch.float32)")
    return C.astype(self, other.dtype)


def _caster(dtype, name):
    def method(self):
        return C.astype(self, dtype)
    method.__name__ = name
    method.__doc__ = f"This tensor as {np.dtype(dtype)} (differentiable between float and complex dtypes)."
    return method


def is_floating_point(self):
    """True for float16/32/64 and bfloat16 tensors."""
    return self.dtype.kind == "f" or is_bf16(self.dtype)


def bfloat16(self):
    """This tensor as bfloat16 (the optional ml_dtypes package holds the dtype)."""
    return C.astype(self, bfloat16_type("Tensor.bfloat16()"))


def element_size(self):
    """Bytes per element."""
    return self.dtype.itemsize


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A new tensor from `data`, with this tensor's dtype and device unless given."""
    check_dtype_arg("new_tensor", dtype)
    return creation.tensor(data, dtype=dtype or creation.dtype_of(self), device=device or self.device,
                           requires_grad=requires_grad)


def _newer(make, doc):
    def method(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
        check_dtype_arg(f"new_{make.__name__}", dtype)
        if size is not None:   # PyTorch's keyword: x.new_zeros(size=(2, 3))
            if sizes:
                raise TypeError(f"{make.__name__}: give the size positionally or as size=, not both")
            creation.refuse_int_size(f"new_{make.__name__}", size)
            sizes = (size,)
        return make(*sizes, dtype=dtype or creation.dtype_of(self), device=device or self.device, requires_grad=requires_grad)
    method.__doc__ = doc
    return method


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of `size` filled with `fill_value`, with this tensor's dtype and device unless given."""
    check_dtype_arg("new_full", dtype)
    creation.refuse_int_size("new_full", size)
    creation.check_fill_value(fill_value, (size,) if isinstance(size, int) else size, "new_full")
    return creation.full(size, fill_value, dtype=dtype or creation.dtype_of(self), device=device or self.device,
                         requires_grad=requires_grad)


def contiguous(self, memory_format=None):
    """This tensor when its values are laid out row-major (or in `memory_format`, e.g. ag.channels_last),
    else such a copy that stays in the graph (what view() needs after t(), permute() or expand())."""
    fmt = None if memory_format is type_objects.contiguous_format else memory_format
    if fmt is type_objects.preserve_format:
        if self._data.flags.c_contiguous:
            return self
        raise RuntimeError("contiguous: preserve memory format is unsupported by the contiguous operator; pass "
                           "ag.contiguous_format or ag.channels_last")
    type_objects.check_format("contiguous", fmt, self.shape)
    if type_objects.laid_out_as(self._data, fmt):
        return self
    return Clone.apply(self) if fmt is None else Arrange.apply(self, fmt)


def is_contiguous(self, memory_format=None):
    """True when the values are laid out row-major (False after t(), permute(), expand() or a strided slice),
    or, with `memory_format`, in that format's order."""
    fmt = None if memory_format in (type_objects.contiguous_format, type_objects.preserve_format) else memory_format
    if fmt is not None and fmt.rank is not None and self.ndim != fmt.rank:
        return False
    type_objects.check_format("is_contiguous", fmt, self.shape)
    return type_objects.laid_out_as(self._data, fmt)


def stride(self, dim=None):
    """The step in elements between neighbours along each dim (a tuple), or along `dim`: PyTorch's strides,
    from the array's byte strides."""
    steps = tuple(s // self._data.itemsize for s in self._data.strides)
    if self._data.size == 0 and not any(steps):
        # NumPy gives a new empty array zero strides; PyTorch's are row-major, counting a 0-length dim as 1
        steps, stride = [], 1
        for n in reversed(self._data.shape):
            steps.insert(0, stride)
            stride *= max(n, 1)
        steps = tuple(steps)
    return steps if dim is None else steps[dim]


def __format__(self, spec):
    """Format a 0-d tensor as its number, as PyTorch does (f"{loss}", f"{loss:.3f}"), and a one-element tensor
    with a format spec too; others as their repr."""
    if capture.recorder is not None:
        refuse_host_read("formatting (an f-string or format())", self._data.shape)
    if self._data.ndim == 0 or (self._data.size == 1 and spec):
        return format(self.item(), spec)
    return format(repr(self), spec)


def __index__(self):
    """An integer one-element tensor as a Python int (so it can index a list or a range)."""
    if self.dtype.kind not in "iub" or self._data.size != 1:
        raise TypeError(f"only integer tensors of a single element can be converted to an index; this one is "
                        f"{self.dtype} with shape {self.shape}")
    return operator.index(self.item())


BINDINGS = {
    "size": SizeAttribute(), "numel": numel, "nelement": numel, "dim": dim, "ndimension": dim,
    "to": to, "type": type_, "type_as": type_as, "is_floating_point": is_floating_point,
    "element_size": element_size, "bfloat16": bfloat16,
    "float": _caster(float32, "float"), "double": _caster(float64, "double"), "half": _caster(float16, "half"),
    "long": _caster(np.int64, "long"), "int": _caster(np.int32, "int"), "short": _caster(np.int16, "short"),
    "bool": _caster(np.bool_, "bool"), "byte": _caster(np.uint8, "byte"), "char": _caster(np.int8, "char"),
    "cfloat": _caster(np.complex64, "cfloat"), "cdouble": _caster(np.complex128, "cdouble"),
    "new_tensor": new_tensor, "new_full": new_full,
    "new_zeros": _newer(creation.zeros, "Zeros of `size`, with this tensor's dtype and device unless given."),
    "new_ones": _newer(creation.ones, "Ones of `size`, with this tensor's dtype and device unless given."),
    "new_empty": _newer(creation.empty, "Unset values of `size`, with this tensor's dtype and device unless given."),
    "contiguous": contiguous, "is_contiguous": is_contiguous, "__format__": __format__, "__index__": __index__,
    "stride": stride, "is_cuda": property(lambda self: self._device.type == "cuda", doc="True on a cuda device."),
    "is_cpu": property(lambda self: bool(self._device.host_memory), doc="True on a host device (cpu, numba)."),
    "is_meta": property(lambda self: self._device.type == "meta", doc="True on the meta device (no data)."),
}
