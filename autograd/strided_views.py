"""Tensors with explicit memory layouts, as PyTorch's: `empty_strided` / `Tensor.new_empty_strided` (a fresh
block laid out with the given strides), `frombuffer` (a tensor over a Python buffer's memory) and `as_strided`
(any sizes, strides and offset over the memory block a tensor lives in, differentiable: the gradient goes back
to the block's elements, summed where windows overlap)."""
import numbers
import operator
import warnings

import numpy as np

import backends

from .accelerator import check_pinnable
from .dtypes import check_supported, get_default_dtype
from .function import Function
from .ops.dims import check_tensor
from .tensor import Tensor


def _ints(op, name, values):
    if isinstance(values, numbers.Integral):
        values = (values,)
    try:
        return tuple(operator.index(v) for v in values)
    except TypeError:
        raise TypeError(f"{op}: {name} must be a sequence of ints, got {values!r}") from None


def _geometry(op, size, stride):
    size, stride = _ints(op, "size", size), _ints(op, "stride", stride)
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: size {size} and stride {stride} differ in length (one stride per dim)")
    if any(n < 0 for n in size):
        raise RuntimeError(f"{op}: sizes must be >= 0, got {size}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"{op}: negative strides are not supported (as in PyTorch), got {stride}")
    return size, stride


def _extent(size, stride, offset=0):
    """Elements a block needs to hold every position of the layout (0 for an empty tensor)."""
    return 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))


