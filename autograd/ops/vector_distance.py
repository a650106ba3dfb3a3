"""Similarities and distances between vectors (torch.cosine_similarity, pairwise_distance, dist) and the
renormalisation of sub-tensors (torch.renorm), composites of existing ops; nn.functional's forms call these."""
import math
import numbers

from .dims import check_tensor
from .elementwise import abs as _abs, clip, div, mul, ne, pow as _pow, sub, where
from .linalg import norm
from .reduction import amax, amin, sum as _sum
from .shape import broadcast_to
from .. import autocast_state as autocast, complex_forms
from ..bf16_dtype import is_bf16
from ..dtypes import get_default_dtype
from ..function import named
from ..shown_nodes import shown_over
from ..errors import ArgumentRangeError, DimRangeError, DtypeError, ShapeError
from ..tensor import Tensor


def _dim(dim, ndim, op):
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool) or not -max(ndim, 1) <= dim < max(ndim, 1):
        raise DimRangeError(f"{op}: dim {dim!r} is out of range for a {ndim}-D input (valid: {-max(ndim, 1)} to "
                            f"{max(ndim, 1) - 1})")
    return dim % ndim if ndim else 0


def _broadcast_shape(a, b):
    out = []
    for m, n in zip((1,) * (len(b) - len(a)) + tuple(a), (1,) * (len(a) - len(b)) + tuple(b)):
        if m != n and 1 not in (m, n):
            raise ValueError
        out.append(n if m == 1 else m)
    return tuple(out)


def float_pair(x1, x2, op, names=("x1", "x2"), complex_ok=False):
    """The broadcast shape of two float tensors (or complex ones, with `complex_ok`); a clear error for anything
    else."""
    for name, t in zip(names, (x1, x2)):
        check_tensor(op, t, name)
    if (x1.dtype.kind not in "fV" or x2.dtype.kind not in "fV") and not (complex_ok and x1.dtype.kind in "fc"
                                                               and x2.dtype.kind in "fc"):
        raise DtypeError(f"{op}: expects float tensors, got {x1.dtype} and {x2.dtype}; convert one with "
                         ".to(other.dtype)")
    try:
        return _broadcast_shape(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"{op}: {names[0]} {tuple(x1.shape)} and {names[1]} {tuple(x2.shape)} do not broadcast "
                         "together; make their shapes equal or 1 in each dim") from None


def _clamped_norm(x, dim, eps):
    """||x|| along dim (kept) whose value is raised to at least eps while its gradient stays that of the
    plain norm: PyTorch's cosine_similarity clamps the norm in place outside the graph."""
    n = norm(x, 2, dim, True)
    raw = n.detach()
    return n + (clip(raw, eps, None) - raw)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along `dim` (they broadcast), each divided by its norm first,
    a norm below eps counting as eps; the result drops `dim`."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("cosine_similarity", cosine_similarity, x1, x2, dim, eps)
    shape = float_pair(x1, x2, "cosine_similarity")
    dim = _dim(dim, len(shape), "cosine_similarity")
    if x1.shape != shape:
        x1 = broadcast_to(x1, shape)
    if x2.shape != shape:
        x2 = broadcast_to(x2, shape)
    return _sum(mul(div(x1, _clamped_norm(x1, dim, eps)), div(x2, _clamped_norm(x2, dim, eps))), dim)


