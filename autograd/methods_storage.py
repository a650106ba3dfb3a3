"""The Tensor methods that change which memory a tensor uses, as PyTorch's: set_ (share another tensor's memory, a
strided window of it, or fresh empty memory), is_set_to, resize_ and resize_as_ (and the deprecated resize and
resize_as, which keep the number of elements); and Tensor.ormqr.

A tensor's "storage" here is the memory block its array lives in (the NumPy base chain, see strided_views._block).
resize_ keeps the storage's elements from the tensor's offset on, in memory order, as PyTorch does: shrinking
shows the leading ones, and a shape the block can hold becomes a view of it (tensors sharing the block see its
writes). Growing past the block allocates a new one for this tensor alone (PyTorch grows the shared storage in
place) and fills the new elements with zeros (uninitialised in PyTorch). Each of these bumps the version counter.
"""
import numbers
import operator
import warnings

import numpy as np

from . import type_objects
from .function import named
from .grad_mode import state
from .ops.linalg_ormqr import ormqr
from .strided_views import _block, _extent, _geometry
from .tensor import Tensor

_SET_FORMS = "set_(), set_(source), set_(source, storage_offset, size, stride=None)"


def _unlink(t, data):
    """Give t the array `data`, forgetting that it was an op's view of another tensor."""
    t._data = data
    try:
        del t._view_of
    except AttributeError:
        pass
    t._bump_version()


def _check_inplace(op, t):
    if t.requires_grad and state.enabled:
        if t._node is None:
            raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation; "
                               f"call it under ag.no_grad() or on t.detach()")
        raise RuntimeError(f"{op}: the tensor is part of a graph (it requires grad); call it on t.detach()")


def _host_block(op, t):
    if not t._device.host_memory:
        raise RuntimeError(f"{op}: works on tensors in host memory (cpu, numba), got one on {t.device}; move it "
                           f"with .cpu() first")
    if isinstance(t._data, np.generic):
        t._data = np.array(t._data)   # a NumPy scalar has no memory block; a 0-d array does
    return _block(t._data)


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make this tensor use other memory, in place: set_() fresh empty memory (shape (0,)); set_(source) exactly
    source's memory, shape and strides (writes through either show in both); set_(source, storage_offset, size,
    stride=None) a window of source's memory block (contiguous strides unless given). Returns self."""
    op = "set_"
    _check_inplace(op, self)
    if source is None:
        if storage_offset is not None or size is not None:
            raise TypeError(f"{op}: expected one of {_SET_FORMS}; got storage_offset/size without source")
        _unlink(self, self._device.xp.empty((0,), dtype=self.dtype))
        return self
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}: source must be a Tensor (deepgrad has no separate Storage objects), got "
                        f"{type(source).__name__}; the forms are {_SET_FORMS}")
    if source.dtype != self.dtype:
        raise RuntimeError(f"{op}: Could not set tensor of type {self.dtype} to a tensor of type {source.dtype}; "
                           f"convert one first, e.g. source.to({self.dtype})")
    if source._device is not self._device:
        raise RuntimeError(f"{op}: source is on {source.device} and this tensor on {self.device}; move one first")
    if source.requires_grad and state.enabled:
        raise RuntimeError(f"{op}: source requires grad; sharing its memory would hide the writes from autograd: "
                           f"pass source.detach() or call it under ag.no_grad()")
    if storage_offset is None and size is None:
        _unlink(self, source._data)
        return self
    if storage_offset is None or size is None:
        raise TypeError(f"{op}: expected one of {_SET_FORMS}; give both storage_offset and size")
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    if stride is None:
        stride = tuple(int(np.prod(size[d + 1:], dtype=np.int64)) for d in range(len(size)))
    size, stride = _geometry(op, size, stride)
    offset = operator.index(storage_offset)
    flat, _, _ = _host_block(op, source)
    if offset < 0 or _extent(size, stride, offset) > flat.size or offset > flat.size:
        raise RuntimeError(f"{op}: size {size}, stride {stride} and storage_offset {offset} reach beyond the memory "
                           f"block of {flat.size} elements that source (shape {tuple(source.shape)}) lives in; "
                           f"keep them inside it")
    item = flat.itemsize
    window = np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * item for s in stride))
    _unlink(self, window)
    return self


