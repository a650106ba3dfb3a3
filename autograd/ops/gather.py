"""PyTorch's index ops along one dim: gather, scatter, scatter_add, index_select, masked_fill."""
import numbers
import warnings

import numpy as np

from ..function import Function, named
from ..shown_nodes import shown_over
from ..int_fit import fitted
from ..tensor import Tensor
from .. import autocast_state as autocast, unsigned_limits
from .arrange import broadcast_shapes
from .dims import check_tensor, normalize
from .elementwise import where
from .indexing import getitem_row_major, on_device_of, take_along_axis
from .no_derivative import without_derivative
from .shape import pad
from ..errors import ArgumentRangeError, DimRangeError, DtypeError, IndexRangeError, ShapeError


def _index_array(op, index, device):
    """The raw int64 array of an index tensor (or array-like), with a clear error for other dtypes."""
    arr = index._data if isinstance(index, Tensor) else device.asarray(np.asarray(index))
    if arr.dtype.kind not in "iu":
        raise DtypeError(f"{op}: index must be an integer tensor, got {arr.dtype}; convert it with .long()")
    return arr.astype(np.int64, copy=False)


def _check_index(op, index, x, d, other_name="input"):
    """Check gather/scatter's shape rule (index no larger than `x` outside `d`) and the index range."""
    if index.ndim != x.ndim:
        raise ShapeError(f"{op}: index has {index.ndim} dims but {other_name} has {x.ndim} "
                         f"(shapes {tuple(index.shape)} and {x.shape}); they must have the same number of dims")
    for i, (m, n) in enumerate(zip(index.shape, x.shape)):
        if i != d and m > n:
            raise ShapeError(f"{op}: index shape {tuple(index.shape)} is larger than {other_name} shape {x.shape} "
                             f"in dim {i}; only dim {d} may differ")
    n = x.shape[d] if x.ndim else 1
    if index.size and int(index.min()) < 0:   # PyTorch does not count these from the end
        raise IndexRangeError(f"{op}: index {int(index.min())} is out of bounds for dimension {d} with size {n}; "
                              f"{op} takes indices from 0 to {n - 1} and does not count negative ones from the end: "
                              f"add {n} to them first (index % {n})")
    if index.size and int(index.max()) >= n:
        raise IndexRangeError(f"{op}: an index is out of range for dim {d} of length {n} "
                              f"(indices from {int(index.min())} to {int(index.max())})")


def _grid(xp, index, d):
    """A full fancy index whose dim `d` is `index` and whose other dims count 0..n-1 (for scatter)."""
    grid = list(xp.meshgrid(*[xp.arange(n) for n in index.shape], indexing="ij", sparse=True))
    grid[d] = index
    return tuple(grid)


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j][k] = input[i][index[i][j][k]][k] for dim 1 (and likewise for other dims); index may be
    smaller than input outside `dim`."""
    check_tensor("gather", input)
    unsigned_limits.refuse("scatter_gather_tensor_cpu", input)
    d = normalize("gather", dim, input.ndim)
    idx = _index_array("gather", index, input._device)
    # an index tensor stays one (not its int64 copy or a reshaped view): a jit replay reads its new values
    picks = on_device_of(input, index) if isinstance(index, Tensor) else idx
    if input.ndim == 0:
        return named(take_along_axis(input.reshape(1), picks.reshape(1), 0).reshape(idx.shape), "GatherBackward0")
    if idx.ndim == 0 and input.ndim == 1:   # PyTorch counts a 0-d index as one element (the result is 0-d)
        return named(gather(input, d, picks.reshape(1)).reshape(()), "GatherBackward0")
    _check_index("gather", idx, input, d)
    crop = tuple(slice(None) if i == d else slice(0, m) for i, m in enumerate(idx.shape))
    if crop == (slice(None),) * input.ndim:
        return named(take_along_axis(input, picks, d), "GatherBackward0")
    # a smaller index reads a slice of the input: PyTorch's one node has the input's own edge
    return shown_over(take_along_axis(input[crop], picks, d), "GatherBackward0", input)


class Scatter(Function):
    """input with src written (or added) at index along a dim; repeated indices add when accumulating."""

    def forward(ctx, x, src, index, d, accumulate):
        # the grid is built here from the index array, so that a jit replay scatters at each step's index
        index = index.astype(np.int64, copy=False)
        grid = _grid(ctx.xp, index % x.shape[d] if index.size else index, d)
        out = x.copy()
        value = src if getattr(src, "ndim", 0) == 0 else src[tuple(slice(0, m) for m in _selected_shape(grid))]
        if accumulate:
            ctx.device.scatter_add(out, grid, ctx.xp.broadcast_to(value, _selected_shape(grid)).astype(x.dtype))
        else:
            out[grid] = value
        ctx.grid, ctx.accumulate, ctx.d = grid, accumulate, d
        ctx.src_shape = getattr(src, "shape", None)
        return out

    def backward(ctx, gy):
        if isinstance(gy, Tensor):   # create_graph: the same linear maps, recorded
            return _recorded_scatter_grads(ctx, gy)
        xp = ctx.xp
        need = ctx.needs_input_grad
        gx = gs = None
        if need[0]:
            gx = gy if ctx.accumulate else gy.copy()
            if not ctx.accumulate:
                gx[ctx.grid] = 0
        if need[1]:
            picked = gy[ctx.grid]
            gs = xp.zeros(ctx.src_shape, gy.dtype)
            gs[tuple(slice(0, m) for m in picked.shape)] = picked
        return gx, gs, None, None, None


def _recorded_scatter_grads(ctx, gy):
    """Scatter's gradients as recorded ops: gy with the written positions zeroed (unless accumulating) for
    input, gy's entries at the index for src (zeros where src reaches past the index)."""
    need = ctx.needs_input_grad
    index = ctx.grid[ctx.d]
    gx = gs = None
    if need[0]:
        gx = gy if ctx.accumulate else Scatter.apply(gy, ctx.device.xp.zeros((), gy.dtype), index, ctx.d, False)
    if need[1]:
        crop = tuple(slice(None) if i == ctx.d else slice(0, m) for i, m in enumerate(index.shape))
        gs = take_along_axis(gy[crop], index, ctx.d)
        missing = [(0, n - m) for n, m in zip(ctx.src_shape, index.shape)]
        if any(after for _, after in missing):
            gs = pad(gs, missing)
    return gx, gs, None, None, None


