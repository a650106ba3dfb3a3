"""Order statistics and nan-aware reductions with PyTorch's names: median, kthvalue, quantile, cummax / cummin,
logcumsumexp, aminmax, nansum, nanmean, std_mean and var_mean. Values are picked with take_along_axis, so
gradients flow to the positions chosen."""
import operator

import numpy as np

from ..errors import (ArgumentRangeError, DtypeError, EmptyReductionError, IndexRangeError, ShapeError, SizeTypeError,
                      UnsupportedDtypeError)
from ..bf16_dtype import is_bf16
from ..dtypes import is_floating
from .. import complex_forms
from ..function import Function, named, numbered
from ..shown_nodes import shown_over
from ..return_types import return_type
from ..tensor import Tensor
from .. import autocast_state as autocast
from .dims import check_tensor, normalize, required_dim, resolve
from .elementwise import add, div, mul, sub, where
from .indexing import take_along_axis
from .median_all import MedianAll
from .no_grad_op import no_grad_op
from .reduction import _reduction_args, amax, amin, mean, std, var
from .reduction import sum as _sum
from .rounding import isnan
from .shape import flatten, reshape, squeeze, unsqueeze
from .sorting import argsort
from .torch_quickselect import kth_indices
from .dtype_args import check_dtype_arg

MedianResult = return_type("median", ["values", "indices"])
CummaxResult = return_type("cummax", ["values", "indices"])
CumminResult = return_type("cummin", ["values", "indices"])
AminmaxResult = return_type("aminmax", ["min", "max"])
KthvalueResult = return_type("kthvalue", ["values", "indices"])


def _sorted_pick(op, x, d, position):
    """(values, indices) of the element at sorted position position(xp, sorted_array, n) along dim d (kept as
    length 1); nans sort last."""
    def compute(xp, a):
        order = xp.argsort(a, axis=d, kind="stable")
        ranked = xp.take_along_axis(a, order, axis=d)
        return xp.take_along_axis(order, position(xp, ranked, a.shape[d]), axis=d).astype(np.int64)
    indices = no_grad_op(op, compute, x)
    return take_along_axis(x, indices, d), indices


def empty_median(op, input):
    """The median of an empty float tensor: nan, as PyTorch (an integer tensor has no nan to give: an error,
    where PyTorch returns its dtype's smallest value)."""
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise ValueError(f"{op}: the {input.dtype} input of shape {tuple(input.shape)} is empty, so it has no "
                         "median; give a non-empty tensor or a float one (whose empty median is nan)")
    return mul(flatten(input).sum(), float("nan"))


