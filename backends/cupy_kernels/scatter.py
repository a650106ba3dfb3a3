"""Scatter-add with repeated indices accumulated on the GPU: the gradient of indexing and of embeddings.

cupy.add.at (atomic adds, like np.add.at) does the work. CUDA's atomicAdd covers float16/32/64,
int32, uint32 and uint64; int64 adds through a uint64 view (two's-complement addition is the same
bit operation) and any other dtype takes a host round trip through the NumPy kernel, as floats do in
deterministic mode (backends/determinism.py).
Indices are not bounds-checked on the GPU by scatter_add (CuPy wraps them; checking would cost a
device-to-host synchronisation per call); index_add checks them, as the embedding gradient needs.
"""
import cupy
import cupyx
import numpy as np

from .. import determinism
from ..array_kernels.scatter import checked_index, out_of_bounds
from ..numpy_kernels import scatter as numpy_scatter

#: ufunc.at on the GPU (CuPy 13+); cupyx.scatter_add, its older name, warns as deprecated in CuPy 14
_add_at = cupy.add.at if hasattr(cupy.add, "at") else cupyx.scatter_add
_ATOMIC = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int32, np.uint32, np.uint64))


def _on_host(part):
    return cupy.asnumpy(part) if isinstance(part, cupy.ndarray) else part


def _on_device(part):
    return cupy.asarray(part) if isinstance(part, np.ndarray) else part


def add_at(out, index, src):
    """out[index] += src in place with repeats accumulated (index with device arrays), any dtype of out."""
    ordered = determinism.enabled() and out.dtype.kind == "f"   # float atomics add in a varying order
    if out.dtype in _ATOMIC and not ordered:
        _add_at(out, index, cupy.asarray(src, dtype=out.dtype))
    elif out.dtype == np.int64:
        _add_at(out.view(np.uint64), index, cupy.asarray(src, dtype=np.int64).view(np.uint64))
    else:
        host = cupy.asnumpy(out)
        parts = index if isinstance(index, tuple) else (index,)
        numpy_scatter.scatter_add(host, tuple(_on_host(p) for p in parts), _on_host(src))
        out[...] = cupy.asarray(host)


def scatter_add(out, index, src):
    """out[index] += src in place, accumulating repeated indices (index: a NumPy-style index)."""
    parts = index if isinstance(index, tuple) else (index,)
    add_at(out, tuple(_on_device(p) for p in parts), src)


def index_add(out, index, src):
    """out[index[i]] += src[i] in place along axis 0, accumulating repeats (embedding gradients)."""
    index = checked_index(cupy, out, index)
    if index.size == 0 or out.size == 0:
        return
    rows = out.shape[0]
    low, high = (int(v) for v in cupy.asnumpy(cupy.stack([index.min(), index.max()])))   # one synchronisation
    if low < -rows or high >= rows:
        raise out_of_bounds("index_add", low if low < -rows else high, 0, rows, out.shape)
    src = cupy.broadcast_to(cupy.asarray(src, dtype=out.dtype), index.shape + out.shape[1:])
    add_at(out, index, src)
