"""Collectives on Tensors and arrays: all_reduce, broadcast, all_gather (every rank must make the same calls
in the same order, with arrays of the same shape and dtype)."""
import numbers

import numpy as np

from autograd import Tensor, arrays

from .world import current


class ReduceOp:
    """The reductions all_reduce takes (the strings work too: 'sum', 'mean', 'max', 'min')."""

    SUM = "sum"
    AVG = "mean"
    MEAN = "mean"
    MAX = "max"
    MIN = "min"


_OPS = {"sum": "sum", "mean": "mean", "avg": "mean", "max": "max", "min": "min"}


def _op(op, who):
    key = str(op).lower()
    if key not in _OPS:
        raise ValueError(f"{who}: unknown op {op!r}; choose 'sum', 'mean', 'max' or 'min' (or nn.distributed.ReduceOp)")
    return _OPS[key]


def _raw(x, who):
    """(backend array of x, how to hand the result back): Tensors and arrays in place, numbers as numbers."""
    if isinstance(x, Tensor):
        return arrays.array(x), lambda a: (arrays.mark_changed(x), x)[1]
    if isinstance(x, numbers.Number) and not isinstance(x, bool):
        return np.array([x]), lambda a: type(x)(a[0])
    if hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "flags"):  # a NumPy or CuPy array
        return x, lambda a: x
    raise TypeError(f"{who}: expected a Tensor, a NumPy/CuPy array or a number, got {type(x).__name__}")


def _contiguous(a, who):
    """`a` itself when contiguous, else a contiguous copy (written back by _write_back)."""
    if not a.flags.writeable:
        raise ValueError(f"{who}: the array is read-only; pass a writable copy")
    return a if a.flags.c_contiguous else a.copy()


def _write_back(target, result):
    if result is not target:
        target[...] = result


class _Done:
    """What a call with async_op=True returns: the work already finished, so wait() returns at once."""

    def wait(self, timeout=None):
        """Nothing to wait for; True, as PyTorch's Work.wait."""
        return True

    def is_completed(self):
        """Always True."""
        return True


def _torch_options(who, group, async_op, result):
    """PyTorch's group/async_op arguments: only the whole world; async work is done before returning."""
    if group is not None:
        raise ValueError(f"{who}: process subgroups are not supported (group={group!r}); leave group out to use "
                         "every process")
    return _Done() if async_op else result


def all_reduce(x, op="sum", group=None, async_op=False):
    """Combine `x` across every rank in place with `op` ('sum', 'mean', 'max', 'min'); returns `x` (for a
    Python number, the combined number). Every rank ends with the same values. `async_op=True` returns
    an object with wait(), as PyTorch's; the work is already done. `group` must be None (the world)."""
    who = "nn.distributed.all_reduce"
    backend = current(who).backend
    _torch_options(who, group, False, None)
    op = _op(op, who)
    a, give = _raw(x, who)
    if op == "mean" and a.dtype.kind not in "fc":
        if isinstance(x, numbers.Number):
            a = a.astype(np.float64)
            give = lambda v: float(v[0])  # noqa: E731
        else:
            raise TypeError(f"{who}: op 'mean' needs floating-point values, got dtype {a.dtype}; reduce with 'sum' "
                            "and divide, or cast first")
    work = _contiguous(a, who)
    backend.all_reduce(work, op)
    _write_back(a, work)
    return _torch_options(who, group, async_op, give(a))


def broadcast(x, src=0, group=None, async_op=False):
    """Overwrite `x` on every rank with rank `src`'s values, in place; returns `x` (group/async_op as in
    all_reduce)."""
    who = "nn.distributed.broadcast"
    world = current(who)
    _torch_options(who, group, False, None)
    _check_rank(src, world.size, who)
    a, give = _raw(x, who)
    work = _contiguous(a, who)
    world.backend.broadcast(work, src)
    _write_back(a, work)
    return _torch_options(who, group, async_op, give(a))


def all_gather(x, tensor=None, group=None, async_op=False):
    """Every rank's `x`, as a list in rank order (Tensors for a Tensor, arrays for an array).

    PyTorch's form `all_gather(tensor_list, tensor)` works too: it fills `tensor_list` with
    world_size() tensors and returns it (group/async_op as in all_reduce)."""
    who = "nn.distributed.all_gather"
    backend = current(who).backend
    _torch_options(who, group, False, None)
    if tensor is not None:
        gathered = all_gather(tensor)
        x[:] = gathered
        return _torch_options(who, group, async_op, x)
    a, _ = _raw(x, who)
    stacked = backend.all_gather(a if a.flags.c_contiguous else a.copy())
    parts = [stacked[k] for k in range(stacked.shape[0])]
    if isinstance(x, Tensor):
        return [arrays.wrap(p, x.device) for p in parts]
    if isinstance(x, numbers.Number):
        return [type(x)(p[0]) for p in parts]
    return parts


def _check_rank(src, size, who):
    if isinstance(src, bool) or not isinstance(src, numbers.Integral) or not 0 <= src < size:
        raise ValueError(f"{who}: src must be a rank between 0 and {size - 1}, got {src!r}")
