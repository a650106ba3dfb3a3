"""torch.gradient: derivatives of sampled values by finite differences along each asked dim, a composite of
existing ops (so it is differentiable): second-order central differences inside, first- or second-order
one-sided differences at the two ends (edge_order), for a constant spacing or at given sample points."""
import numbers

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .convert import astype
from .dims import check_tensor, dim_or, normalize
from .elementwise import add, div, mul, sub
from .joining import cat
from .shape import reshape


def _along(t, d, part):
    return t[(slice(None),) * d + (part,)]


def _uniform(f, d, h, edge_order):
    """The derivative along d of samples spaced by the number h."""
    inner = div(sub(_along(f, d, slice(2, None)), _along(f, d, slice(None, -2))), 2.0 * h)
    if edge_order == 1:
        first = div(sub(_along(f, d, slice(1, 2)), _along(f, d, slice(0, 1))), h)
        last = div(sub(_along(f, d, slice(-1, None)), _along(f, d, slice(-2, -1))), h)
    else:
        f0, f1, f2 = (_along(f, d, slice(k, k + 1)) for k in range(3))
        first = div(add(sub(mul(f1, 2.0), mul(f0, 1.5)), mul(f2, -0.5)), h)
        g0, g1, g2 = (_along(f, d, slice(k, k + 1 or None)) for k in (-1, -2, -3))
        last = div(add(sub(mul(g0, 1.5), mul(g1, 2.0)), mul(g2, 0.5)), h)
    return cat([first, inner, last], d)


def _weighted(f, d, parts, weights):
    """sum_k weights[k] * f[parts[k]] along d, each weight a 1-D tensor laid along d."""
    shape = lambda w: tuple(w.shape[0] if i == d else 1 for i in range(f.ndim))
    terms = [mul(_along(f, d, part), reshape(w, shape(w))) for part, w in zip(parts, weights)]
    total = terms[0]
    for term in terms[1:]:
        total = add(total, term)
    return total


def _at_points(f, d, x, edge_order):
    """The derivative along d of samples taken at the points x (a 1-D tensor), as NumPy's gradient."""
    dx = sub(x[1:], x[:-1])
    hd, hs = dx[:-1], dx[1:]
    inner = _weighted(f, d, (slice(None, -2), slice(1, -1), slice(2, None)),
                      (div(-hs, mul(hd, add(hd, hs))), div(sub(hs, hd), mul(hd, hs)), div(hd, mul(hs, add(hd, hs)))))
    if edge_order == 1:
        first = _weighted(f, d, (slice(0, 1), slice(1, 2)), (div(-1.0, dx[:1]), div(1.0, dx[:1])))
        last = _weighted(f, d, (slice(-2, -1), slice(-1, None)), (div(-1.0, dx[-1:]), div(1.0, dx[-1:])))
    else:
        a, b = dx[:1], dx[1:2]
        first = _weighted(f, d, (slice(0, 1), slice(1, 2), slice(2, 3)),
                          (div(-add(mul(a, 2.0), b), mul(a, add(a, b))), div(add(a, b), mul(a, b)),
                           div(-a, mul(b, add(a, b)))))
        a, b = dx[-2:-1], dx[-1:]
        last = _weighted(f, d, (slice(-3, -2), slice(-2, -1), slice(-1, None)),
                         (div(b, mul(a, add(a, b))), div(-add(a, b), mul(a, b)), div(add(mul(b, 2.0), a),
                                                                                     mul(b, add(a, b)))))
    return cat([first, inner, last], d)


def _spacings(spacing, count):
    """One spacing (a number or a 1-D tensor of sample points) per differentiated dim."""
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != count:
            raise RuntimeError(f"gradient: expected spacing to be unspecified, a scalar, or a list of length {count} "
                               f"(one per differentiated dim), got a list of length {len(spacing)}")
        return list(spacing)
    return [spacing] * count


def gradient(input, *, spacing=1, dim=None, edge_order=1, axis=None):
    """The derivative of `input`'s values along each dim in `dim` (or NumPy's `axis`; all dims when None), as a
    tuple of tensors of
    input's shape: central differences inside, one-sided ones of order `edge_order` (1 or 2) at the ends;
    samples spaced by `spacing` (a number, one number per dim, or one 1-D tensor of sample points per dim)."""
    check_tensor("gradient", input)
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, got {edge_order!r}")
    dim = dim_or("gradient", dim, axis, None)
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, numbers.Integral) else list(dim)
    dims = [normalize("gradient", d, input.ndim) for d in dims]
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(f"torch.gradient expected each dimension size to be at least edge_order+1: dim {d} of "
                               f"shape {tuple(input.shape)} has {input.shape[d]} values, edge_order is {edge_order}")
    f = input if input.dtype.kind in "fc" else astype(input, get_default_dtype())
    out = []
    for d, h in zip(dims, _spacings(spacing, len(dims))):
        if isinstance(h, Tensor):
            if h.ndim != 1 or h.shape[0] != input.shape[d]:
                raise RuntimeError(f"gradient: the sample points along dim {d} must be a 1-D tensor of "
                                   f"{input.shape[d]} values, got shape {tuple(h.shape)}")
            points = h if h.dtype.kind in "fc" else astype(h, get_default_dtype())
            out.append(_at_points(f, d, points, edge_order))
        elif isinstance(h, numbers.Real) and not isinstance(h, bool):
            out.append(_uniform(f, d, float(h), edge_order))
        else:
            raise TypeError(f"gradient: spacing must be a number, a list of numbers or a list of 1-D tensors, got "
                            f"{type(h).__name__}")
    return tuple(out)
