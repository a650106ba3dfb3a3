"""Covariance and correlation matrices of variables observed together (torch.cov, torch.corrcoef), composites of
existing ops: rows are variables and columns observations, weighted by frequency and importance weights."""
import warnings

import numpy as np

from .. import complex_forms
from ..dtypes import get_default_dtype
from .dims import check_tensor
from .elementwise import clip, div, mul, sqrt, sub
from .linalg import matmul
from .reduction import sum as _sum
from .shape import reshape, squeeze, transpose


def _check_weights(name, w, n, integral):
    check_tensor("cov", w, name)
    if w.ndim > 1:
        raise ValueError(f"cov: expected {name} to have one or fewer dimensions but got {name} with {w.ndim} "
                         f"dimensions (shape {tuple(w.shape)})")
    if integral and w.dtype.kind not in "iu":
        raise TypeError(f"cov: expected {name} to have an integral dtype but got {w.dtype}; convert it with .long()")
    if not integral and w.dtype.kind != "f":
        raise TypeError(f"cov: expected {name} to have a floating-point dtype but got {w.dtype}; convert it with "
                        ".float()")
    if w.numel() != n:
        raise ValueError(f"cov: expected {name} to have one element per observation ({n}), got {w.numel()}")
    if n and float(w.min()) < 0:
        raise ValueError(f"cov: {name} cannot be negative")
    return reshape(w, (n,))


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of `input` (a 1-D input is one variable: the result is
    0-d), observations in the columns, as torch.cov: `correction` is subtracted from the (weighted) number of
    observations (1: Bessel's unbiased estimate); `fweights` are integer repeat counts and `aweights` importance
    weights, one per observation."""
    check_tensor("cov", input)
    if input.ndim > 2:
        raise ValueError(f"cov: expected input to have two or fewer dimensions but got an input with {input.ndim} "
                         f"dimensions (shape {tuple(input.shape)}); rows are variables, columns observations")
    if input.dtype == np.bool_:
        raise TypeError("cov: bool input is not supported; convert it with .float()")
    x = input if input.ndim == 2 else reshape(input, (1, -1))
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = _check_weights("fweights", fweights, n, True)
    if aweights is not None:
        aw = _check_weights("aweights", aweights, n, False)
        w = aw if w is None else mul(w, aw)
    if w is None:
        w_sum = n
        avg = div(_sum(x, 1), n)
        norm_factor = float(n - correction)
    else:
        w_sum = _sum(w)
        if float(w_sum) == 0:
            raise ValueError("cov: the weights sum to zero, so they cannot be normalized")
        avg = div(_sum(mul(x, w), 1), w_sum)
        if correction == 0:
            norm_factor = w_sum
        elif aweights is None:
            norm_factor = sub(w_sum, correction)
        elif fweights is None and n == 1 and correction == 1:
            norm_factor = 0.0     # PyTorch's exact answer for the corner case that rounding would blur
        else:
            norm_factor = sub(w_sum, div(mul(_sum(mul(w, aw)), correction), w_sum))
    if float(norm_factor) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm_factor = mul(norm_factor, 0) if not isinstance(norm_factor, float) else 0.0
    if n == 1 and (fweights is None) != (aweights is None):
        centred = mul(x, 0)    # one observation under one kind of weight: exactly its own average
        if centred.dtype.kind != "f":
            centred = centred.astype(get_default_dtype())
    else:
        centred = sub(x, reshape(avg, (-1, 1)))
    right = transpose(mul(centred, w) if w is not None else centred, 0, 1)
    if complex_forms.active and right.dtype.kind == "c":   # complex variables: E[(x - mean) conj(y - mean)]
        from .complex_ops import conj
        right = conj(right)
    c = matmul(centred, right)
    return squeeze(div(c, norm_factor))


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of `input` (cov normalised by the
    standard deviations, clipped to [-1, 1]); a 1-D input gives 1 (nan for a constant one)."""
    check_tensor("corrcoef", input)
    if input.ndim > 2:
        raise ValueError(f"corrcoef: expected input to have two or fewer dimensions but got an input with "
                         f"{input.ndim} dimensions (shape {tuple(input.shape)})")
    c = cov(input)
    if c.ndim == 0:
        return div(c, c)    # nan for a variance of 0, nan or inf, as PyTorch
    if complex_forms.active and c.dtype.kind == "c":   # real variances: divide by their roots, clip each part
        from .complex_ops import complex as make_complex, imag, real
        std = sqrt(real(c.diagonal()))
        c = div(div(c, reshape(std, (-1, 1))), reshape(std, (1, -1)))
        return make_complex(clip(real(c), -1, 1), clip(imag(c), -1, 1))
    std = sqrt(c.diagonal())
    c = div(c, reshape(std, (-1, 1)))
    c = div(c, reshape(std, (1, -1)))
    return clip(c, -1, 1)
