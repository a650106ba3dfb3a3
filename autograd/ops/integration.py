"""The trapezoid rule along a dim (torch.trapezoid / trapz and cumulative_trapezoid), composites of existing ops:
samples y spaced by a constant dx or at the points x (broadcast against y after their differences are taken,
as NumPy and PyTorch do)."""
import numbers

from ..errors import ShapeError
from ..function import named
from ..tensor import Tensor
from .dims import check_tensor, dim_or, normalize
from .elementwise import add, div, mul, sub
from .no_grad_op import no_grad_op
from .reduction import sum as _sum
from .scan import cumsum
from .shape import reshape


def _along(t, d, part):
    return t[(slice(None),) * d + (part,)]


def _arguments(op, y, x, dx, dim):
    """(dim as an index, x or None, dx as a number) after PyTorch's checks."""
    check_tensor(op, y, "y")
    if y.ndim == 0:
        raise IndexError(f"{op}: y is 0-d, but the rule integrates along dim {dim}; pass a tensor with at least "
                         "one dimension")
    d = normalize(op, dim, y.ndim)
    if x is not None and dx is not None:
        raise TypeError(f"{op}: pass either x (the sample points) or dx (their constant spacing), not both")
    if x is not None:
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}: x must be a Tensor of sample points, got {type(x).__name__}; pass a number as dx=")
        if y.dtype.kind == "b" or x.dtype.kind == "b":
            raise TypeError(f"{op}: received a bool input for x or y, but bool is not supported; convert with .float()")
        if x.ndim == 1:
            if x.shape[0] != y.shape[d]:
                raise ShapeError(f"{op}: there must be one x value for each sample point: x has {x.shape[0]}, y has "
                                 f"{y.shape[d]} along dim {dim} (shape {tuple(y.shape)}); pass x of length "
                                 f"{y.shape[d]}, or the dim x runs along")
            x = reshape(x, tuple(x.shape[0] if i == d else 1 for i in range(y.ndim)))
        elif x.ndim < y.ndim:
            x = reshape(x, (1,) * (y.ndim - x.ndim) + tuple(x.shape))
        return d, x, None
    if y.dtype.kind == "b":
        raise TypeError(f"{op}: received a bool input for y, but bool is not supported; convert with .float()")
    dx = 1 if dx is None else dx
    if not isinstance(dx, numbers.Real) or isinstance(dx, bool):
        raise TypeError(f"{op}: dx must be a real number, got {dx!r}")
    return d, None, dx


def trapezoid(y, x=None, *, dx=None, dim=None, axis=None):
    """The integral of y along `dim` (or NumPy's `axis`; the last unless given) by the trapezoid rule: samples at
    the points `x` (a 1-D tensor of y's length along dim, or a tensor broadcastable with y) or spaced by `dx`
    (default 1). An empty dim gives 0."""
    d, x, dx = _arguments("trapezoid", y, x, dx, dim_or("trapezoid", dim, axis, -1))
    if y.shape[d] == 0:
        return no_grad_op("trapezoid", lambda xp, a: xp.zeros(a.shape[:d] + a.shape[d + 1:], a.dtype), y)
    if x is None:
        ends = mul(add(_along(y, d, 0), _along(y, d, -1)), 0.5)
        return named(mul(sub(_sum(y, d), ends), dx), "MulBackward1")
    gaps = sub(_along(x, d, slice(1, None)), _along(x, d, slice(0, -1)))
    pairs = add(_along(y, d, slice(0, -1)), _along(y, d, slice(1, None)))
    return named(div(_sum(mul(pairs, gaps), d), 2.0), "DivBackward1")


def trapz(y, x=None, *, dx=None, dim=None, axis=None):
    """torch.trapz: trapezoid's older name."""
    return trapezoid(y, x, dx=dx, dim=dim, axis=axis)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=None, axis=None):
    """The running integral of y along `dim` (or NumPy's `axis`; the last unless given) by the trapezoid rule (one
    value fewer than y along dim): samples at the points `x` or spaced by `dx` (default 1)."""
    d, x, dx = _arguments("cumulative_trapezoid", y, x, dx, dim_or("cumulative_trapezoid", dim, axis, -1))
    pairs = add(_along(y, d, slice(0, -1)), _along(y, d, slice(1, None)))
    if x is None:
        return cumsum(mul(pairs, dx / 2.0), d)
    gaps = sub(_along(x, d, slice(1, None)), _along(x, d, slice(0, -1)))
    return named(div(cumsum(mul(pairs, gaps), d), 2.0), "DivBackward1")
