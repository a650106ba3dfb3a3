"""torch.masked's reductions and normalisations (`ag.masked.sum(x, 1, mask=m)`): the op over the elements where
`mask` (broadcast to the input) is True, as if the others were absent. Each fills the masked-out elements with
the op's identity (0 for sums, 1 for products, -inf for maxima, ...) and runs the ordinary op, so gradients flow
to the kept elements only. MaskedTensor itself is not built."""
import math

import numpy as np

from .creation import tensor
from .dtype_info import iinfo
from .errors import DtypeError
from .linalg_api import vector_norm
from .ops.dims import check_tensor
from .tensor import Tensor


def _floating(dtype):
    return np.dtype(dtype).kind in "fc" or np.dtype(dtype).name == "bfloat16"


def _prepared(op, input, mask, dtype):
    """(input as `dtype`, the bool mask broadcast to its shape, or None for 'every element')."""
    check_tensor(f"masked.{op}", input)
    if dtype is not None:
        input = input.to(dtype)
    if mask is None:
        return input, None
    if not isinstance(mask, Tensor):
        mask = tensor(mask)
    if mask.ndim > input.ndim:
        raise IndexError(f"masked.{op}: _input_mask expected broadcastable mask (got mask dimensionality higher than "
                         f"of the input: {tuple(mask.shape)} for {tuple(input.shape)})")
    if mask.dtype != np.bool_:
        mask = mask != 0
    return input, mask.expand(*input.shape)


def _filled(input, mask, value):
    if mask is None:
        return input
    return input.masked_fill(~mask, value)


def _lowest(dtype):
    return -math.inf if _floating(dtype) else iinfo(dtype).min


def _highest(dtype):
    return math.inf if _floating(dtype) else iinfo(dtype).max


