"""Ops on values and positions that carry no gradient: unique, nonzero, argwhere, bincount, count_nonzero,
isclose / allclose / equal, isin, and drawing category indices (multinomial)."""
import numpy as np

from .. import capture
from ..random_generator import check_generator
from ..dtypes import is_floating
from ..tensor import Tensor
from .dims import check_tensor, dim_or, every_dim_if_empty, normalize
from .no_derivative import underived
from .no_grad_op import no_grad_op
from .torch_topk_order import topk_indices
from .view_dtype import torch_name
from ..errors import ArgumentRangeError, DtypeError, ShapeError, SizeTypeError, UnsupportedDtypeError


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of `input` (flattened), ascending; with return_inverse each element's index into
    them and with return_counts how often each occurs, as torch.unique (`dim` picks distinct slices)."""
    check_tensor("unique", input)
    axis = None if dim is None else normalize("unique", dim, input.ndim)

    def compute(xp, a):
        if axis is None and a.dtype.kind in "fc" and xp is np:   # PyTorch keeps each nan: nan != nan
            values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, equal_nan=False)
        else:
            values, inverse, counts = xp.unique(a, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(a.shape if axis is None else (a.shape[axis],)).astype(np.int64)
        return values, inverse, counts.astype(np.int64)

    values, inverse, counts = no_grad_op("unique", compute, input)
    # PyTorch records the distinct values of an input that requires grad, with a backward that refuses
    values = underived(values, (input,), *(("_unique2", "Unique2Backward0") if axis is None else
                                           ("unique_dim", "UniqueDimBackward0")), missing=True)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out



def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """`input` (flattened, or its slices along `dim`) with each run of equal consecutive elements kept once, as
    torch.unique_consecutive; with return_inverse each element's index into the result and with return_counts
    each run's length (nan never equals nan, so each nan is its own run)."""
    check_tensor("unique_consecutive", input)
    axis = None if dim is None else normalize("unique_consecutive", dim, input.ndim)
    if axis is not None and any(n == 0 for i, n in enumerate(input.shape) if i != axis):
        raise ShapeError(f"unique_consecutive: input of shape {tuple(input.shape)} has an empty dim other than dim "
                         f"{dim}, so its slices along dim {dim} cannot be compared; pass dim=None or an empty dim")

    def compute(xp, a):
        if axis is None:
            flat = a.reshape(-1)
            changes = flat[1:] != flat[:-1]
        else:
            flat = xp.moveaxis(a, axis, 0)
            width = int(np.prod(flat.shape[1:]))
            changes = (flat[1:] != flat[:-1]).reshape(max(flat.shape[0] - 1, 0), width).any(axis=1)
        starts = xp.concatenate([xp.ones(min(flat.shape[0], 1), dtype=bool), changes])
        run = xp.cumsum(starts).astype(np.int64) - 1
        values = flat[starts] if axis is None else xp.moveaxis(flat[starts], 0, axis)
        first = xp.flatnonzero(starts)
        counts = xp.diff(xp.concatenate([first, xp.asarray([flat.shape[0]])])).astype(np.int64)
        return values, run.reshape(a.shape if axis is None else (a.shape[axis],)), counts

    values, inverse, counts = no_grad_op("unique_consecutive", compute, input)
    values = underived(values, (input,), "unique_consecutive", "UniqueConsecutiveBackward0", missing=True)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out

