"""PyTorch's `out=` argument for the module-level functions (`ag.matmul(a, b, out=c)`)."""
import functools

import numpy as np

from ..errors import DtypeError, GraphError
from ..grad_mode import state
from ..tensor import Tensor


def write_out(op, result, out):
    """Store `result` in the tensor `out` (resized if its shape differs) and return `out`."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}: out must be a Tensor, got {type(out).__name__}")
    if state.enabled and (result.requires_grad or out.requires_grad):
        raise GraphError(f"{op}: functions with out=... do not record a graph, and an argument requires grad; "
                         "call it without out= (or inside ag.no_grad())")
    if not np.can_cast(result.dtype, out.dtype, casting="same_kind"):
        raise DtypeError(f"{op}: the result is {result.dtype} and cannot be stored in out, a {out.dtype} tensor")
    if result.device is not out.device and not (result.device.host_memory and out.device.host_memory):
        raise ValueError(f"{op}: out is on {out.device} but the result is on {result.device}")
    if tuple(out.shape) == tuple(result.shape):
        out._writable()[...] = result._data
    else:
        out._data = result._data.astype(out.dtype, copy=True)
    out._bump_version()
    return out


def with_out(fn):
    """`fn` taking PyTorch's keyword `out=`: the result is written into that tensor, which is returned."""
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else write_out(fn.__name__, result, out)
    return call