def _integers_as_floats(x1, x2):
    """x1 and x2 with integer and bool tensors in the other's floating dtype, or the default float dtype when
    both are integers: PyTorch's pairwise_distance takes integer vectors."""
    if not (isinstance(x1, Tensor) and isinstance(x2, Tensor)):
        return x1, x2
    ints = [t.dtype.kind in "biu" for t in (x1, x2)]
    if all(ints):
        return x1.astype(get_default_dtype()), x2.astype(get_default_dtype())
    if ints[0]:
        return x1.astype(x2.dtype), x2
    if ints[1]:
        return x1, x2.astype(x1.dtype)
    return x1, x2


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dimension (x1 and x2 broadcast)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("pairwise_distance", pairwise_distance, x1, x2, p, eps, keepdim)
    x1, x2 = _integers_as_floats(x1, x2)
    shape = float_pair(x1, x2, "pairwise_distance", complex_ok=True)
    if not isinstance(p, numbers.Real):   # any real p, as PyTorch: 0 counts the differences, negative ones too
        raise ValueError(f"pairwise_distance: p must be a real number (or math.inf), got {p!r}")
    difference = x1 - x2
    # PyTorch adds eps as a number (AddBackward1, one edge)
    shifted = shown_over(difference + eps, "AddBackward1", difference)
    return named(norm(shifted, p, max(len(shape) - 1, 0), keepdim), "NormBackward1")


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast) over all elements, as a 0-d tensor: p > 0, inf, -inf (the
    smallest |difference|), 0 (how many differ; gradient 0) or a negative p ((sum |d|**p) ** (1/p))."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("dist", dist, input, other, p)
    if any(isinstance(t, Tensor) and t.dtype == bool for t in (input, other)):
        raise RuntimeError(f"dist: a bool tensor (shapes {tuple(getattr(input, 'shape', ()))} and "
                           f"{tuple(getattr(other, 'shape', ()))}) cannot be subtracted, as in PyTorch (dist is the "
                           "norm of input - other); convert it first, e.g. mask.float()")
    if isinstance(input, Tensor) and isinstance(other, Tensor):   # an integer tensor takes the float one's dtype
        if input.dtype.kind in "iub" and other.dtype.kind not in "iub":
            input = input.astype(other.dtype)
        elif other.dtype.kind in "iub" and input.dtype.kind not in "iub":
            other = other.astype(input.dtype)
    float_pair(input, other, "dist", ("input", "other"), complex_ok=True)
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or math.isnan(p):
        raise TypeError(f"dist: p must be a real number, got {p!r}")
    return shown_over(_dist(sub(input, other), p), "DistBackward0", input, other)


def _dist(gap, p):
    """dist's value from the difference `gap`, by the kind of p."""
    if complex_forms.active and gap.dtype.kind == "c":   # the norms of a complex difference are those of its moduli
        gap = _abs(gap)
    if p > 0:
        return norm(gap, p)
    if p == -math.inf:
        return amin(_abs(gap))
    if p == 0:   # a count, whose gradient PyTorch defines as 0
        return _sum(ne(gap, 0).astype(gap.dtype)) + _sum(mul(gap, 0.0))
    return _pow(_sum(_pow(_abs(gap), float(p))), 1.0 / p)


def renorm(input, p, dim, maxnorm):
    """`input` with each sub-tensor along `dim` (input.select(dim, i)) whose p-norm exceeds maxnorm scaled down
    to norm maxnorm (by maxnorm / (norm + 1e-7), as PyTorch); the others unchanged."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("renorm", renorm, input, p, dim, maxnorm)
    check_tensor("renorm", input)
    if input.dtype.kind not in "fc" and not is_bf16(input.dtype):
        raise DtypeError(f"renorm: expects a floating-point tensor, got {input.dtype} (shape {tuple(input.shape)}); "
                         "convert it with .float()")
    if input.ndim < 2:
        raise ShapeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} (shape "
                         f"{tuple(input.shape)}); for one vector use x.unsqueeze(0) and renorm along dim 0")
    if not isinstance(p, numbers.Real) or not p > 0:
        raise ArgumentRangeError(f"renorm: p must be > 0 (non-positive norms are not supported), got {p!r} (input "
                                 f"shape {tuple(input.shape)}); pass p=2 for the Euclidean norm")
    if not maxnorm >= 0:
        raise ArgumentRangeError(f"renorm: maxnorm must be >= 0, got {maxnorm!r} (input shape "
                                 f"{tuple(input.shape)}); pass the largest norm each slice may keep")
    d = _dim(dim, input.ndim, "renorm")
    others = tuple(i for i in range(input.ndim) if i != d)
    if p == math.inf:
        norms = amax(_abs(input), others, True)
    else:
        norms = norm(input, p, others, True)
    factor = where(norms > maxnorm, div(maxnorm, norms + 1e-7), 1.0)
    return named(mul(input, factor.astype(input.dtype)), "RenormBackward0")