def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim (as_tuple)."""
    check_tensor("nonzero", input)
    if as_tuple:
        if input.ndim == 0:
            return (no_grad_op("nonzero", lambda xp, a: xp.nonzero(a.reshape(1))[0], input),)
        return tuple(no_grad_op("nonzero", lambda xp, a, d=d: xp.nonzero(a)[d], input) for d in range(input.ndim))
    return no_grad_op("nonzero", lambda xp, a: xp.argwhere(a).astype(np.int64), input)


def argwhere(input):
    """Indices of the non-zero elements as an (n, ndim) int64 tensor (nonzero(input))."""
    return nonzero(input)


def count_nonzero(input, dim=None, *, axis=None):
    """How many elements are non-zero, over `dim` (an int or tuple) or all of them."""
    check_tensor("count_nonzero", input)
    dim = every_dim_if_empty(dim_or("count_nonzero", dim, axis, None))
    if dim is None:
        axis = None
    else:   # a 0-d tensor takes dim 0 or -1 and keeps its one element
        dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        axis = tuple(normalize("count_nonzero", d, input.ndim) for d in dims) if input.ndim else None
    return no_grad_op("count_nonzero", lambda xp, a: xp.asarray(xp.count_nonzero(a, axis=axis), np.int64), input)


def bincount(input, weights=None, minlength=0):
    """How often each value 0..max occurs in the 1-D non-negative int tensor `input` (summed `weights` if given:
    float32 weights sum to float32, any other weights to float64, as in PyTorch; an empty input gives int64
    zeros of length minlength, weights or not, as PyTorch's does)."""
    check_tensor("bincount", input)
    if input.dtype.kind not in "iu":   # PyTorch has no bool kernel either
        raise UnsupportedDtypeError(f"bincount: input must be a 1-D integer tensor, got dtype {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with .long()")
    if input.ndim != 1:
        raise DtypeError(f"bincount: input must be a 1-D integer tensor, got shape {tuple(input.shape)} (dtype "
                         f"{input.dtype}); flatten it first (x.flatten())")
    if input.numel() and int(input.min()) < 0:
        raise ArgumentRangeError(f"bincount: input must be non-negative, got a minimum of {int(input.min())} (shape "
                                 f"{tuple(input.shape)}); shift the values, e.g. x - x.min()")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise ShapeError(f"bincount: weights of shape {tuple(weights.shape)} must match input's shape "
                         f"{tuple(input.shape)}; give one weight per input element")
    if not isinstance(minlength, (int, np.integer)) or isinstance(minlength, bool):
        raise SizeTypeError(f"bincount: minlength must be a non-negative int, got {type(minlength).__name__} "
                            f"{minlength!r}; pass int(minlength)")
    if minlength < 0:
        raise ArgumentRangeError(f"bincount: minlength must be a non-negative int, got {minlength!r} (input shape "
                                 f"{tuple(input.shape)}); pass 0 for no minimum")

    def compute(xp, a, w=None):
        counts = xp.bincount(a, weights=w, minlength=minlength)
        if w is None or a.size == 0:   # PyTorch counts an empty input in int64 whatever the weights
            return counts.astype(np.int64)
        return counts.astype(np.float32) if w.dtype == np.float32 else counts

    counts = no_grad_op("bincount", compute, input, *(() if weights is None else (weights,)))
    return underived(counts, (weights,), "bincount")   # weights that require grad: PyTorch's NotImplemented node


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Element-wise |input - other| <= atol + rtol * |other| as a bool tensor, for two tensors of one dtype (as
    PyTorch's)."""
    check_tensor("isclose", input)
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}; wrap "
                        f"it as input's dtype: torch.tensor(other, dtype={input.dtype})")
    if input.dtype != other.dtype:
        raise DtypeError(f"isclose: {torch_name(input.dtype)} did not match {torch_name(other.dtype)} (input "
                         f"{input.dtype}, other {other.dtype}): PyTorch compares tensors of one dtype; convert one, "
                         f"e.g. other.to(input.dtype)")
    return no_grad_op("isclose", lambda xp, a, b: xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan),
                      input, other)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of `elements` occurs in `test_elements` (False with invert=True); either may be
    a number, as in PyTorch."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin: at least one of elements and test_elements must be a Tensor")
    device = (elements if isinstance(elements, Tensor) else test_elements).device
    values = elements if isinstance(elements, Tensor) else Tensor(np.asarray(elements), device=device)
    tests = test_elements if isinstance(test_elements, Tensor) else Tensor(np.asarray(test_elements), device=device)
    return no_grad_op("isin", lambda xp, a, b: xp.isin(a, b, assume_unique=assume_unique, invert=invert),
                      values, tests)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element of input is close to other's (isclose everywhere), as a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    """True when both tensors have the same shape and equal elements (NaN never equals), as a Python bool."""
    check_tensor("equal", input)
    if not isinstance(other, Tensor):
        raise TypeError(f"equal: other must be a Tensor, got {type(other).__name__}; wrap it with tensor(...)")
    if input.shape != other.shape:
        return False
    return bool((input == other).all())


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Draw `num_samples` category indices per row of non-negative weights `input` (1-D or 2-D, need not
    sum to 1), with or without replacement, as torch.multinomial; an int64 tensor."""
    check_tensor("multinomial", input)
    if input.ndim not in (1, 2) or not is_floating(input.dtype) or input.dtype.kind == "c":
        raise DtypeError(f"multinomial: input must be a 1-D or 2-D float tensor of weights, got shape "
                         f"{input.shape} dtype {input.dtype}; pass probabilities as floats, one row per draw")
    n_cat = input.shape[-1]
    if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool):
        raise SizeTypeError(f"multinomial: num_samples must be a positive int, got {type(num_samples).__name__} "
                            f"{num_samples!r}; pass int(num_samples)")
    if num_samples <= 0:
        raise ArgumentRangeError(f"multinomial: num_samples must be a positive int, got {num_samples!r} (input shape "
                                 f"{tuple(input.shape)}); pass how many indices to draw, 1 or more")
    if capture.state.recorder is not None:
        raise capture.CaptureError("jit: multinomial inside a compiled step draws on the host from the weights' "
                                   "values, which a replay cannot repeat; draw outside the step and pass the "
                                   "indices in")
    probs = input.detach().double().numpy().reshape(-1, n_cat)
    if not np.isfinite(probs).all() or (probs < 0).any():
        raise ArgumentRangeError("multinomial: the weights contain inf, nan or a negative value; pass probabilities "
                                 "(e.g. softmax(logits)), not logits")
    if (probs.sum(axis=1) <= 0).any():
        raise ArgumentRangeError("multinomial: a row of weights sums to 0; at least one category needs a positive "
                                 "weight")
    if not replacement and num_samples > n_cat:   # zero-weight categories come last, as in PyTorch
        raise ArgumentRangeError(f"multinomial: cannot draw {num_samples} samples without replacement from {n_cat} "
                                 "categories; pass replacement=True or draw fewer")
    rng = check_generator("multinomial", generator)
    race = not replacement or num_samples == 1
    shape = (probs.shape[0], n_cat if race else num_samples)
    draws = (rng.random(shape, np.float64) if rng is not None
             else Tensor(input.device.rand(shape, np.float64), device=input.device).numpy())
    if race:   # PyTorch's: the largest weight / Exp(1) draw (in the weights' dtype) wins, then the next largest
        dtype = input.dtype
        with np.errstate(divide="ignore"):
            ratio = probs.astype(dtype) / (-np.log1p(-draws)).astype(dtype)
        order = np.argsort(-ratio, axis=1, kind="stable")
        # several draws are PyTorch's topk of the ratios, whose order among ties (common in 16-bit) is its own
        out = order[:, :1] if num_samples == 1 else topk_indices(np, ratio, num_samples, True, True, order)
    else:      # the first category whose cumulative weight reaches a uniform draw
        cdf = np.cumsum(probs, axis=1)
        cdf /= cdf[:, -1:]
        cdf[:, -1] = 1.0
        out = np.stack([np.searchsorted(c, u, side="left") for c, u in zip(cdf, draws)])
    out = out.astype(np.int64).reshape(input.shape[:-1] + (num_samples,))
    return Tensor(out, device=input.device)