def median(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The lower median of all elements (a 0-d tensor; ties share its gradient), or with `dim` the
    `(values, indices)` of each slice's lower median; nan if the slice holds a nan."""
    check_tensor("median", input)
    if input.dtype.kind == "b":
        raise UnsupportedDtypeError(f"median: \"median_cpu\" not implemented for 'Bool' (input of shape "
                                    f"{tuple(input.shape)}), as in PyTorch; convert it first, x.long().median() or "
                                    f"x.float().median()")
    if complex_forms.active:
        complex_forms.refuse("median", input)
    dim, keepdim = resolve("median", dim, axis, keepdim, keepdims)
    if dim is None:
        if input.numel() == 0:
            return empty_median("median", input)
        return MedianAll.apply(input, False)
    d = normalize("median", dim, input.ndim)
    if input.ndim == 0:
        return MedianResult(input.clone(), no_grad_op("median", lambda xp, a: xp.zeros((), np.int64), input))
    if input.shape[d] == 0:
        raise IndexError(f"median: dim {dim} of shape {input.shape} is empty, so it has no median")
    x = input.movedim(d, -1)
    values, indices = _sorted_pick("median", x, x.ndim - 1, _median_position_last)
    values, indices = values.movedim(-1, d), indices.movedim(-1, d)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return MedianResult(shown_over(values, "MedianBackward1", input), indices)


def _median_position_last(xp, ranked, n):
    middle = xp.full(ranked.shape[:-1] + (1,), (n - 1) // 2, dtype=np.int64)
    if ranked.dtype.kind == "f":
        holds_nan = xp.isnan(ranked).any(axis=-1, keepdims=True)
        return xp.where(holds_nan, (~xp.isnan(ranked)).sum(axis=-1, keepdims=True), middle)
    return middle


def kthvalue(input, k, dim=-1, keepdim=False):
    """`(values, indices)` of the k-th smallest element (k counted from 1) of each slice along `dim`; nan
    counts as larger than any number."""
    check_tensor("kthvalue", input)
    given = k
    d = normalize("kthvalue", dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    try:
        k = operator.index(k) if not isinstance(k, bool) else None   # ints, NumPy ints and 0-d int tensors
    except TypeError:
        k = None
    if k is None:
        raise SizeTypeError(f"kthvalue: k must be an int, got {type(given).__name__} {given!r} (shape "
                            f"{tuple(input.shape)}); pass int(k)")
    if not 1 <= k <= n:
        raise IndexRangeError(f"kthvalue: k={k} is out of range for dim {dim} of length {n} (shape "
                              f"{tuple(input.shape)}); k counts from 1, so pass 1 <= k <= {n}")
    if input.ndim == 0:
        return KthvalueResult(input.clone(), no_grad_op("kthvalue", lambda xp, a: xp.zeros((), np.int64), input))
    x = input.movedim(d, -1)
    # among equal values, the index PyTorch's CPU quickselect lands on (not the first one)
    indices = no_grad_op("kthvalue", lambda xp, a: kth_indices(xp, a, k - 1), x)
    values = take_along_axis(x, indices, x.ndim - 1)
    values, indices = values.movedim(-1, d), indices.movedim(-1, d)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return KthvalueResult(shown_over(values, "KthvalueBackward0", input), indices)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_non_empty(op, input):
    # PyTorch refuses any empty input, even one whose reduced dim is not the empty one (zeros(0, 2), dim=1)
    if input.size == 0:
        raise ShapeError(f"{op}: the input (shape {tuple(input.shape)}) is empty; quantile() input tensor must be "
                         "non-empty, as in PyTorch")


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of `input` (all elements, or along `dim`), interpolating between the two nearest
    ranks; q a number or a 1-D tensor in [0, 1] (its values then lead the output's dims). nan if a slice
    holds a nan."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("quantile", quantile, input, q, dim, keepdim, interpolation=interpolation)
    check_tensor("quantile", input)
    _check_non_empty("quantile", input)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise DtypeError(f"quantile: expects a float tensor, got {input.dtype}; convert it with .float()")
    if interpolation not in _INTERPOLATIONS:
        raise ArgumentRangeError(f"quantile: interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}")
    scalar_q = not isinstance(q, Tensor)
    qs = np.asarray([q] if scalar_q else q.numpy(), dtype=np.float64)
    if qs.ndim > 1 or (not scalar_q and q.ndim > 1):
        raise ShapeError(f"quantile: q must be a number or a 0-d / 1-D tensor, got shape {qs.shape}; flatten it")
    if not scalar_q and q.dtype != input.dtype:
        raise DtypeError(f"quantile: q ({q.dtype}) must have input's dtype ({input.dtype}); convert it with "
                         f"q.to(input.dtype)")
    qs = qs.reshape(-1)
    if ((qs < 0) | (qs > 1) | np.isnan(qs)).any():
        raise ArgumentRangeError(f"quantile: q values must be in [0, 1], got {qs.tolist()} (input shape "
                                 f"{tuple(input.shape)}); pass fractions, e.g. 0.5 for the median, not percents")
    if dim is None:
        x, d = flatten(input), 0
    else:
        d = normalize("quantile", dim, input.ndim)
        x = input if input.ndim else reshape(input, (1,))
    n = x.shape[d]
    x = x.movedim(d, -1)
    # ranks in the input's dtype, as PyTorch computes them: q = 0.1 in float32 times 5 rounds to 0.5, a half
    # that 'nearest' takes to even
    rank_dtype = np.dtype(input.dtype if input.dtype in (np.float32, np.float64) else np.float64)
    ranks = qs.astype(rank_dtype) * rank_dtype.type(n - 1)
    low = np.floor(ranks).astype(np.int64)
    high = np.ceil(ranks).astype(np.int64)
    if interpolation == "lower":
        high = low
    elif interpolation == "higher":
        low = high
    elif interpolation == "nearest":
        low = high = np.round(ranks).astype(np.int64)   # halves to even, as PyTorch
    weight = ranks - low if interpolation == "linear" else np.full(len(qs), 0.5 if interpolation == "midpoint" else 0.0)

    def order(xp, a):
        return xp.argsort(a, axis=-1, kind="stable").astype(np.int64)
    ranked = take_along_axis(x, no_grad_op("argsort", order, x), x.ndim - 1)
    xp = input.device.xp
    below = ranked[..., xp.asarray(low)]
    above = ranked[..., xp.asarray(high)]
    w = Tensor(weight.astype(input.dtype), device=input.device)
    # (..., len(q)); the modes that pick a rank take it as it is (an infinity stays one, as in PyTorch), the
    # others are nan between two equal infinities, quietly
    if interpolation in ("linear", "midpoint"):
        with np.errstate(invalid="ignore"):
            out = add(below, mul(sub(above, below), w))
    else:
        out = below
    holds_nan = isnan(x).any(-1, keepdim=True)
    out = where(holds_nan, float("nan"), out)
    out = out.movedim(-1, 0)                                 # q's dim leads
    if keepdim:
        if dim is None:
            out = reshape(out, (len(qs),) + (1,) * input.ndim)
        elif input.ndim:
            out = unsqueeze(out, d + 1)
    return named(reshape(out, out.shape[1:]) if scalar_q else out, "SqueezeBackward4")   # PyTorch's last node


def _cumulative_extreme(op, input, dim, largest, result):
    check_tensor(op, input)
    d = normalize(op, dim, input.ndim)
    if input.ndim == 0:
        return result(input.clone(), no_grad_op(op, lambda xp, a: xp.zeros((), np.int64), input))

    def compute(xp, a):
        ufunc = xp.maximum if largest else xp.minimum
        running = ufunc.accumulate(a, axis=d)
        positions = xp.arange(a.shape[d]).reshape((-1,) + (1,) * (a.ndim - d - 1))
        reached = a == running
        if a.dtype.kind == "f":
            reached = reached | xp.isnan(a)
        # the latest position where the running extreme was reached (ties: the later one, as PyTorch)
        return xp.maximum.accumulate(xp.where(reached, positions, 0), axis=d).astype(np.int64)
    indices = no_grad_op(op, compute, input)
    return result(named(take_along_axis(input, indices, d), f"{op.capitalize()}Backward0"), indices)


def cummax(input, dim=None, *, axis=None):
    """`(values, indices)`: the running maximum along `dim` and where it was reached (the latest tie)."""
    return _cumulative_extreme("cummax", input, required_dim("cummax", dim, axis), True, CummaxResult)


def cummin(input, dim=None, *, axis=None):
    """`(values, indices)`: the running minimum along `dim` and where it was reached (the latest tie)."""
    return _cumulative_extreme("cummin", input, required_dim("cummin", dim, axis), False, CumminResult)


def _log_cumsum_exp(xp, a, axis):
    """log(cumsum(exp(a))) along axis without overflow (a running logaddexp)."""
    accumulate = getattr(xp.logaddexp, "accumulate", None)
    if accumulate is not None and xp is np:
        with np.errstate(invalid="ignore"):
            return accumulate(a, axis=axis)
    moved = xp.moveaxis(a, axis, 0).copy()
    for k in range(1, moved.shape[0]):
        moved[k] = xp.logaddexp(moved[k - 1], moved[k])
    return xp.moveaxis(moved, 0, axis)


class LogCumSumExp(Function):
    torch_name = "LogcumsumexpBackward0"
    differentiable_backward = False

    def forward(ctx, x, dim):
        out = _log_cumsum_exp(ctx.xp, x, dim)
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    def backward(ctx, gy):
        # dx_j = sum_{i >= j} gy_i exp(x_j - out_i): the positive and negative parts of gy summed in log
        # space from the end (reversed running logaddexp), so no exp over- or underflows on the way
        x, out = ctx.saved_tensors
        xp, d = ctx.xp, ctx.dim
        # (log 0 and a -inf prefix make -inf - -inf: NaN where PyTorch's gradient is NaN too, without a warning)
        with np.errstate(divide="ignore", invalid="ignore"):
            grads = []
            for part in (xp.maximum(gy, 0), xp.maximum(-gy, 0)):
                logs = xp.log(part) - out
                tail = xp.flip(_log_cumsum_exp(xp, xp.flip(logs, d), d), d)
                grads.append(xp.exp(tail + x))
        return grads[0] - grads[1], None


def logcumsumexp(input, dim=None, *, axis=None):
    """log(cumsum(exp(input))) along `dim`, without overflow."""
    check_tensor("logcumsumexp", input)
    d = normalize("logcumsumexp", required_dim("logcumsumexp", dim, axis), input.ndim)
    if not is_floating(input.dtype) and input.dtype.kind != "c":
        raise UnsupportedDtypeError(f"logcumsumexp: not implemented for {input.dtype} (shape {tuple(input.shape)}), "
                                    f"as in PyTorch; convert it with .float() first")
    x = input
    if input.ndim == 0 or input.shape[d] == 0:
        return x.clone()
    return LogCumSumExp.apply(x, d)


def aminmax(input, *, dim=None, keepdim=False, axis=None, keepdims=None):
    """`(min, max)` of all elements, or along `dim`."""
    check_tensor("aminmax", input)
    dim, keepdim = resolve("aminmax", dim, axis, keepdim, keepdims)
    if input.numel() == 0 and (dim is None or input.shape[normalize("aminmax", dim, input.ndim)] == 0):
        raise EmptyReductionError(f"aminmax: the input (shape {tuple(input.shape)}) is empty along the reduced dims, "
                                  f"which have no min or max; pass a dim whose length is not 0")
    if dim is not None:
        normalize("aminmax", dim, input.ndim)
    name = "AminmaxBackward0"   # PyTorch's one node for both results
    return AminmaxResult(named(amin(input, dim, keepdim), name), numbered(named(amax(input, dim, keepdim), name), 1))


def nansum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The sum treating nan as 0 (their gradient is 0)."""
    check_tensor("nansum", input)
    check_dtype_arg("nansum", dtype)
    dim, keepdim = resolve("nansum", dim, axis, keepdim, keepdims)
    if complex_forms.active:
        complex_forms.refuse("nansum", input)
    x = where(isnan(input), 0, input) if (input.dtype.kind == "f" or is_bf16(input.dtype)) else input
    return named(_sum(x, dim, keepdim, dtype=dtype), "NansumBackward0")


def nanmean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The mean of the non-nan elements (nan where a slice holds only nans)."""
    check_tensor("nanmean", input)
    check_dtype_arg("nanmean", dtype)
    dim, keepdim = resolve("nanmean", dim, axis, keepdim, keepdims)
    if input.dtype.kind != "f" and not is_bf16(input.dtype):
        raise DtypeError(f"nanmean: expects a float tensor, got {input.dtype}; convert it with .float()")
    x = input if dtype is None else input.astype(dtype)
    present = (~isnan(x)).astype(x.dtype)
    return div(nansum(x, dim, keepdim), _sum(present, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """`(std, mean)` over `dim` (std unbiased unless told otherwise)."""
    check_tensor("std_mean", input)
    dim, keepdim = resolve("std_mean", dim, axis, keepdim, keepdims)
    return (named(std(input, dim, unbiased, keepdim, correction=correction), "StdMeanBackward0"),
            numbered(named(mean(input, dim, keepdim), "StdMeanBackward0"), 1))   # PyTorch's one node for both


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """`(var, mean)` over `dim` (var unbiased unless told otherwise)."""
    check_tensor("var_mean", input)
    dim, keepdim = resolve("var_mean", dim, axis, keepdim, keepdims)
    return (named(var(input, dim, unbiased, keepdim, correction=correction), "VarMeanBackward0"),
            numbered(named(mean(input, dim, keepdim), "VarMeanBackward0"), 1))   # PyTorch's one node for both
