"""Tensor.view(dtype): the same bytes read as another dtype (NumPy's ndarray.view), with PyTorch's rules.

A dtype of another element size changes the last dimension (float32 -> int64 halves it, -> uint8 quadruples
it), which needs that dimension laid out contiguously, a size and a start offset that the wider elements
divide, and at least one dimension. The result shares memory with the tensor and, as in PyTorch, carries no
gradient. `view(*shape)` keeps its meaning (ops/shape.py).
"""
import numpy as np

from ..dtypes import check_supported
from ..tensor import Tensor
from .dims import check_tensor
from .shape import view as _view_shape


def is_dtype(value):
    """True for a dtype argument: a NumPy dtype or scalar type (ag.float32, ag.int64, ...)."""
    return isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic))


def _offset_elements(array):
    """How many elements past the start of its memory block `array` begins (PyTorch's storage_offset)."""
    root, base = array, getattr(array, "base", None)
    while base is not None:   # through the wrapper that as_strided views (diagonal, unfold) keep as .base
        if hasattr(base, "dtype"):
            root = base
        base = getattr(base, "base", None)

    def address(a):
        interface = getattr(a, "__array_interface__", None)
        return interface["data"][0] if interface is not None else a.data.ptr
    return (address(array) - address(root)) // array.itemsize


def view_dtype(x, dtype):
    """x's bytes reinterpreted as `dtype`, sharing memory; for another element size the last dim scales by
    the ratio of the sizes. No gradient flows through it (as in PyTorch)."""
    check_tensor("view", x)
    new = check_supported("view", dtype)
    old = x.dtype
    data = x._data
    if new.itemsize != old.itemsize:
        what = f"to view {torch_name(old)} as {torch_name(new)} (different element sizes)"
        if x.ndim == 0:
            raise RuntimeError(f"view: self.dim() cannot be 0 {what}; a 0-d tensor has no last dim to resize")
        # NumPy gives empty arrays zero strides: PyTorch's contiguous strides stand in for them
        step = data.strides[-1] // old.itemsize if data.size else 1
        if step != 1 and x.shape[-1] != 1:
            raise RuntimeError(f"view: self.stride(-1) must be 1 {what}, but got {step}; call .contiguous() first")
        if new.itemsize > old.itemsize:
            ratio = new.itemsize // old.itemsize
            if x.shape[-1] % ratio:
                raise RuntimeError(f"view: self.size(-1) must be divisible by {ratio} {what}, but got "
                                   f"{x.shape[-1]}")
            for d, stride in enumerate(data.strides[:-1]):
                if data.size and (stride // old.itemsize) % ratio:
                    raise RuntimeError(f"view: self.stride({d}) must be divisible by {ratio} {what}, but got "
                                       f"{stride // old.itemsize}")
            offset = _offset_elements(data)
            if offset % ratio:
                raise RuntimeError(f"view: self.storage_offset() must be divisible by {ratio} {what}, but got "
                                   f"{offset}")
        if step != 1:   # a last dim of size 1 with any stride: make it unit-stride (same memory)
            data = x._device.xp.lib.stride_tricks.as_strided(data, data.shape, data.strides[:-1] + (old.itemsize,))
    out = data.view(new)
    t = Tensor._make(out, x._device, None, 0, False)
    t._vc = x._version_cell()   # in-place changes through either show in both versions
    return t


def torch_name(dtype):
    """PyTorch's name of a dtype's scalar type, as its messages spell it ('Float', 'Long', 'ComplexDouble')."""
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
             "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
             "complex128": "ComplexDouble", "bfloat16": "BFloat16"}
    return names.get(np.dtype(dtype).name, str(dtype))


def view(x, *shape, dtype=None, size=None):
    """Tensor.view: `view(dtype)` reinterprets the bytes (see view_dtype); `view(*shape)` (or size=) reshapes
    without a copy, as before."""
    if size is not None:
        return _view_shape(x, *shape, size=size)
    if dtype is not None:
        if shape:
            raise TypeError("view: pass either a dtype or a shape, not both")
        return view_dtype(x, dtype)
    if len(shape) == 1 and is_dtype(shape[0]):
        return view_dtype(x, shape[0])
    if len(shape) == 1 and isinstance(shape[0], str):
        raise TypeError(f"view: expects a dtype (e.g. ag.int32) or a shape, got the string {shape[0]!r}")
    return _view_shape(x, *shape)