def _positions(size, stride, offset):
    """The block index of every element of the layout, as an int64 array of shape `size`."""
    index = np.full(size, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        index += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(size) - d - 1))
    return index


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor of `size` laid out with element `stride`s in a block just large enough."""
    if pin_memory:
        check_pinnable("empty_strided")
    size, stride = _geometry("empty_strided", size, stride)
    d = backends.get_backend(device) if device is not None else backends.get_default_device()
    dtype = check_supported("empty_strided", dtype if dtype is not None else get_default_dtype())
    block = d.xp.empty(_extent(size, stride), dtype=dtype)
    array = d.xp.lib.stride_tricks.as_strided(block, size, tuple(s * block.itemsize for s in stride))
    out = Tensor._make(array, d, None, 0, False)
    return out.requires_grad_(True) if requires_grad else out


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """An uninitialised tensor of `size` whose memory holds the dims in the order `physical_layout` (outermost
    first): empty_permuted((N, C, H, W), (0, 2, 3, 1)) is channels-last."""
    if pin_memory:
        check_pinnable("empty_permuted")
    size, order = _ints("empty_permuted", "size", size), _ints("empty_permuted", "physical_layout", physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(f"empty_permuted: physical_layout {order} must name each of the {len(size)} dims of size "
                           f"{size} exactly once")
    stride, step = [0] * len(size), 1
    for d in reversed(order):
        stride[d], step = step, step * max(size[d], 1)
    return empty_strided(size, stride, dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                      pin_memory=False):
    """empty_strided with this tensor's dtype and device unless given."""
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
                         device=self.device if device is None else device, requires_grad=requires_grad,
                         pin_memory=pin_memory)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the memory of `buffer` (bytes, bytearray, memoryview, array.array, ...): `count` items
    of `dtype` (all when negative) from byte `offset`. It shares the buffer's memory: writes to a writable
    buffer show in the tensor and back."""
    dtype = check_supported("frombuffer", dtype)
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(f"frombuffer: expects an object with the buffer protocol (bytes, bytearray, memoryview, "
                        f"array.array, ...), got {type(buffer).__name__}") from None
    length, item = view.nbytes, dtype.itemsize
    if length <= 0 or count == 0:
        raise ValueError(f"frombuffer: both the buffer length ({length} bytes) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"frombuffer: offset ({offset} bytes) must be non-negative and less than the buffer "
                         f"length ({length} bytes)")
    if count < 0:
        if (length - offset) % item:
            raise ValueError(f"frombuffer: the buffer length after the offset ({length - offset} bytes) must be a "
                             f"multiple of the element size ({item} bytes of {dtype}); give count=")
        count = (length - offset) // item
    elif offset + count * item > length:
        raise ValueError(f"frombuffer: {count} items of {item} bytes after the offset ({offset} bytes) do not fit "
                         f"the buffer ({length} bytes)")
    array = np.frombuffer(view.cast("B") if view.ndim != 1 or view.format != "B" else view, dtype=dtype,
                          count=count, offset=offset)
    if view.readonly:
        warnings.warn("frombuffer: the buffer is not writable (e.g. bytes), so neither is the tensor; copy it "
                      "(bytearray(buffer)) first to change the values", UserWarning, stacklevel=2)
    out = Tensor._make(array, backends.get_backend("cpu"), None, 0, False)
    return out.requires_grad_(True) if requires_grad else out


def _block(array):
    """(a 1-D array over the whole memory block `array` lives in, array's element offset and strides in it)."""
    root = array
    while isinstance(getattr(root, "base", None), np.ndarray) and root.base.itemsize == array.itemsize:
        root = root.base
    if root.ndim == 0:
        root = root.reshape(1)   # a 0-d array indexed with () gives a scalar copy, not a view
    item = array.itemsize
    if root.size == 0:
        return np.empty(0, array.dtype), 0, tuple(s // item for s in array.strides)
    start = root[tuple(slice(None, None, -1) if s < 0 else slice(None) for s in root.strides)]   # lowest address
    span = sum((n - 1) * s for n, s in zip(start.shape, start.strides)) + item
    flat = np.lib.stride_tricks.as_strided(start, (span // item,), (item,))
    here = array.__array_interface__["data"][0] - start.__array_interface__["data"][0]
    return flat, here // item, tuple(s // item for s in array.strides)


class AsStrided(Function):
    torch_name = "AsStridedBackward0"
    complex_ready = True   # a view: backward only moves (and sums) gradient elements, complex ones alike

    def forward(ctx, x, size, stride, offset):
        flat, here, strides = _block(x)
        offset = here if offset is None else offset
        ctx.geometry = (x.shape, strides, here), (size, stride, offset)
        repeats = any(s == 0 and n > 1 for n, s in zip(size, stride))   # read-only then, as expand()'s result
        return np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * x.itemsize for s in stride),
                                               writeable=flat.flags.writeable and not repeats)

    def backward(ctx, gy):
        (in_size, in_stride, in_offset), out_geometry = ctx.geometry
        out_index, in_index = _positions(*out_geometry), _positions(in_size, in_stride, in_offset)
        length = max(out_index.max(initial=-1), in_index.max(initial=-1)) + 1
        block = np.zeros(length, dtype=gy.dtype)
        np.add.at(block, out_index.reshape(-1), np.asarray(gy).reshape(-1))
        counts = np.bincount(in_index.reshape(-1), minlength=length)
        if counts.max(initial=0) > 1:   # an input that repeats elements (after expand) shares them out
            block = block / np.maximum(counts, 1)
        return block[in_index], None, None, None


def as_strided(input, size, stride, storage_offset=None):
    """A view of the memory block `input` lives in, with `size`, element `stride`s and `storage_offset`
    (default: input's own); gradients reach input's elements (summed where windows overlap)."""
    check_tensor("as_strided", input)
    size, stride = _geometry("as_strided", size, stride)
    if storage_offset is not None and (not isinstance(storage_offset, numbers.Integral) or storage_offset < 0):
        raise RuntimeError(f"as_strided: storage_offset must be an int >= 0, got {storage_offset!r}")
    if not input.device.host_memory:
        raise RuntimeError(f"as_strided: works on tensors in host memory (cpu, numba), got one on {input.device}; "
                           f"move it with .cpu() first")
    if isinstance(input._data, np.generic):
        input._data = np.array(input._data)   # a NumPy scalar has no memory block to view; a 0-d array does
    flat, here, _ = _block(input._data)
    offset = here if storage_offset is None else storage_offset
    need = _extent(size, stride, offset)
    if need > flat.size or offset > flat.size:
        raise RuntimeError(f"as_strided: size {size}, stride {stride} and storage offset {offset} reach element "
                           f"{max(need, offset + 1) - 1} of the memory block of {flat.size} elements the input "
                           f"(shape {tuple(input.shape)}) lives in; keep them inside the block")
    return AsStrided.apply(input, size, stride, None if storage_offset is None else int(storage_offset))


TENSOR_METHODS = {"as_strided": as_strided, "new_empty_strided": new_empty_strided}
