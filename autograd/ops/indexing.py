"""Indexing: t[...] with ints, slices, None, Ellipsis, integer arrays and boolean masks; take_along_axis; one_hot."""
import warnings

import numpy as np

from ..capture import CaptureError, state as capture
from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor
from .index_key import as_torch_key
from .index_layout import laid_out, torch_index_strides
from .index_order import block_move, to_numpy_order, to_torch_order
from .no_grad_op import no_grad_op
from ..errors import IndexDtypeError, ShapeError


def _is_basic(index):
    """True when the index holds only ints, slices, None and Ellipsis (no repeats possible)."""
    for part in index:
        if not (part is None or part is Ellipsis or isinstance(part, (slice, int, np.integer))):
            return False
    return True


def _row_major(a):
    """True when `a`'s dims are laid out in row-major order, gaps allowed (a contiguous array or a slice of one):
    PyTorch's advanced indexing (its TensorIterator) then writes a C-contiguous result, where NumPy's may be in
    another order (x[:, [0, 2]] comes out column-major)."""
    strides = [st for st, n in zip(a.strides, a.shape) if n != 1]
    return all(st >= 0 for st in strides) and all(s0 >= s1 for s0, s1 in zip(strides, strides[1:]))


def _torch_layout(xp, x, index, out):
    """`out` (x[index] with an index array) in PyTorch's memory layout, which follows x's memory order."""
    if out.ndim < 2 or out.size == 0 or not isinstance(out, xp.ndarray):
        return out
    strides = torch_index_strides(x, index, out.shape)
    if strides is None:
        if not out.flags.c_contiguous and _row_major(x):
            return xp.ascontiguousarray(out)   # PyTorch's layout, so that .view() of the result works
        return out
    if tuple(s // out.itemsize for s in out.strides) == strides:
        return out
    return laid_out(xp, out, strides)


class GetItem(Function):
    """x[index]; the index parts come as separate arguments, so that an ag.jit capture sees index arrays
    computed in the step as values of the step (a tuple argument would be recorded as a constant)."""

    op_name = "getitem"

    def forward(ctx, x, *index):
        ctx.shape = x.shape
        ctx.dtype = x.dtype
        ctx.index = index
        ctx.basic = _is_basic(index)
        out = x[index]
        if ctx.basic and isinstance(out, np.generic) and isinstance(x, np.ndarray):   # PyTorch: a 0-d view
            return x[index + (Ellipsis,)]
        ctx.move = None if ctx.basic else block_move(len(ctx.shape), index)
        if ctx.move is not None:
            out = to_torch_order(ctx.xp.moveaxis, out, ctx.move)
        if not ctx.basic:
            out = _torch_layout(ctx.xp, x, index, out)
        return out

    def backward(ctx, gy):
        none = (None,) * len(ctx.index)
        move = None if ctx.basic else ctx.move
        if isinstance(gy, Tensor):
            if move is not None:   # back to NumPy's layout, in the graph
                from .shape import movedim
                gy = to_numpy_order(movedim, gy, move)
            return (IndexAdd.apply(gy, ctx.shape, ctx.index, ctx.basic),) + none
        if move is not None:
            gy = to_numpy_order(ctx.xp.moveaxis, gy, move)
        return (_scatter(ctx.device, gy, ctx.shape, ctx.index, ctx.basic),) + none

    @staticmethod
    def explain_error(args, exc):
        x, *index = args
        if getattr(x, "ndim", None) == 0 and len(index) == 1 and isinstance(index[0], int) \
                and not isinstance(index[0], bool):   # old code's `loss.data[0]`, as PyTorch words its refusal
            return (f"invalid index of a 0-dim tensor: [{index[0]}] on a tensor of shape {x.shape}. Use `tensor.item()` "
                    "to convert a 0-dim tensor to a number")
        return f"indexing a tensor of shape {x.shape} with {_describe(index)}: {exc}"

    @property
    def select_dim(self):
        """The dim grad_fn._saved_dim shows for a select: the one given to select(dim, i), else the dim the index's
        last int picks from in what the steps before it left (PyTorch indexes one step at a time)."""
        return self.__dict__.get("given_dim", self._last_step(False)[0])

    @property
    def select_index(self):
        """The index grad_fn._saved_index shows for a select, as given (x[-1]: -1)."""
        return self.__dict__.get("given_index", self._last_step(False)[1])

    @property
    def select_sizes(self):
        """The shape the last select applies to (grad_fn._saved_self_sym_sizes): what the steps before it left."""
        return self._last_step(False)[2]

    @property
    def unsqueeze_dim(self):
        """The result dim the index's last None makes (grad_fn._saved_dim of x[None])."""
        return self._last_step(True)[0]

    def _last_step(self, new_dim):
        """(dim, part, shape) of the index's last int (new_dim False) or last None (new_dim True): the dim in the
        tensor the steps before it left, the int, and that tensor's shape."""
        consuming = sum(p is not None and p is not Ellipsis for p in self.index)
        found, dim, left = (None, None, None), 0, []   # dim: input dims read so far; left: the shape so far
        for part in self.index:
            if part is Ellipsis:
                left += self.shape[dim:dim + len(self.shape) - consuming]
                dim += len(self.shape) - consuming
            elif part is None:
                found = (len(left), None, None) if new_dim else found
                left.append(1)
            elif isinstance(part, slice):
                left.append(len(range(*part.indices(self.shape[dim]))))
                dim += 1
            else:
                at = len(left)
                found = found if new_dim else (at, int(part), tuple(left) + tuple(self.shape[dim:]))
                dim += 1
        return found

    def name(self):
        """PyTorch's name for this indexing: from its last step (Select for an int, Slice, Unsqueeze for None),
        Index for integer arrays or masks, Alias when nothing changes (x[...], x[:, :]); an op made of indexing
        (index_select) names itself through torch_name."""
        if self.torch_name is not None:
            return self.torch_name
        index = self.index
        if not self.basic and any(getattr(p, "ndim", 0) for p in index):
            return "IndexBackward0"
        if len(index) == 1 and isinstance(index[0], slice):
            return "SliceBackward0"   # x[:] is a slice even when it keeps everything
        consuming = sum(p is not None and p is not Ellipsis for p in index)
        last, dim = "Alias", 0
        for part in index:
            if part is Ellipsis:
                dim += len(self.shape) - consuming
            elif part is None:
                last = "Unsqueeze"
            elif isinstance(part, slice):
                if part.indices(self.shape[dim]) != (0, self.shape[dim], 1):
                    last = "Slice"
                dim += 1
            else:   # an int (or a 0-d integer array)
                last, dim = "Select", dim + 1
        return last + "Backward0"


def _scatter(device, gy, shape, index, basic):
    out = device.xp.zeros(shape, dtype=gy.dtype)
    if basic:
        out[index] = gy
    else:
        device.scatter_add(out, index, gy)
    return out


class IndexAdd(Function):
    """The gradient of getitem as an op of its own, so that it can be differentiated again."""

    op_name = "index_add"

    def forward(ctx, gy, shape, index, basic):
        ctx.index = index
        return _scatter(ctx.device, gy, shape, index, basic)

    def backward(ctx, g):
        return g[ctx.index], None, None, None


def _describe(index):
    parts = []
    for p in index:
        if hasattr(p, "shape") and hasattr(p, "dtype"):
            parts.append(f"{p.dtype} array of shape {tuple(p.shape)}")
        else:
            parts.append(repr(p))
    return "[" + ", ".join(parts) + "]"


def on_device_of(input, index):
    """An index tensor on input's device (PyTorch takes a CPU index for a tensor elsewhere, so do we)."""
    return index if index._device is input._device else index.to(input._device)


def _torch_index_kind(part):
    """An index tensor's array as PyTorch reads it: uint8 is a (deprecated) mask, and integer dtypes other than
    int32 and int64 are refused."""
    if part.dtype == np.uint8:
        warnings.warn("indexing with dtype uint8 is now deprecated, please use a dtype bool instead "
                      "(mask.bool()); a uint8 tensor indexes as a mask, as in PyTorch", UserWarning, stacklevel=4)
        return part.astype(bool)
    if part.dtype.kind in "iu" and part.dtype not in (np.int32, np.int64):
        raise IndexDtypeError(f"indexing with a {part.dtype} tensor of shape {tuple(part.shape)}: tensors used as "
                              "indices must be long, int, byte or bool tensors; convert it with idx.long()")
    return part


def _prepare_index(x, index):
    """Turn a user index into a tuple of ints/slices/None/Ellipsis/device arrays, checking bounds early."""
    index = as_torch_key(index)
    device = x._device
    out = []
    for part in index:
        if isinstance(part, Tensor) and part.ndim == 0 and part._data.dtype.kind in "iu" \
                and part._data.dtype != np.uint8 and capture.recorder is None:
            part = int(part._data)   # a 0-d integer tensor indexes as an int (a view), as PyTorch's
        elif isinstance(part, Tensor):
            part = _torch_index_kind(on_device_of(x, part)._data)
        elif isinstance(part, list) and not part:
            part = device.asarray(part, dtype=np.int64)   # [] selects nothing (NumPy would make it a float array)
        elif isinstance(part, (list, np.ndarray)) and not isinstance(part, bool):
            from_list = isinstance(part, list)
            part = device.asarray(part)
            if from_list and part.dtype.kind == "f":   # PyTorch truncates a list of floats to indices
                part = part.astype(np.int64)
        elif isinstance(part, bool):
            part = device.asarray(part)
        elif isinstance(part, (str, bytes)):
            raise IndexDtypeError(f"indexing a tensor of shape {x.shape} with the string {part!r}: new(): invalid data "
                                  f"type '{type(part).__name__}'; tensors are indexed by position (ints, slices, "
                                  f"integer or bool tensors), keep names in a dict")
        if hasattr(part, "dtype") and part.dtype.kind == "f":
            raise IndexError(f"indexing with a float array ({part.dtype}, shape {tuple(part.shape)}); indices must be "
                             "integers or booleans: convert them with idx.long(), or compare for a mask (x > 0)")
        out.append(part)
    return tuple(out)


def refuse_step_mask(call, index):
    """Raise CaptureError during an ag.jit capture when a boolean mask of `index` was computed in the step:
    the result's shape depends on the mask's values, which a replay cannot follow."""
    recorder = capture.recorder
    if recorder is None or recorder.host_depth:
        return
    for part in index:
        if getattr(part, "dtype", None) is not None and part.dtype.kind == "b" and part.ndim \
                and isinstance(recorder.ref(part), int):   # a slot: made in the step
            raise CaptureError(
                f"jit: {call} with a mask of shape {tuple(part.shape)} computed in the compiled step: the result's "
                "shape depends on the mask's values, so a replay cannot repeat it. Use ag.where(mask, x, 0) (and "
                "divide sums by mask.sum()) instead, or do this outside the compiled step")


def getitem(x, index):
    """x[index] with NumPy semantics; repeated integer indices accumulate their gradients."""
    index = _prepare_index(x, index)
    refuse_step_mask("indexing with a boolean mask (x[mask])", index)
    return GetItem.apply(x, *index)


class RowMajorGetItem(GetItem):
    """x[index] laid out row-major whatever x's layout: index_select's result, which PyTorch allocates so."""

    def forward(ctx, x, *index):
        return ctx.xp.ascontiguousarray(GetItem.forward(ctx, x, *index))


def getitem_row_major(x, index):
    """x[index] as getitem, its result laid out row-major (C-contiguous)."""
    return RowMajorGetItem.apply(x, *_prepare_index(x, index))


class TakeAlongAxis(Function):
    op_name = "take_along_axis"

    def forward(ctx, x, indices, axis):
        ctx.shape = x.shape
        ctx.indices = indices
        ctx.axis = axis
        return ctx.xp.take_along_axis(x, indices, axis=axis)

    def backward(ctx, gy):
        xp = ctx.xp
        if isinstance(gy, Tensor):
            return TakeAlongAxisGrad.apply(gy, ctx.shape, ctx.indices, ctx.axis), None, None
        return _take_grad(ctx.device, gy, ctx.shape, ctx.indices, ctx.axis, xp), None, None


def _take_grad(device, gy, shape, indices, axis, xp):
    out = xp.zeros(shape, dtype=gy.dtype)
    axis = axis % len(shape)
    # positions along the other axes come from gy: indices may broadcast against x there
    grids = list(xp.meshgrid(*[xp.arange(n) for n in gy.shape], indexing="ij", sparse=True))
    grids[axis] = indices
    device.scatter_add(out, tuple(grids), gy)
    return out


class TakeAlongAxisGrad(Function):
    op_name = "take_along_axis_grad"

    def forward(ctx, gy, shape, indices, axis):
        ctx.indices = indices
        ctx.axis = axis
        return _take_grad(ctx.device, gy, shape, indices, axis, ctx.xp)

    def backward(ctx, g):
        if isinstance(g, Tensor):
            return take_along_axis(g, ctx.indices, ctx.axis), None, None, None
        return ctx.xp.take_along_axis(g, ctx.indices, axis=ctx.axis), None, None, None


def take_along_axis(x, indices, axis):
    """Pick values along `axis` at `indices` (same ndim as x), as numpy.take_along_axis."""
    check_tensor("take_along_axis", x)
    idx = indices._data if isinstance(indices, Tensor) else x._device.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise IndexError(f"take_along_axis: indices must be integers, got {idx.dtype}")
    if idx.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices have {idx.ndim} dimensions, the tensor {x.ndim} "
                         f"(shapes {tuple(idx.shape)} and {x.shape}); they must match")
    n = x.shape[axis]
    if idx.size and (int(idx.min()) < -n or int(idx.max()) >= n):
        raise IndexError(f"take_along_axis: an index is out of range for axis {axis} of length {n}")
    return TakeAlongAxis.apply(x, idx, axis)


def one_hot(indices, num_classes, dtype=np.float32):
    """Class indices (any shape) as one-hot vectors along a new last axis; no gradient."""
    t = indices if isinstance(indices, Tensor) else Tensor(indices)
    idx = t._data
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got {idx.dtype}")
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num_classes):
        bad = int(idx.max()) if int(idx.max()) >= num_classes else int(idx.min())
        raise ShapeError(f"one_hot: class index {bad} is outside [0, {num_classes})")
    return no_grad_op("one_hot", lambda xp, v: (v[..., None] == xp.arange(num_classes)).astype(dtype), t)
