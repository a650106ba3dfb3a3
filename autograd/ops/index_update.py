"""Writing along one dim at a 1-D index with PyTorch's names: index_add, index_copy, index_fill, and picking
by a mask (masked_select). Composed of scatter / where / indexing, so their gradients are those ops'."""
import numbers

import numpy as np

from ..errors import DtypeError, IndexDtypeError, IndexRangeError, IndexShapeError, ShapeError
from .. import autocast_state as autocast
from .. import complex_forms
from ..function import named
from ..shown_nodes import shown_over
from ..int_fit import fitted
from ..tensor import Tensor
from .dims import check_tensor, normalize
from .elementwise import mul, where
from .gather import _index_array, scatter, scatter_add
from .indexing import on_device_of
from .no_grad_op import no_grad_op
from .shape import broadcast_to, reshape
from .arrange import broadcast_shapes


def _checked_index(op, input, dim, index, source=None):
    """(dim as an index, the 1-D index) after checking index against input (and source); an index tensor
    comes back as a tensor (reshaped), so that a jit replay reads its new values."""
    check_tensor(op, input)
    d = normalize(op, dim, input.ndim)
    _check_index_dtype(op, index)
    idx = _index_array(op, index, input.device).reshape(-1) if not (
        isinstance(index, Tensor) and index.ndim > 1) else None
    if idx is None:
        raise IndexShapeError(f"{op}: index must be 0-d or 1-D, got shape {tuple(index.shape)} (input shape "
                              f"{tuple(input.shape)}); flatten it (index.flatten())")
    n = input.shape[d] if input.ndim else 1
    low = -n if op == "index_fill" else 0   # PyTorch counts negative indices from the end only in index_fill
    if idx.size and (int(idx.min()) < low or int(idx.max()) >= n):
        kind = IndexRangeError if op == "index_add" else IndexError   # PyTorch's index_add: RuntimeError
        allowed = f"{-n} to {n - 1}" if low else f"0 to {n - 1}, negative indices are not counted from the end"
        raise kind(f"{op}: an index is out of range for dim {d} of length {n} (shape {tuple(input.shape)}; "
                   f"indices from {int(idx.min())} to {int(idx.max())}); indices must lie in {allowed}")
    if source is not None:
        check_tensor(op, source, "source")
        expected = input.shape[:d] + (idx.size,) + input.shape[d + 1:] if input.ndim else (idx.size,) * (
            source.ndim > 0)
        if complex_forms.active and source.dtype != input.dtype:
            complex_forms.refuse(f"{op} (source {source.dtype} into input {input.dtype})", source, input)
        if tuple(source.shape) != tuple(expected):
            kind = IndexShapeError if op == "index_copy" else ShapeError   # PyTorch's index_copy: IndexError
            raise kind(f"{op}: source of shape {source.shape} must have input's shape {input.shape} with dim "
                       f"{d} of index's length {idx.size}, i.e. {tuple(expected)}; reshape source or the index")
    return d, (reshape(on_device_of(input, index), (-1,)) if isinstance(index, Tensor)
               else Tensor._make(idx, input._device, None, 0, False))


# the index dtypes PyTorch's kernels take, and the type it raises for another one
_INDEX_DTYPES = {"index_add": (("int32", "int64"), DtypeError), "index_copy": (("int64",), DtypeError),
                 "index_fill": (("int64",), IndexDtypeError)}


def _check_index_dtype(op, index):
    """Refuse an index tensor of a dtype `op` has no kernel for, as PyTorch does (a NumPy array or list is
    converted as PyTorch's would be, so only tensors are checked)."""
    if not isinstance(index, Tensor) or op not in _INDEX_DTYPES:
        return
    allowed, kind = _INDEX_DTYPES[op]
    if str(index.dtype) not in allowed:
        raise kind(f"{op}: index must be an integer tensor of dtype {' or '.join(allowed)}, got {index.dtype} (index shape "
                   f"{tuple(index.shape)}); convert it with index.long()")


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of `input` with alpha * source's slices added at `index` along `dim` (repeats accumulate)."""
    d, idx = _checked_index("index_add", input, dim, index, source)
    src = mul(source, alpha) if alpha != 1 else source
    if source.dtype == np.bool_ and src.dtype.kind in "iu":   # bool * an int alpha: a bool again, as PyTorch's
        src = src.astype(np.bool_)
    if input.ndim == 0:
        return named(scatter_add(reshape(input, (1,)), 0, idx, reshape(src, (-1,))).reshape(()), "IndexAddBackward0")
    return named(scatter_add(input, d, _along(idx, d, source.shape), src), "IndexAddBackward0")


def _along(idx, d, shape):
    """The 1-D index tensor spread along dim `d` of `shape` (scatter's index for whole slices)."""
    view = [1] * len(shape)
    view[d] = idx.shape[0]
    return broadcast_to(reshape(idx, tuple(view)), shape)


def index_copy(input, dim, index, source):
    """A copy of `input` with source's slices written at `index` along `dim`."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("index_copy", index_copy, input, dim, index, source)
    d, idx = _checked_index("index_copy", input, dim, index, source)
    if input.ndim == 0:
        return named(scatter(reshape(input, (1,)), 0, idx, reshape(source, (-1,))).reshape(()), "IndexCopyBackward0")
    return named(scatter(input, d, _along(idx, d, source.shape), source), "IndexCopyBackward0")


def index_fill(input, dim, index, value):
    """A copy of `input` with `value` (a number or a 0-d tensor) in the slices at `index` along `dim`."""
    d, idx = _checked_index("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value.ndim:
            raise ShapeError(f"index_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
        value = value.astype(input.dtype) if value.dtype != input.dtype else value
    elif not isinstance(value, numbers.Number):
        raise TypeError(f"index_fill: value must be a number or a 0-d tensor, got {type(value).__name__}")
    n = input.shape[d] if input.ndim else 1
    view = [1] * input.ndim
    if input.ndim:
        view[d] = n

    def compute(xp, positions):
        chosen = xp.zeros(n, dtype=bool)
        chosen[positions] = True
        return chosen.reshape(view)
    chosen = no_grad_op("index_fill", compute, idx)
    if isinstance(value, numbers.Number) and input.dtype.kind in "iub":
        value = input.dtype.type(fitted(value, input.dtype, "index_fill"))
    return shown_over(where(chosen, value, input), "IndexFillBackward0", input)


def masked_select(input, mask):
    """The elements of `input` where the bool `mask` is True (both broadcast), as a 1-D tensor."""
    check_tensor("masked_select", input)
    check_tensor("masked_select", mask, "mask")
    if mask.dtype != np.bool_:
        raise DtypeError(f"masked_select: mask must be a bool tensor, got {mask.dtype}; compare first, e.g. x > 0")
    shape = broadcast_shapes("masked_select", [input.shape, mask.shape])
    return shown_over(broadcast_to(input, shape)[broadcast_to(mask, shape)], "MaskedSelectBackward0", input)
