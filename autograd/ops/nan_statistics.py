"""Order statistics that skip nan (nanmedian, nanquantile) and the most frequent value (mode), with PyTorch's
names and return types. Positions are found without a gradient; values are picked with take_along_axis, so
gradients flow to the elements chosen."""
import numpy as np

from ..errors import DtypeError
from ..function import named
from ..return_types import return_type
from ..tensor import Tensor
from .dims import check_tensor, normalize, resolve
from .elementwise import add, mul, sub, where
from .indexing import take_along_axis
from .median_all import MedianAll
from .no_grad_op import no_grad_op
from .shape import flatten, movedim, reshape, squeeze, unsqueeze
from .statistics import _check_non_empty, _sorted_pick, empty_median
from .torch_quickselect import all_equal_nth_element_first
from .. import autocast_state as autocast

NanmedianResult = return_type("nanmedian", ["values", "indices"])
ModeResult = return_type("mode", ["values", "indices"])


def _lower_median_of_numbers(xp, ranked, n):
    """The sorted position of each row's lower median among its non-nan values (nan sorts last, stably). A row
    of nans only gives a nan: the one PyTorch's selection leaves first, as the stable sort keeps them in place."""
    if ranked.dtype.kind != "f":
        return xp.full(ranked.shape[:-1] + (1,), (n - 1) // 2, dtype=np.int64)
    count = (~xp.isnan(ranked)).sum(axis=-1, keepdims=True).astype(np.int64)
    return xp.where(count == 0, all_equal_nth_element_first(n), xp.maximum(count - 1, 0) // 2)


def nanmedian(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The lower median of the non-nan elements (a 0-d tensor; nan when all are nan), or with `dim` the
    `(values, indices)` of each slice's lower median ignoring nans."""
    check_tensor("nanmedian", input)
    dim, keepdim = resolve("nanmedian", dim, axis, keepdim, keepdims)
    if dim is None:
        if input.numel() == 0:
            return empty_median("nanmedian", input)
        return named(MedianAll.apply(input, True), "NanmedianBackward0")
    d = normalize("nanmedian", dim, input.ndim)
    if input.ndim == 0:
        return NanmedianResult(input.clone(), no_grad_op("nanmedian", lambda xp, a: xp.zeros((), np.int64), input))
    if input.shape[d] == 0:
        raise IndexError(f"nanmedian: dim {dim} of shape {tuple(input.shape)} is empty, so it has no median; "
                         "reduce a dim whose length is not 0")
    x = movedim(input, d, -1)
    values, indices = _sorted_pick("nanmedian", x, x.ndim - 1, _lower_median_of_numbers)
    values, indices = movedim(values, -1, d), movedim(indices, -1, d)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return NanmedianResult(named(values, "NanmedianBackward1"), indices)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_q(op, input, q):
    """q as a 1-D float64 NumPy array, and whether it is a single value (a number or a 0-d tensor: the output
    then has no q dim), checked as PyTorch checks it."""
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise ValueError(f"{op}: q must be a number or a 0-d / 1-D tensor, got shape {tuple(q.shape)}")
        if q.dtype != input.dtype:
            raise TypeError(f"{op}: q ({q.dtype}) must have input's dtype ({input.dtype}); convert it with "
                            f".to(input.dtype)")
    qs = np.asarray(q.numpy() if isinstance(q, Tensor) else q, dtype=np.float64).reshape(-1)
    if ((qs < 0) | (qs > 1) | np.isnan(qs)).any():
        raise ValueError(f"{op}: q values must be in the range [0, 1], got {qs.tolist()}")
    return qs, not isinstance(q, Tensor) or q.ndim == 0


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of the non-nan elements of `input` (all of them, or along `dim`), interpolating between
    the two nearest ranks as torch.nanquantile; q a number or a 0-d / 1-D tensor in [0, 1] (a 1-D q's values
    lead the output's dims). nan where a slice holds only nans."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("nanquantile", nanquantile, input, q, dim, keepdim, interpolation=interpolation)
    op = "nanquantile"
    check_tensor(op, input)
    _check_non_empty(op, input)
    if input.dtype.kind != "f":
        raise DtypeError(f"{op}: expects a float tensor, got {input.dtype}; convert it with .float()")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}: interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}")
    qs, one_q = _check_q(op, input, q)
    if dim is None:
        x, d = flatten(input), 0
    else:
        d = normalize(op, dim, input.ndim)
        x = input if input.ndim else reshape(input, (1,))
    x = movedim(x, d, -1)

    def positions(xp, a):
        # ranks in the input's dtype, as PyTorch computes them; a row of nans only gets rank 0 (a nan)
        count = (~xp.isnan(a)).sum(axis=-1, keepdims=True).astype(a.dtype)
        ranks = xp.maximum(xp.asarray(qs.astype(a.dtype)) * (count - 1), 0)
        if interpolation == "lower":
            ranks = xp.floor(ranks)
        elif interpolation == "higher":
            ranks = xp.ceil(ranks)
        elif interpolation == "nearest":
            ranks = xp.round(ranks)   # halves to even, as PyTorch
        low = xp.floor(ranks)
        weight = (ranks - low if interpolation == "linear" else
                  xp.full(ranks.shape, 0.5 if interpolation == "midpoint" else 0.0, dtype=a.dtype))
        order = xp.argsort(a, axis=-1, kind="stable").astype(np.int64)
        return order, low.astype(np.int64), xp.ceil(ranks).astype(np.int64), weight.astype(a.dtype)

    order, low, high, weight = no_grad_op(op, positions, x)
    ranked = take_along_axis(x, order, x.ndim - 1)
    below, above = take_along_axis(ranked, low, x.ndim - 1), take_along_axis(ranked, high, x.ndim - 1)
    if interpolation in ("linear", "midpoint"):
        with np.errstate(invalid="ignore"):   # between two equal infinities: nan, quietly, as PyTorch
            gap = sub(above, below)
            # torch.lerp's two-sided formula, so that the results round as PyTorch's
            out = where(weight < 0.5, add(below, mul(weight, gap)), sub(above, mul(gap, sub(1.0, weight))))
    else:   # a picked rank as it is: an infinity stays one, as PyTorch's
        out = below
    out = movedim(out, -1, 0)                                 # q's dim leads
    if keepdim:
        if dim is None:
            out = reshape(out, (len(qs),) + (1,) * input.ndim)
        elif input.ndim:
            out = unsqueeze(out, d + 1)
    return named(reshape(out, out.shape[1:]) if one_q else out, "SqueezeBackward4")   # PyTorch's last node


def mode(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """`(values, indices)`: the most frequent value of each slice along `dim` (the last unless given; the smallest
    of equally frequent ones) and the position of its last occurrence, as torch.mode."""
    check_tensor("mode", input)
    dim, keepdim = resolve("mode", -1 if dim is None and axis is None else dim, axis, keepdim, keepdims)
    d = normalize("mode", dim, input.ndim)
    if input.ndim == 0:
        return ModeResult(input.clone(), no_grad_op("mode", lambda xp, a: xp.zeros((), np.int64), input))
    if input.shape[d] == 0:
        raise IndexError(f"mode: dim {dim} of shape {tuple(input.shape)} is empty, so it has no mode; reduce a dim "
                         "whose length is not 0")
    x = movedim(input, d, -1)

    def compute(xp, a):
        n = a.shape[-1]
        order = xp.argsort(a, axis=-1, kind="stable")
        ranked = xp.take_along_axis(a, order, axis=-1)
        steps = ranked[..., 1:] != ranked[..., :-1]
        edge = xp.ones(a.shape[:-1] + (1,), dtype=bool)
        starts = xp.concatenate([edge, steps], axis=-1)
        ends = xp.concatenate([steps, edge], axis=-1)
        positions = xp.arange(n)
        run_start = xp.maximum.accumulate(xp.where(starts, positions, 0), axis=-1)
        length = xp.where(ends, positions - run_start + 1, 0)
        best = xp.argmax(length, axis=-1)[..., None]          # the first longest run: the smallest value
        return xp.take_along_axis(order, best, axis=-1).astype(np.int64)   # its last occurrence

    indices = no_grad_op("mode", compute, x)
    values = movedim(take_along_axis(x, indices, x.ndim - 1), -1, d)
    indices = movedim(indices, -1, d)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return ModeResult(named(values, "ModeBackward0"), indices)
