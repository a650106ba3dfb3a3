"""torch.histogramdd: the joint histogram of points given as the last dim of a tensor (counts or summed weights
per cell, without a gradient), with each dim's bin edges found as torch.histogram finds them."""
import builtins
import numbers

import numpy as np

from ..errors import DimRangeError, DtypeError, ShapeError
from ..return_types import return_type
from ..tensor import Tensor
from .dims import check_tensor
from .histograms import _float_input, histogram
from .no_derivative import underived
from .no_grad_op import no_grad_op

HistogramddResult = return_type("histogramdd", ["hist", "bin_edges"])


def _per_dim_bins(op, bins, dims):
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        return [int(bins)] * dims
    if isinstance(bins, Tensor) or not isinstance(bins, (list, tuple)):
        raise TypeError(f"{op}: bins must be an int, a sequence of ints or a sequence of 1-D edge tensors (one per "
                        f"dim), got {type(bins).__name__}")
    if len(bins) != dims:
        raise ShapeError(f"{op}: bins has {len(bins)} entries, but the points have {dims} coordinates (the last dim "
                         "of input); give one per coordinate")
    return list(bins)


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """`(hist, bin_edges)`: how many of the points in `input` (..., D) fall in each cell of a D-dimensional grid
    of bins (or their summed `weight`s, of shape input.shape[:-1]), and the grid's edges per dim. `bins`: one
    count for every dim, a count per dim, or a 1-D tensor of increasing edges per dim; `range`: [min0, max0,
    min1, max1, ...] for counts (default: the data's own range per dim); `density` divides by the total and by
    each cell's volume."""
    op = "histogramdd"
    _float_input(op, input)
    if input.ndim < 1:
        raise DimRangeError(f"{op}: input must hold points along its last dim, got a 0-d tensor (shape ()); pass "
                            f"points of shape (N, D), e.g. x.reshape(-1, 1)")
    dims = input.shape[-1]
    per_dim = _per_dim_bins(op, bins, dims)
    if range is not None and len(range) != 2 * dims:
        raise ShapeError(f"{op}: range must list a min and a max per coordinate ({2 * dims} numbers), got "
                         f"{len(range)}; pass [min0, max0, min1, max1, ...]")
    points = input.detach().reshape(-1, dims)
    if weight is not None:
        check_tensor(op, weight, "weight")
        if tuple(weight.shape) != tuple(input.shape[:-1]):
            raise ShapeError(f"{op}: weight of shape {tuple(weight.shape)} must have input's shape without its "
                             f"last dim, {tuple(input.shape[:-1])}; give one weight per point")
    for d, b in enumerate(per_dim):
        if isinstance(b, Tensor) and b.dtype != input.dtype:
            raise DtypeError(f"{op}: the bin edges of dim {d} ({b.dtype}) must have input's dtype ({input.dtype}); "
                             "convert them with .to(input.dtype)")
    edges = []
    for d in builtins.range(dims):
        limits = None if range is None or isinstance(per_dim[d], Tensor) else (range[2 * d], range[2 * d + 1])
        edges.append(histogram(points[:, d], per_dim[d], range=limits).bin_edges.detach())
    dtype = input.dtype

    def compute(xp, a, *rest):
        es, w = rest[:dims], (rest[dims] if len(rest) > dims else None)
        sizes = [e.shape[0] - 1 for e in es]
        inside = xp.ones(a.shape[0], dtype=bool)
        flat = xp.zeros(a.shape[0], dtype=np.int64)
        for d, e in enumerate(es):
            col = a[:, d]
            inside &= (col >= e[0]) & (col <= e[-1])
            pos = xp.minimum(xp.searchsorted(e, col, side="right") - 1, sizes[d] - 1)
            flat = flat * sizes[d] + xp.maximum(pos, 0)
        values = w.reshape(-1)[inside] if w is not None else xp.ones(int(inside.sum()), dtype)
        cells = int(np.prod(sizes))
        hist = xp.bincount(flat[inside], weights=values, minlength=cells)[:cells].astype(dtype).reshape(sizes)
        if density:
            volume = xp.ones(sizes, dtype=dtype)
            for d, e in enumerate(es):
                volume = volume * xp.diff(e).reshape([-1 if k == d else 1 for k in builtins.range(dims)])
            hist = hist / hist.sum() / volume
        return hist.astype(dtype)
    extra = () if weight is None else (weight.detach().reshape(-1),)
    hist = no_grad_op(op, compute, points, *edges, *extra)
    # what requires grad gets PyTorch's NotImplemented nodes (backward refuses): one over the counted edges, one
    # over the histogram
    given = any(isinstance(b, Tensor) for b in per_dim)
    if not given:
        edges = underived(tuple(edges), (input, weight), "_histogramdd_bin_edges")
    hist = underived(hist, (input, weight, *(b for b in per_dim if isinstance(b, Tensor))),
                     "_histogramdd_from_bin_tensors" if given else "_histogramdd_from_bin_cts")
    return HistogramddResult(hist, tuple(per_dim) if given else tuple(edges))   # given edges: PyTorch's own objects
