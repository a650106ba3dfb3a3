"""Sorting: sort, argsort and topk; values are gathered, so gradients flow back
through take_along_axis to the positions they came from."""
import numpy as np

from .. import complex_forms
from ..errors import DtypeError, IndexRangeError
from ..function import named
from ..return_types import return_type
from ..tensor import Tensor
from .dims import check_tensor, dim_or, normalize
from .no_grad_op import no_grad_op
from .indexing import take_along_axis
from .torch_topk_order import topk_indices

SortResult = return_type("sort", ["values", "indices"])
TopkResult = return_type("topk", ["values", "indices"])


def _order(x, dim, descending, stable):
    """int64 indices that sort `x` along `dim` (ties keep their order when stable), as a Tensor."""
    return no_grad_op("argsort", lambda xp, data: _order_array(xp, data, dim, descending, stable), x, dim=dim,
                      descending=descending, stable=stable)


def _order_array(xp, data, dim, descending, stable):
    if not descending:
        return xp.argsort(data, axis=dim, kind="stable" if stable else None).astype(np.int64)
    if data.dtype.kind == "b":
        data = data.astype(np.int8)
    elif data.dtype.kind == "u":
        data = data.astype(np.int64)
    order = xp.argsort(-data, axis=dim, kind="stable")
    if data.dtype.kind == "f":
        # NaN counts as the largest value (as in PyTorch), so descending puts it first, not last where -NaN sorts
        nan_last = xp.isnan(xp.take_along_axis(data, order, axis=dim))
        order = xp.take_along_axis(order, xp.argsort(~nan_last, axis=dim, kind="stable"), axis=dim)
    return order.astype(np.int64)


def argsort(input, dim=None, descending=False, stable=False, *, axis=None):
    """Indices that sort `input` along `dim` (int64, no gradient)."""
    check_tensor("argsort", input)
    stable = _flag("argsort", stable)
    dim = dim_or("argsort", dim, axis, -1)   # the last dim unless given (axis is NumPy's name, taken too)
    if input.ndim == 0:
        return Tensor._make(input.device.xp.zeros((), np.int64), input._device, None, 0, False)
    dim = normalize("argsort", dim, input.ndim)
    return _order(input, dim, descending, stable)


def _flag(op, stable):
    """`stable` as a bool (None reads as False, as PyTorch's); a TypeError for anything else (a string is truthy)."""
    if stable is None or isinstance(stable, (bool, np.bool_)):
        return bool(stable)
    raise TypeError(f"{op}() received an invalid combination of arguments: stable must be a bool, got "
                    f"{type(stable).__name__} {stable!r}; pass stable=True or stable=False")


#: sort's `stable` when not given: PyTorch then runs its plain overload (node SortBackward0), and its `stable`
#: overload (SortBackward1) whenever the keyword is passed, even as stable=False or None
_NOT_GIVEN = object()


def sort(input, dim=None, descending=False, stable=_NOT_GIVEN, *, axis=None):
    """`(values, indices)` of `input` sorted along `dim`."""
    node = "SortBackward0" if stable is _NOT_GIVEN else "SortBackward1"
    stable = False if stable is _NOT_GIVEN else _flag("sort", stable)
    check_tensor("sort", input)
    dim = dim_or("sort", dim, axis, -1)   # the last dim unless given (axis is NumPy's name, taken too)
    if complex_forms.active:
        complex_forms.refuse("sort", input)
    normalize("sort", dim, input.ndim)   # so that a bad dim is reported as sort's, not argsort's
    indices = argsort(input, dim, descending, stable)
    if input.ndim == 0:
        return SortResult(input.clone(), indices)
    return SortResult(named(take_along_axis(input, indices, normalize("sort", dim, input.ndim)), node), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """`(values, indices)` of the k largest (or smallest) entries along `dim`, in sorted order (sorted=False: in
    PyTorch's CPU selection order), equal values in the order PyTorch's CPU kernel leaves them."""
    check_tensor("topk", input)
    if input.dtype.kind == "b":
        raise DtypeError(f"topk does not support bool dtypes on CPU (input of shape {tuple(input.shape)}), as in "
                         f"PyTorch; convert it first, x.long().topk(k) or x.float().topk(k)")
    k = _count("topk", k)
    d = normalize("topk", dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise IndexRangeError(f"topk: k={k} is out of range for dim {dim} of length {n} (shape {input.shape}); k "
                              f"must be at most {n}")
    if input.ndim == 0:
        return TopkResult(input.clone(), argsort(input))
    indices = no_grad_op("topk", lambda xp, data: _topk_order(xp, data, d, k, largest, sorted), input, k=k, dim=d,
                         largest=largest, sorted=sorted)
    return TopkResult(named(take_along_axis(input, indices, d), "TopkBackward0"), indices)


def _topk_order(xp, data, d, k, largest, sorted):
    """topk's indices along dim d in PyTorch's CPU order (its choice among ties; sorted=False: its unsorted order)."""
    a = xp.moveaxis(data, d, -1)
    order = _leading_order(xp, a, min(k + 1, a.shape[-1]), largest)
    return xp.moveaxis(topk_indices(xp, a, k, largest, bool(sorted), order), -1, d)


def _leading_order(xp, a, m, largest):
    """The first m columns of the stable order of `a` along its last axis (best first, ties by index): by selecting
    the m best with argpartition and sorting only them when m is a small part of a long float row without NaN,
    falling back to the full sort on the rows where equal values straddle the m-th place."""
    n = a.shape[-1]
    if a.dtype.kind != "f" or n < 64 or m * 8 > n or a.size == 0 or bool(xp.isnan(a).any()):
        return _order_array(xp, a, a.ndim - 1, largest, True)[..., :m]
    key = -a if largest else a
    picked = xp.sort(xp.argpartition(key, m - 1, axis=-1)[..., :m], axis=-1)   # ties then come by index
    order = xp.take_along_axis(picked, xp.argsort(xp.take_along_axis(key, picked, axis=-1), axis=-1,
                                                  kind="stable"), axis=-1).astype(np.int64)
    last = xp.take_along_axis(key, order[..., -1:], axis=-1)
    straddle = (key <= last).sum(axis=-1) > m   # an equal value outside may have a smaller index
    if bool(straddle.any()):
        rows = xp.nonzero(straddle.reshape(-1))[0]
        flat = order.reshape(-1, m)
        flat[rows] = _order_array(xp, a.reshape(-1, n)[rows], 1, largest, True)[:, :m]
        order = flat.reshape(order.shape)
    return order


def _count(op, k):
    """k as a Python int: an int, a NumPy integer or a one-element integer tensor; a float or bool is refused,
    as in PyTorch."""
    if isinstance(k, Tensor) and k.numel() == 1 and k.dtype.kind in "iu":
        return int(k.item())
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{op}(): k must be an int, got {type(k).__name__} {k!r}; e.g. {op}(int(k))")
    return int(k)