def _selected_shape(grid):
    """The shape a broadcast fancy index selects."""
    return np.broadcast_shapes(*[tuple(g.shape) for g in grid])


def _scatter(op, input, dim, index, src, accumulate):
    check_tensor(op, input)
    d = normalize(op, dim, input.ndim)
    if input.ndim == 0 and isinstance(index, Tensor) and index.ndim <= 1:
        # a 0-d input (and index, and src) as PyTorch takes them: scattered as one element, 0-d again
        src = src.reshape(1) if isinstance(src, Tensor) and src.ndim == 0 else src
        return _scatter(op, input.reshape(1), 0, index.reshape(-1), src, accumulate).reshape(())
    idx = _index_array(op, index, input._device)
    if idx.ndim == 0 and input.ndim == 1:   # PyTorch counts a 0-d index (and src) as one element
        src = src.reshape(1) if isinstance(src, Tensor) and src.ndim == 0 else src
        index = index.reshape(1) if isinstance(index, Tensor) else idx.reshape(1)
        return _scatter(op, input, d, index, src, accumulate)
    _check_index(op, idx, input, d, "self")
    if isinstance(src, Tensor):
        if src.ndim != idx.ndim or any(m > n for m, n in zip(idx.shape, src.shape)):
            raise ShapeError(f"{op}: src shape {src.shape} must have index's number of dims and be at least "
                             f"index's shape {tuple(idx.shape)} in every dim")
        if src.dtype != input.dtype:   # a silent cast would truncate (0.5 into an int tensor writes 0)
            raise DtypeError(f"{op}: src ({src.dtype}, shape {tuple(src.shape)}) must have input's dtype "
                             f"({input.dtype}, shape {tuple(input.shape)}), as in PyTorch; convert it with "
                             f"src.to(input.dtype)")
    elif isinstance(src, numbers.Number):
        src = Tensor._make(input.device.xp.asarray(fitted(src, input.dtype, op), dtype=input.dtype), input._device,
                           None, 0, False)
    else:
        raise TypeError(f"{op}: src must be a Tensor or a number, got {type(src).__name__}")
    # an index tensor goes in as an argument (not its array), so that a jit replay reads its new values
    return Scatter.apply(input, src, on_device_of(input, index) if isinstance(index, Tensor) else idx, d, accumulate)


_NO_GRAD_ADVICE = ("scatter(..., reduce='add' or 'multiply') has no gradient; for one use scatter_add(input, dim, "
                   "index, src) or scatter_reduce(input, dim, index, src, reduce='sum' or 'prod')")

