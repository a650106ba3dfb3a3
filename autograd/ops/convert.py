"""Moving tensors between devices and dtypes, inside the graph."""
import warnings

import numpy as np

import backends

from ..bf16_dtype import is_bf16
from ..dtypes import check_supported
from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor


class ToDevice(Function):
    op_name = "to"

    def forward(ctx, x, target):
        ctx.source = ctx.device
        ctx.out_device = target
        if ctx.device.host_memory and target.host_memory:
            return x
        return target.asarray(ctx.device.to_host(x))

    def backward(ctx, gy):
        source = ctx.source
        if isinstance(gy, Tensor):  # create_graph: the move back is recorded too
            return to(gy, source), None
        if ctx.out_device.host_memory and source.host_memory:
            return gy, None
        return source.asarray(ctx.out_device.to_host(gy)), None


class AsType(Function):
    op_name = "astype"
    torch_name = "ToCopyBackward0"   # PyTorch's node for every dtype cast (to, float, double, half, type)
    half_native = True   # casts to and from bfloat16 and float16 as asked (autograd/half_forms.py)

    def forward(ctx, x, dtype):
        ctx.source_dtype = x.dtype
        if is_bf16(x.dtype) and np.dtype(dtype).kind == "u":
            x = x.astype(np.float32)   # bfloat16's own cast clips negatives to 0; PyTorch wraps them (-2 is 254)
        if 0 in x.strides and any(n > 1 and s == 0 for n, s in zip(x.shape, x.strides)):
            return x.astype(dtype, order="C")   # an expanded input: a contiguous result, as PyTorch's
        return x.astype(dtype)

    def backward(ctx, gy):
        return gy.astype(ctx.source_dtype), None


class CastComplex(Function):
    """A cast to or from a complex dtype: real -> complex takes back the gradient's real part; complex -> real
    keeps the real part (PyTorch warns that the imaginary part is discarded) and gives a real gradient."""
    complex_ready = True
    op_name = "to"
    torch_name = "ToCopyBackward0"

    def forward(ctx, x, dtype):
        ctx.source = x.dtype
        if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
            warnings.warn(f"Casting complex values to real discards the imaginary part ({x.dtype} -> "
                          f"{np.dtype(dtype)}); take .real or .abs() explicitly to keep it quiet", UserWarning,
                          stacklevel=4)
            return x.real.astype(dtype)
        return x.astype(dtype)

    def backward(ctx, gy):
        xp = ctx.xp
        if ctx.source.kind != "c":
            part = xp.real(gy)
            return (part.astype(ctx.source) if ctx.source.kind == "f" else part), None
        return gy.astype(ctx.source), None


def _as_dtype(target):
    if isinstance(target, str):
        try:
            return np.dtype(target)
        except TypeError:
            return None
    try:
        return np.dtype(target)
    except TypeError:
        return None


def to(x, target):
    """x on the device or with the dtype named by `target` (a no-op when nothing changes)."""
    check_tensor("to", x)
    if not backends.is_device(target):
        dtype = _as_dtype(target)
        if dtype is not None:
            return astype(x, dtype)
    device = backends.get_backend(target)
    if device is x._device:
        return x
    return ToDevice.apply(x, device)


def astype(x, dtype):
    """x converted to `dtype`; the gradient converts back."""
    check_tensor("astype", x)
    dtype = check_supported("astype", dtype)
    if dtype == x.dtype:
        return x
    if dtype.kind == "c" or x.dtype.kind == "c":
        return CastComplex.apply(x, dtype)
    return AsType.apply(x, dtype)
