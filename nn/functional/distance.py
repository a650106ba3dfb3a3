"""Similarities and distances between vectors, and normalisation to unit norm (composites of existing ops)."""
import numbers

import autograd as ag
from autograd.ops import vector_distance as _vd
from autograd.errors import ArgumentRangeError, DimRangeError, DtypeError
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast


def _dim(dim, ndim, op):
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool) or not -max(ndim, 1) <= dim < max(ndim, 1):
        raise DimRangeError(f"{op}: dim {dim!r} is out of range for a {ndim}-D input (valid: {-max(ndim, 1)} to "
                            f"{max(ndim, 1) - 1})")
    return dim % ndim if ndim else 0


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along `dim` (they broadcast), each divided by its norm first,
    a norm below eps counting as eps; the result drops `dim`."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("cosine_similarity", cosine_similarity, x1, x2, dim, eps)
    return _vd.cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dimension (x1 and x2 broadcast)."""
    return _vd.pairwise_distance(x1, x2, p, eps, keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input divided by its p-norm along `dim`, the norm raised to at least eps (so zero vectors stay zero)."""
    check_tensor("normalize", input)
    if input.dtype.kind not in "fcV":   # 'V': bfloat16
        raise DtypeError(f"normalize: expects a float or complex tensor, got {input.dtype} (shape "
                         f"{tuple(input.shape)}); convert it with .float()")
    if p == "fro":   # PyTorch's norm over one dim reads 'fro' as the 2-norm
        p = 2.0
    if not isinstance(p, numbers.Real):   # any real p, as PyTorch (0 and negative norms too)
        raise ArgumentRangeError(f"normalize: p must be a real number (or math.inf, or 'fro' for 2), got {p!r}")
    dim = _dim(dim, input.ndim, "normalize")
    return input / ag.clip(ag.norm(input, p, dim, True), eps, None)
