"""Moving tensors between devices and dtypes, inside the graph."""
import numpy as np

import backends

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

    def forward(ctx, x, dtype):
        ctx.source_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, gy):
        return gy.astype(ctx.source_dtype), None


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
    return AsType.apply(x, dtype)