#: whether scatter(..., reduce=...) with a Tensor src has warned yet (it warns once, as PyTorch)
DEPRECATION_WARNED = []


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of `input` with src (a tensor, or `value`) written at `index` along `dim` (torch.scatter); with
    reduce='add' or 'multiply', added to or multiplied into the entries there instead."""
    check_tensor("scatter", input)
    if reduce not in (None, "add", "multiply"):
        raise ArgumentRangeError(f"scatter: reduce={reduce!r} is not supported (input shape {tuple(input.shape)}); "
                                 f"use None, 'add' or 'multiply' (or scatter_reduce for 'sum', 'prod', 'mean', "
                                 f"'amax', 'amin')")
    src = value if src is None else src
    if src is None:
        raise TypeError("scatter: pass src (a tensor) or value (a number)")
    if reduce is not None and isinstance(src, Tensor) and not DEPRECATION_WARNED:
        DEPRECATION_WARNED.append(True)   # once per process, as PyTorch's warning
        warnings.warn("scatter: the reduce argument with a Tensor src is deprecated in PyTorch and will be removed; "
                      "use scatter_reduce (reduce='sum' or 'prod', and more) instead", UserWarning, stacklevel=3)
    if reduce == "multiply":
        if isinstance(src, numbers.Number):
            shape = tuple(_index_array("scatter", index, input._device).shape)
            src = Tensor._make(input.device.xp.full(shape, src, dtype=input.dtype), input._device, None, 0, False)
        # the Tensor method, not an import: ops/scatter_reduce.py builds on this module
        return without_derivative(input.scatter_reduce(dim, index, src, "prod"), "scatter", _NO_GRAD_ADVICE)
    out = _scatter("scatter", input, dim, index, src, reduce == "add")
    if reduce is not None:
        return without_derivative(out, "scatter", _NO_GRAD_ADVICE)
    # PyTorch's overload that writes a number is ScatterBackward1
    return shown_over(out, "ScatterBackward1", input) if reduce is None and not isinstance(src, Tensor) else out


def scatter_add(input, dim, index, src):
    """A copy of `input` with src added at `index` along `dim`; repeated indices accumulate."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("scatter_add", scatter_add, input, dim, index, src)
    return named(_scatter("scatter_add", input, dim, index, src, True), "ScatterAddBackward0")


def index_select(input, dim, index):
    """The entries of `input` at the 1-D `index` along `dim`."""
    check_tensor("index_select", input)
    unsigned_limits.refuse("index_select", input)
    d = normalize("index_select", dim, input.ndim)
    if isinstance(index, Tensor) and str(index.dtype) not in ("int32", "int64"):
        raise DtypeError(f"index_select: index must be an integer tensor of dtype int32 or int64, got {index.dtype} (index shape "
                         f"{tuple(index.shape)}); convert it with index.long()")
    idx = _index_array("index_select", index, input._device)
    if idx.ndim > 1:
        raise DimRangeError(f"index_select: index must be 0-d or 1-D, got shape {tuple(idx.shape)}; flatten it with "
                            "index.reshape(-1) and reshape the result")
    n = input.shape[d] if input.ndim else 1
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):   # PyTorch counts no index from the end here
        raise IndexRangeError(f"index_select: an index is out of range for dim {d} of length {n} (input shape "
                              f"{tuple(input.shape)}; indices from {int(idx.min())} to {int(idx.max())}); indices "
                              f"must lie in 0 to {n - 1}, negative indices are not counted from the end")
    # a tensor stays one (a jit replay then reads its new values)
    flat = on_device_of(input, index).reshape(-1) if isinstance(index, Tensor) else idx.reshape(-1)
    if input.ndim == 0:
        if idx.size != 1:
            raise ShapeError(f"index_select: a 0-d input takes an index of exactly one value, got {idx.size}; index "
                             "a 0-d tensor with [0] (or unsqueeze it first)")
        return named(input.reshape(1)[flat].reshape(()), "IndexSelectBackward0")   # 0-d stays 0-d, as PyTorch
    return named(getitem_row_major(input, (slice(None),) * d + (flat,)), "IndexSelectBackward0")


def _complex_value(op, input, value):
    raise TypeError(f"{op}: the complex value {value!r} cannot be written into a {input.dtype} tensor, as in PyTorch; "
                    f"make the tensor complex first (input.to(ag.complex64))")


def masked_fill(input, mask, value):
    """A copy of `input` with `value` where the bool `mask` (broadcastable) is True."""
    check_tensor("masked_fill", input)
    unsigned_limits.refuse("masked_fill", input)
    m = mask if isinstance(mask, Tensor) else Tensor(mask, device=input.device)
    if m.dtype != np.bool_:
        raise DtypeError(f"masked_fill: mask must be a bool tensor, got {m.dtype}; compare first, e.g. x > 0")
    broadcast_shapes("masked_fill (input and mask)", [input.shape, m.shape])
    if isinstance(value, Tensor):
        if value.ndim:
            raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
        if value.dtype.kind == "c" and input.dtype.kind != "c":
            _complex_value("masked_fill", input, value)
        value = value.astype(input.dtype)
    elif type(value) is complex and input.dtype.kind != "c":
        _complex_value("masked_fill", input, value)
    elif input._data.dtype.kind in "biu":
        # the number in input's dtype, as PyTorch converts it (1.5 into an int tensor is 1, -1 into uint8 is 255,
        # 300 is refused): the result keeps input's dtype
        value = Tensor(np.asarray(fitted(value, input._data.dtype, "masked_fill")).astype(input._data.dtype),
                       device=input.device)
    # contiguous as PyTorch's result (where() keeps a transposed input's layout, which .view() would refuse)
    # PyTorch's node for a tensor value is MaskedFillBackward1
    out = where(m, value, input).contiguous()
    if isinstance(value, Tensor):
        return shown_over(out, "MaskedFillBackward1", input, value)
    return shown_over(out, "MaskedFillBackward0", input)

