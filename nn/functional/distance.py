"""Similarities and distances between vectors, and normalisation to unit norm (composites of existing ops)."""
import math
import numbers

import autograd as ag
from autograd.ops.dims import check_tensor


def _dim(dim, ndim, op):
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool) or not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ValueError(f"{op}: dim {dim!r} is out of range for a {ndim}-D input (valid: {-max(ndim, 1)} to "
                         f"{max(ndim, 1) - 1})")
    return dim % ndim if ndim else 0


def _float_pair(x1, x2, op):
    for name, t in (("x1", x1), ("x2", x2)):
        check_tensor(op, t, name)
    if x1.dtype.kind != "f" or x2.dtype.kind != "f":
        raise TypeError(f"{op}: expects float tensors, got {x1.dtype} and {x2.dtype}; convert with .astype(...)")
    try:
        shape = _broadcast_shape(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"{op}: x1 {x1.shape} and x2 {x2.shape} do not broadcast together") from None
    return shape


def _broadcast_shape(a, b):
    out = []
    for m, n in zip((1,) * (len(b) - len(a)) + tuple(a), (1,) * (len(a) - len(b)) + tuple(b)):
        if m != n and 1 not in (m, n):
            raise ValueError
        out.append(n if m == 1 else m)
    return tuple(out)


def _clamped_norm(x, dim, eps):
    """||x|| along dim (kept) whose value is raised to at least eps while its gradient stays that of the
    plain norm: PyTorch's cosine_similarity clamps the norm in place outside the graph."""
    n = ag.norm(x, 2, dim, True)
    raw = n.detach()
    return n + (ag.clip(raw, eps, None) - raw)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along `dim` (they broadcast), each divided by its norm first,
    a norm below eps counting as eps; the result drops `dim`."""
    shape = _float_pair(x1, x2, "cosine_similarity")
    dim = _dim(dim, len(shape), "cosine_similarity")
    if x1.shape != shape:
        x1 = ag.broadcast_to(x1, shape)
    if x2.shape != shape:
        x2 = ag.broadcast_to(x2, shape)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(axis=dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dimension (x1 and x2 broadcast)."""
    shape = _float_pair(x1, x2, "pairwise_distance")
    if not isinstance(p, numbers.Real) or not (p > 0 or p == math.inf):
        raise ValueError(f"pairwise_distance: p must be a positive number or math.inf, got {p!r}")
    return ag.norm(x1 - x2 + eps, p, max(len(shape) - 1, 0), keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input divided by its p-norm along `dim`, the norm raised to at least eps (so zero vectors stay zero)."""
    check_tensor("normalize", input)
    if input.dtype.kind != "f":
        raise TypeError(f"normalize: expects a float tensor, got {input.dtype}")
    if not isinstance(p, numbers.Real) or not (p > 0 or p == math.inf):
        raise ValueError(f"normalize: p must be a positive number or math.inf, got {p!r}")
    dim = _dim(dim, input.ndim, "normalize")
    return input / ag.clip(ag.norm(input, p, dim, True), eps, None)
