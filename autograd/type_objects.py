"""PyTorch's type objects beside the dtypes: `ag.dtype` and `ag.device` (for isinstance checks; calling
`ag.device(...)` gives the device), the layouts (`ag.strided`, ...) and the memory formats
(`ag.contiguous_format`, `ag.channels_last`, ...).

Tensors here are always dense and strided. A memory format is a stride order: `channels_last` keeps the
channel dim innermost in memory (NHWC) while the shape stays (N, C, H, W), so values and results never
depend on it; Tensor.contiguous and Tensor.to honour it, is_contiguous answers for it.
"""
import numbers

import numpy as np

import backends
from backends.base import Backend
from backends.unopened_device import UnopenedDevice


class _DtypeType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, np.dtype) or (isinstance(obj, type) and issubclass(obj, np.generic))

    def __repr__(cls):
        return "<class 'autograd.dtype'>"


class dtype(metaclass=_DtypeType):
    """The type of dtypes, as torch.dtype: isinstance(x.dtype, ag.dtype) and isinstance(ag.float32, ag.dtype)
    are True (deepgrad's dtypes are NumPy's: np.dtype objects and scalar types such as np.float32)."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create 'dtype' instances; use ag.float32, ag.int64, ... (NumPy's dtypes)")


class _DeviceType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, (Backend, UnopenedDevice))

    def __call__(cls, type_or_name, index=None):
        if isinstance(type_or_name, (Backend, UnopenedDevice)) and index is None:
            return type_or_name
        if isinstance(type_or_name, numbers.Integral) and not isinstance(type_or_name, bool) and index is None:
            return backends.get_backend(f"cuda:{int(type_or_name)}")   # torch.device(0): the first GPU
        if index is not None:
            if not isinstance(index, numbers.Integral) or isinstance(index, bool):
                raise TypeError(f"device(): argument 'index' (position 2) must be int, not {type(index).__name__}")
            return backends.device_for(type_or_name, int(index))
        return backends.device_for(type_or_name)

    def __repr__(cls):
        return "<class 'autograd.device'>"


class device(metaclass=_DeviceType):
    """A device, as torch.device: device('cpu'), device('cuda:1'), device('cuda', 1), device(0) (GPU 0) give
    deepgrad's device object (a Backend, usable as `with device:`), and isinstance(t.device, ag.device) is
    True. A known device that cannot work here (cuda without a GPU) is still built, as in PyTorch; the first
    tensor or module sent to it raises why, and how to fix it."""


class layout:
    """How a tensor's elements are stored, as torch.layout; deepgrad's tensors are all `strided`."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


class memory_format:
    """An order of a tensor's dims in memory, as torch.memory_format."""

    __slots__ = ("name", "rank", "order")

    def __init__(self, name, rank=None, order=None):
        self.name, self.rank, self.order = name, rank, order

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
_mkldnn = layout("_mkldnn")
jagged = layout("jagged")

contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
#: dims from innermost to outermost in memory: C, W, H, N (and D for 3-d)
channels_last = memory_format("channels_last", 4, (1, 3, 2, 0))
channels_last_3d = memory_format("channels_last_3d", 5, (1, 4, 3, 2, 0))


def check_format(op, fmt, shape):
    """Raise as PyTorch does when `fmt` is not a memory format, or a channels-last format meets a tensor of
    the wrong rank."""
    if fmt is not None and not isinstance(fmt, memory_format):
        raise TypeError(f"{op}: memory_format must be one of ag.contiguous_format, ag.channels_last, "
                        f"ag.channels_last_3d or ag.preserve_format, got {fmt!r}")
    if fmt is not None and fmt.rank is not None and len(shape) != fmt.rank:
        raise RuntimeError(f"{op}: required rank {fmt.rank} tensor to use {fmt.name} format, got shape "
                           f"{tuple(shape)} ({len(shape)} dims)")


def laid_out_as(array, fmt):
    """True when `array`'s strides follow `fmt` (dims of size 1 may have any stride, as in PyTorch; an empty
    array, whose strides NumPy leaves at zero, is in every format)."""
    if array.size == 0:
        return True
    if fmt is None or fmt.order is None:
        return bool(array.flags.c_contiguous)
    expected = array.itemsize
    for d in fmt.order:
        if array.shape[d] != 1:
            if array.strides[d] != expected:
                return False
            expected *= array.shape[d]
    return True


def arranged(xp, array, fmt):
    """A copy of `array` laid out as the channels-last `fmt` (same shape and values)."""
    inverse = tuple(np.argsort(fmt.order[::-1]))
    return xp.ascontiguousarray(array.transpose(fmt.order[::-1])).transpose(inverse)


def suggests(array, fmt):
    """True when PyTorch's suggest_memory_format would name the channels-last `fmt` for `array`'s strides: its
    rule for ambiguous strides (size-1 dims), which falls back to the contiguous format where both fit. One
    channel counts as contiguous here: NumPy leaves a size-1 dim whatever stride the computation gave it, so a
    (N, 1, H, W) result of a transpose (grid_sample's, say) carries channels-last strides that no one asked for."""
    if array.ndim != fmt.rank or array.strides[1] == 0 or array.shape[1] == 1:
        return False
    low = 0
    for d in fmt.order:
        if array.shape[d] == 0 or array.strides[d] < low or (d == 0 and low == array.strides[1]):
            return False
        low = array.strides[d] * max(array.shape[d], 1)
    return True


def channels_last_like(xp, out, *sources):
    """`out` laid out channels-last when any of `sources` (arrays of out's rank) suggests that format, as PyTorch's
    convolutions, batch norms and poolings keep their input's layout on the CPU; `out` as it is otherwise."""
    for fmt in (channels_last, channels_last_3d):
        if out.ndim == fmt.rank and any(s.ndim == fmt.rank and suggests(s, fmt) for s in sources):
            strides, step = [0] * out.ndim, out.itemsize
            for d in fmt.order:   # PyTorch's strides for the format, size-1 dims included
                strides[d], step = step, step * max(out.shape[d], 1)
            if out.size == 0 or out.strides == tuple(strides):
                return out
            laid = xp.lib.stride_tricks.as_strided(xp.empty(out.size, out.dtype), out.shape, tuple(strides))
            laid[...] = out
            return laid
    return out