def is_set_to(self, tensor):
    """True when both tensors use exactly the same memory: the same block, offset, shape and strides."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"is_set_to: expected a Tensor, got {type(tensor).__name__}")
    if self._device is not tensor._device or self.dtype != tensor.dtype or self.shape != tensor.shape:
        return False
    a, b = self._data, tensor._data
    if a is b:
        return True
    if not self._device.host_memory or isinstance(a, np.generic) or isinstance(b, np.generic):
        return False
    (fa, ha, sa), (fb, hb, sb) = _block(a), _block(b)
    same_block = fa.size == fb.size and fa.__array_interface__["data"][0] == fb.__array_interface__["data"][0]
    return same_block and fa.size > 0 and ha == hb and sa == sb


def _sizes(op, sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    try:
        sizes = tuple(operator.index(n) for n in sizes)
    except TypeError:
        raise TypeError(f"{op}: sizes must be ints, got {sizes!r}") from None
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"{op}: sizes must be >= 0, got {sizes}")
    return sizes


def resize_(self, *sizes, memory_format=None):
    """Give this tensor the shape `sizes` in place over its memory, in memory order from its offset: the leading
    elements are kept when shrinking, new ones (past the memory it has) are zeros (uninitialised in PyTorch).
    The same shape leaves the tensor as it is. Not for tensors that require grad."""
    op = "resize_"
    sizes = _sizes(op, sizes)
    if self.requires_grad:
        raise RuntimeError(f"{op}: cannot resize variables that require grad (this one requires grad, shape "
                           f"{tuple(self.shape)}); resize "
                           f"t.detach() or build a new tensor")
    fmt = None if memory_format in (None, type_objects.contiguous_format) else memory_format
    type_objects.check_format(op, fmt, sizes)
    if sizes == tuple(self.shape) and fmt is None:
        self._bump_version()
        return self
    count = int(np.prod(sizes, dtype=np.int64))
    xp = self._device.xp
    if self._device.host_memory:
        flat, here, _ = _host_block(op, self)
        if here + count <= flat.size:
            _unlink(self, _laid(xp, flat[here:here + count], sizes, fmt))
            return self
        kept = flat[here:]
    else:
        kept = xp.ascontiguousarray(self._data).reshape(-1)
    grown = xp.zeros(count, dtype=self.dtype)
    keep = min(count, kept.size)
    grown[:keep] = kept[:keep]
    _unlink(self, _laid(xp, grown, sizes, fmt))
    return self


def _laid(xp, flat, sizes, fmt):
    """The 1-D block `flat` read as `sizes` with the strides of memory format `fmt` (row-major when None or
    preserve_format), sharing its memory, as PyTorch's resize_ sets them."""
    if fmt is None or fmt.order is None:
        return flat.reshape(sizes)
    strides, step = [0] * len(sizes), flat.itemsize
    for d in fmt.order:   # the format's dims from innermost to outermost
        strides[d], step = step, step * max(sizes[d], 1)
    return xp.lib.stride_tricks.as_strided(flat, sizes, tuple(strides))


def resize_as_(self, the_template, memory_format=None):
    """resize_ to the shape of `the_template` (a Tensor)."""
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_: argument 'the_template' must be Tensor, not {type(the_template).__name__}")
    return resize_(self, tuple(the_template.shape), memory_format=memory_format)


def resize(self, *sizes):
    """Deprecated, as in PyTorch (UserWarning): a tensor of shape `sizes` holding this one's elements in order,
    differentiable; unlike resize_ the number of elements must stay the same."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    return _resized(self, _sizes("resize", sizes))


def resize_as(self, tensor):
    """Deprecated, as in PyTorch (UserWarning): resize() to the shape of `tensor`."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"resize_as: argument 'tensor' must be Tensor, not {type(tensor).__name__}")
    return _resized(self, tuple(tensor.shape))


def _resized(t, sizes):
    count = int(np.prod(sizes, dtype=np.int64))
    if count != t.size:
        raise RuntimeError(f"requested resize to {'x'.join(map(str, sizes))} ({count} elements in total), but the "
                           f"given tensor has a size of {'x'.join(map(str, t.shape))} ({t.size} elements). "
                           "autograd's resize can only change the shape of a given tensor, while preserving the "
                           "number of elements (as in PyTorch); use reshape, or resize_ on a tensor without grad")
    return named(t.reshape(sizes), "ResizeBackward")


BINDINGS = {"set_": set_, "is_set_to": is_set_to, "resize_": resize_, "resize_as_": resize_as_, "resize": resize,
            "resize_as": resize_as, "ormqr": ormqr}