def _dims(input, dim):
    if dim is None:
        return tuple(range(input.ndim))
    return (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum of the kept elements over `dim` (all dims when None); 0 where none is kept."""
    x, m = _prepared("sum", input, mask, dtype)
    return _filled(x, m, 0).sum(_dims(x, dim), keepdim=bool(keepdim))


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The product of the kept elements over `dim`; 1 where none is kept."""
    x, m = _prepared("prod", input, mask, dtype)
    out = _filled(x, m, 1)
    for d in sorted({d % max(x.ndim, 1) for d in _dims(x, dim)}, reverse=True):   # later dims first: no shifts
        out = out.prod(d, keepdim=bool(keepdim))
    return out


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The largest kept element over `dim`; -inf (an integer dtype's minimum) where none is kept."""
    x, m = _prepared("amax", input, mask, dtype)
    return _filled(x, m, _lowest(x.dtype)).amax(_dims(x, dim), keepdim=bool(keepdim))


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The smallest kept element over `dim`; inf (an integer dtype's maximum) where none is kept."""
    x, m = _prepared("amin", input, mask, dtype)
    return _filled(x, m, _highest(x.dtype)).amin(_dims(x, dim), keepdim=bool(keepdim))


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the largest kept element along `dim`, in the input's dtype (as PyTorch's masked.argmax)."""
    x, m = _prepared("argmax", input, mask, dtype)
    return _filled(x, m, _lowest(x.dtype)).argmax(dim, keepdim=bool(keepdim)).to(x.dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the smallest kept element along `dim`, in the input's dtype."""
    x, m = _prepared("argmin", input, mask, dtype)
    return _filled(x, m, _highest(x.dtype)).argmin(dim, keepdim=bool(keepdim)).to(x.dtype)


def _count(x, m, dims, keepdim):
    if m is None:
        total = 1
        for d in dims:
            total *= x.shape[d]
        return total
    return m.sum(dims, keepdim=keepdim).to(x.dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The mean of the kept elements over `dim`; nan where none is kept. Floating inputs only, as PyTorch's."""
    x, m = _prepared("mean", input, mask, dtype)
    if not _floating(x.dtype):
        raise ValueError(f"mean(): Could not infer output dtype. Input dtype must be either a floating point or "
                         f"complex dtype. Got: {x.dtype}; pass dtype=torch.float32")
    dims = _dims(x, dim)
    return _filled(x, m, 0).sum(dims, keepdim=bool(keepdim)) / _count(x, m, dims, bool(keepdim))


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """The lower median of the kept elements along `dim`; nan where none is kept."""
    x, m = _prepared("median", input, mask, dtype)
    if not _floating(x.dtype):
        raise DtypeError(f"masked.median: expects a floating input (the masked-out elements become nan), got "
                         f"{x.dtype}; pass dtype=torch.float32")
    return _filled(x, m, math.nan).nanmedian(dim, keepdim=bool(keepdim)).values


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """log(sum(exp)) of the kept elements over `dim`; -inf where none is kept."""
    x, m = _prepared("logsumexp", input, mask, dtype)
    return _filled(x, m, -math.inf).logsumexp(_dims(x, dim), keepdim=bool(keepdim))


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The ord-norm of the kept elements over `dim` (vector norm); 0 where none is kept."""
    x, m = _prepared("norm", input, mask, dtype)
    fill = math.inf if ord == -math.inf else 0
    return vector_norm(_filled(x, m, fill), ord, _dims(x, dim), keepdim=bool(keepdim))


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The variance of the kept elements over `dim`, divided by (count - correction) (1 unless unbiased=False or
    correction says otherwise); nan where too few are kept."""
    x, m = _prepared("var", input, mask, dtype)
    dims = _dims(x, dim)
    if correction is None:
        correction = 0 if unbiased is False else 1
    count = _count(x, m, dims, True)
    centre = _filled(x, m, 0).sum(dims, keepdim=True) / count
    spread = _filled((x - centre) * (x - centre).conj() if x.dtype.kind == "c" else (x - centre) ** 2, m, 0)
    denominator = count - correction
    if isinstance(denominator, Tensor):   # PyTorch's max(count - correction, 0): nan where nothing is left
        denominator = denominator.clamp(min=0)
    else:
        denominator = max(denominator, 0)
    total = spread.sum(dims, keepdim=keepdim)
    if isinstance(denominator, Tensor) and not keepdim:   # divided last, as PyTorch's (its node: DivBackward0)
        denominator = denominator.reshape(total.shape)
    return total / denominator


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The square root of var's result."""
    return var(input, dim, unbiased, correction=correction, keepdim=keepdim, dtype=dtype, mask=mask).sqrt()


def softmax(input, dim, *, dtype=None, mask=None):
    """Softmax along `dim` over the kept elements (0 at the others; nan where none is kept)."""
    x, m = _prepared("softmax", input, mask, dtype)
    return _filled(x, m, -math.inf).softmax(dim)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """log of softmax along `dim` over the kept elements (-inf at the others)."""
    x, m = _prepared("log_softmax", input, mask, dtype)
    return _filled(x, m, -math.inf).log_softmax(dim)


def softmin(input, dim, *, dtype=None, mask=None):
    """softmax of -input along `dim` over the kept elements."""
    x, m = _prepared("softmin", input, mask, dtype)
    return _filled(-x, m, -math.inf).softmax(dim)


def cumsum(input, dim, *, dtype=None, mask=None):
    """Running sums along `dim` that skip the masked-out elements (each keeps the sum so far)."""
    x, m = _prepared("cumsum", input, mask, dtype)
    return _filled(x, m, 0).cumsum(dim)


def cumprod(input, dim, *, dtype=None, mask=None):
    """Running products along `dim` that skip the masked-out elements."""
    x, m = _prepared("cumprod", input, mask, dtype)
    return _filled(x, m, 1).cumprod(dim)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """input divided by the ord-norm of its kept elements along `dim` (at least eps); 0 at the masked-out ones."""
    x, m = _prepared("normalize", input, mask, dtype)
    size = norm(x, ord, dim, keepdim=True, mask=m)
    return _filled(x, m, 0) / size.clamp(min=eps)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """log(exp(input) + exp(other)) with each side's masked-out elements taken as absent (-inf)."""
    x, m = _prepared("logaddexp", input, input_mask, dtype)
    y, n = _prepared("logaddexp", other, other_mask, dtype)
    return _filled(x, m, -math.inf).logaddexp(_filled(y, n, -math.inf))


__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp", "mean",
           "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
