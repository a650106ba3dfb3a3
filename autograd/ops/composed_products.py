"""The composed forms (Function.composed, see composed_forms.py) of the product-like and scattering reductions:
prod, cumprod, logcumsumexp, scatter_reduce and adaptive max pooling. Their fused backwards are exact where
factors are zero; so are these forms, which only multiply (a product tree, or a doubling scan), so that a
create_graph backward through them (Hessians, gradient penalties, MAML) equals PyTorch's double backward."""
import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
from .joining import concatenate
from .pooling import AdaptiveMaxPool2d
from .reduction import Prod, _axes
from .scan import Cumprod
from .gather import _grid
from .scatter_reduce import ScatterReduce
from .statistics import LogCumSumExp


def _constant(array, like):
    return Tensor._make(array, like._device, None, 0, False)


def _product_tree(t):
    """The product over t's last dim as recorded multiplications of halves (log2(n) ops, no division)."""
    while t.shape[-1] > 1:
        n = t.shape[-1]
        half = n // 2
        paired = t[..., :half] * t[..., half:2 * half]
        t = paired if n % 2 == 0 else concatenate([paired, t[..., n - 1:]], -1)
    return t[..., 0]


def prod(x, axis=None, keepdims=False):
    """Prod's product over `axis` (all dims when None)."""
    axes = _axes(axis, x.ndim)
    if x.numel() == 0:
        return _constant(x._device.xp.prod(x._data, axis=axes, keepdims=keepdims), x)
    keep = [i for i in range(x.ndim) if i not in axes]
    moved = x.permute(*(keep + list(axes))) if x.ndim else x.reshape(1)
    out = _product_tree(moved.reshape(moved.shape[:len(keep)] + (-1,)))
    if keepdims:
        out = out.reshape(tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    return out


def _doubling_scan(x, dim, combine):
    """The running combine(earlier, later) along `dim` in log2(n) recorded steps (Hillis and Steele's scan)."""
    n = x.shape[dim]
    out, shift = x, 1
    while shift < n:
        later = combine(out.narrow(dim, 0, n - shift), out.narrow(dim, shift, n - shift))
        out = concatenate([out.narrow(dim, 0, shift), later], dim)
        shift *= 2
    return out


def cumprod(x, dim):
    """Cumprod's running product along `dim`."""
    return _doubling_scan(x, dim, lambda a, b: a * b)


def logcumsumexp(x, dim):
    """LogCumSumExp's running log-sum-exp along `dim`."""
    return _doubling_scan(x, dim, lambda a, b: a.logaddexp(b))


def scatter_reduce(x, src, index, d, reduce, include_self):
    """ScatterReduce's result with the fused backward's gradients: sums by scatter_add, prod as a product tree
    over the values that land on each position, amax / amin as the mean of the elements equal to the result
    (PyTorch's even split between ties)."""
    device = x._device
    xp = device.xp
    idx = index._data.astype(np.int64, copy=False)
    idx = idx % x.shape[d] if idx.size else idx
    grid = _grid(xp, idx, d)
    values = src[tuple(slice(0, m) for m in idx.shape)]
    index_t = _constant(idx, x)
    hit = xp.zeros(x.shape, dtype=bool)
    hit[grid] = True
    keep = _constant((~hit if not include_self else xp.ones(x.shape, bool)).astype(x.dtype), x)
    if reduce in ("sum", "mean"):
        out = (x * keep).scatter_add(d, index_t, values)
        if reduce == "mean":
            count = xp.zeros(x.shape, x.dtype) if not include_self else xp.ones(x.shape, x.dtype)
            device.scatter_add(count, grid, xp.ones(idx.shape, x.dtype))
            out = out / _constant(xp.maximum(count, 1), x)
        return out
    if reduce == "prod":
        return (x * keep + (1 - keep)) * _gathered_products(values, idx, d, x)
    with no_grad():
        result = ScatterReduce.apply(x.detach(), src.detach(), index_t, d, reduce, include_self)._data
    x_hits = (x._data == result).astype(x.dtype)
    v_hits = (values._data == result[grid]).astype(x.dtype)
    ways = x_hits.copy()
    device.scatter_add(ways, grid, v_hits)
    total = (x * _constant(x_hits, x) * keep).scatter_add(d, index_t, values * _constant(v_hits, x))
    return total / _constant(ways, x)


def _gathered_products(values, idx, d, x):
    """For every position of x, the product of the values that index sends there (1 where none land), as one
    recorded gather into a (positions, most values at one position) matrix padded with ones and a product tree."""
    xp = x._device.xp
    grid = list(np.meshgrid(*[np.arange(n) for n in idx.shape], indexing="ij"))
    grid[d] = np.asarray(idx.get() if hasattr(idx, "get") else idx)
    target = np.ravel_multi_index(tuple(g.reshape(-1) for g in grid), x.shape)
    order = np.argsort(target, kind="stable")
    sorted_target = target[order]
    starts = np.searchsorted(sorted_target, sorted_target, side="left")
    rank = np.arange(target.size) - starts
    width = int(rank.max()) + 1 if target.size else 1
    pad_slot = target.size
    slots = np.full((x.numel(), width), pad_slot, np.int64)
    slots[sorted_target, rank] = order
    flat = concatenate([values.reshape(-1), _constant(xp.ones(1, x.dtype), x)])
    return _product_tree(flat[_constant(xp.asarray(slots), x)]).reshape(x.shape)


def adaptive_max_pool2d(x, out_hw, x_axes, return_indices):
    """AdaptiveMaxPool2d's output as the input's entries at the maxima (found again, constants): a gather."""
    with no_grad():
        _, index = AdaptiveMaxPool2d.apply(x.detach(), out_hw, x_axes, True)
    x4 = x
    for axis in sorted(x_axes or ()):
        x4 = x4.unsqueeze(axis)
    n, c, h, w = x4.shape
    y = x4.reshape(n, c, h * w).gather(2, index.reshape(n, c, -1)).reshape(index.shape)
    return (y, index) if return_indices else y


Prod.composed = staticmethod(prod)
Cumprod.composed = staticmethod(cumprod)
LogCumSumExp.composed = staticmethod(logcumsumexp)
ScatterReduce.composed = staticmethod(scatter_reduce)
AdaptiveMaxPool2d.composed = staticmethod(adaptive_max_pool2d)
