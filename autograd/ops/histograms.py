"""Histograms of a tensor's values (torch.histc, torch.histogram): counts (or summed weights) per bin, in the
input's dtype, without a gradient. Bins are found as PyTorch finds them: histc by linear interpolation in the
input's precision, histogram by the bin edges themselves (so each count agrees with the edges returned)."""
import numbers

import numpy as np

from ..errors import ArgumentRangeError, DtypeError, ShapeError, SizeTypeError, UnsupportedDtypeError
from ..bf16_dtype import is_bf16
from ..linspace_steps import linspace_values
from ..return_types import return_type
from ..tensor import Tensor
from .dims import check_tensor
from .no_derivative import underived
from .no_grad_op import no_grad_op

HistogramResult = return_type("histogram", ["hist", "bin_edges"])


def _float_input(op, input):
    check_tensor(op, input)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise UnsupportedDtypeError(f"{op}: expects a floating-point tensor, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with .float()")


def _bins(op, bins):
    if not isinstance(bins, numbers.Integral) or isinstance(bins, bool):
        raise SizeTypeError(f"{op}: bins must be a positive int, got {type(bins).__name__} {bins!r}; pass int(bins) "
                            f"(histogram also takes a 1-D tensor of bin edges)")
    if bins <= 0:
        raise ArgumentRangeError(f"{op}: bins must be a positive int, got {bins!r}; pass the number of bins, >= 1")
    return int(bins)


def _linspace(xp, start, end, steps, dtype):
    """PyTorch's linspace in `dtype`, bit for bit: the first half stepped up from start, the second down from end
    (so the last value is end exactly)."""
    return xp.asarray(linspace_values(start, end, steps, dtype))


def histc(input, bins=100, min=0, max=0):
    """How many elements of `input` fall in each of `bins` equal bins over [min, max] (the data's own range when
    min == max; widened by 1 each way when that is a single value), as a 1-D tensor of input's dtype. Elements
    outside are ignored; max itself counts in the last bin."""
    op = "histc"
    _float_input(op, input)
    bins = _bins(op, bins)
    low, high = float(min), float(max)
    if low == high and input.numel():
        low, high = float(input.detach().min()), float(input.detach().max())   # no requires_grad warning
    if low == high:
        low, high = low - 1, high + 1
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ArgumentRangeError(f"{op}: the range [{low}, {high}] is not finite; pass finite min and max (or drop "
                                 f"the inf and nan elements)")
    if not low < high:
        raise ArgumentRangeError(f"{op}: max must be larger than min, got min={min} and max={max}; swap them, or "
                                 f"pass min == max for the data's own range")
    dtype, data_range = input.dtype, float(min) == float(max)

    def compute(xp, a):
        a = a.reshape(-1)
        left, right = low, high
        if data_range and a.size:   # the range read inside the op, so that an ag.jit replay reads its own data
            left, right = float(a.min()), float(a.max())
            if left == right:
                left, right = left - 1, right + 1
        left, right = dtype.type(left), dtype.type(right)
        picked = a[(a >= left) & (a <= right)]
        # (x - left) * bins / (right - left) in the input's precision, truncated, as PyTorch's kernel
        pos = ((picked - left) * dtype.type(bins) / (right - left)).astype(np.int64)
        pos = xp.minimum(pos, bins - 1)
        return xp.bincount(pos, minlength=bins)[:bins].astype(dtype)
    return no_grad_op(op, compute, input)


def histogram(input, bins, *, range=None, weight=None, density=False):
    """`(hist, bin_edges)`: the counts (or summed `weight`s) of input's elements in each bin and the bins'
    edges, as torch.histogram. `bins` is a number of equal bins over `range` (default: the data's min and max,
    widened by 0.5 each way when equal; [0, 1] for an empty input) or a 1-D tensor of increasing edges. Each bin
    holds its left edge, the last also its right; `density` divides by the total and by the bin widths."""
    op = "histogram"
    _float_input(op, input)
    dtype, device = input.dtype, input.device
    if weight is not None:
        check_tensor(op, weight, "weight")
        if weight.dtype != dtype:
            raise DtypeError(f"{op}: weight ({weight.dtype}) must have input's dtype ({dtype}); convert it with "
                             ".to(input.dtype)")
        if tuple(weight.shape) != tuple(input.shape):
            raise ShapeError(f"{op}: weight of shape {tuple(weight.shape)} must have input's shape "
                             f"{tuple(input.shape)}; give one weight per element")
    if isinstance(bins, Tensor):
        if bins.dtype != dtype:
            raise DtypeError(f"{op}: bins ({bins.dtype}) must have input's dtype ({dtype}); convert it with "
                             ".to(input.dtype)")
        if bins.ndim != 1 or bins.numel() < 2:
            raise ShapeError(f"{op}: a bins tensor must be 1-D with at least 2 edges (one bin), got shape "
                             f"{tuple(bins.shape)}; pass the increasing bin edges, e.g. torch.linspace(0, 1, 11)")
        if range is not None:
            raise TypeError(f"{op}: range goes with a number of bins; a bins tensor gives the edges itself")
        edges = bins.detach().clone()
    else:
        count = _bins(op, bins)
        if range is not None:
            low, high = (float(v) for v in range)
        elif input.numel():
            low, high = float(input.detach().min()), float(input.detach().max())   # no requires_grad warning
        else:
            low, high = 0.0, 1.0
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ArgumentRangeError(f"{op}: the range [{low}, {high}] is not finite; pass a finite range=(min, max)")
        if low > high:
            raise ArgumentRangeError(f"{op}: min should not exceed max, got range ({low}, {high}); pass "
                                     f"range=(min, max) with min <= max")
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges = no_grad_op(op, lambda xp, a: _linspace(xp, low, high, count + 1, dtype), input)

    def compute(xp, a, e, w=None):
        nbins = e.shape[0] - 1
        a = a.reshape(-1)
        inside = (a >= e[0]) & (a <= e[-1])
        pos = xp.searchsorted(e, a[inside], side="right") - 1
        pos = xp.minimum(pos, nbins - 1)
        hist = xp.zeros(max(nbins, 0), dtype=dtype)
        if nbins > 0:
            values = w.reshape(-1)[inside] if w is not None else xp.ones(pos.shape, dtype)
            hist += xp.bincount(pos, weights=values, minlength=nbins)[:nbins].astype(dtype)
        if density:
            hist = hist / hist.sum() / xp.diff(e)
        return hist.astype(dtype)
    extra = () if weight is None else (weight,)
    hist = no_grad_op(op, compute, input, edges, *extra)
    # inputs that require grad: both results come from PyTorch's NotImplemented node, whose backward refuses
    return HistogramResult(*underived((hist, edges), (input, bins if isinstance(bins, Tensor) else None, weight),
                                      op))
