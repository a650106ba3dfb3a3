"""torch.signal.windows: bartlett, blackman, cosine, exponential, gaussian, general_cosine, general_hamming,
hamming, hann, kaiser and nuttall, with PyTorch's keyword-only arguments and checks.

Every function takes the length M, then keywords: sym (True: the symmetric window, for filter design;
False: the periodic one, the first M points of the symmetric window of M + 1 points, for spectral
analysis), dtype (float32 or float64; the default dtype when None), layout (strided only), device and
requires_grad. Each window is built as PyTorch builds it, from a linspace of sample positions through
differentiable ops, so with requires_grad=True the result is the output of that small graph (not a leaf),
as in PyTorch; lengths 0 (and, where PyTorch has the shortcut, 1) give a leaf.
"""
import math
import numbers
from collections.abc import Iterable

import numpy as np

from ..creation import arange, empty, linspace, ones, tensor
from ..dtypes import get_default_dtype
from ..ops.bessel import i0
from ..ops.elementwise import abs, cos, exp, sin, sqrt
from ..ops.reduction import sum

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checked(name, M, dtype, layout):
    """The dtype to build in, after PyTorch's checks of M, layout and dtype (ValueError for each)."""
    if not isinstance(M, numbers.Integral) or isinstance(M, bool):
        raise TypeError(f"{name}: the window length M must be an int, got {type(M).__name__}")
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and str(layout).rpartition(".")[2] != "strided":
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _positions(start, step, M, dtype, device, requires_grad):
    """The M sample positions start, start + step, ..., start + (M - 1) step (a linspace, as PyTorch's)."""
    return linspace(start, start + (M - 1) * step, M, dtype=dtype, device=device, requires_grad=requires_grad)


def _span(M, sym):
    """The denominator of the sample spacing: M - 1 for a symmetric window, M for a periodic one."""
    return M if not sym and M > 1 else M - 1


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The exponential (Poisson) window exp(-|n - center| / tau); center defaults to the window's middle and may
    be set only for a periodic window (sym=False)."""
    dtype = _checked("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return empty(0, dtype=dtype, device=device, requires_grad=requires_grad)
    if center is None:
        center = _span(M, sym) / 2.0
    k = _positions(-center / tau, 1 / tau, M, dtype, device, requires_grad)
    return exp(-abs(k))


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The cosine (sine) window sin(pi (n + 1/2) / M), as SciPy's: it starts and ends above zero."""
    dtype = _checked("cosine", M, dtype, layout)
    if M == 0:
        return empty(0, dtype=dtype, device=device, requires_grad=requires_grad)
    step = math.pi / (M + 1 if not sym and M > 1 else M)
    return sin(_positions(0.5 * step, step, M, dtype, device, requires_grad))


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Gaussian window exp(-(n - middle)^2 / (2 std^2))."""
    dtype = _checked("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return empty(0, dtype=dtype, device=device, requires_grad=requires_grad)
    scale = 1 / (std * math.sqrt(2))
    k = _positions(-_span(M, sym) / 2.0 * scale, scale, M, dtype, device, requires_grad)
    return exp(-k ** 2)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Kaiser window I0(beta sqrt(1 - (2n / N - 1)^2)) / I0(beta), N = M - 1 (M when periodic)."""
    dtype = _checked("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M <= 1:
        return (empty if M == 0 else ones)(M, dtype=dtype, device=device, requires_grad=requires_grad)
    b = tensor(beta, dtype=dtype, device=device)
    step = 2.0 * float(b) / (M - 1 if sym else M)
    last = min(float(b), -float(b) + (M - 1) * step)   # never past beta, so the square root stays real
    k = linspace(-float(b), last, M, dtype=dtype, device=device, requires_grad=requires_grad)
    return i0(sqrt(b * b - k ** 2)) / i0(b)


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The generalised cosine window sum_i (-1)^i a[i] cos(2 pi i n / N), N = M - 1 (M when periodic)."""
    dtype = _checked("general_cosine", M, dtype, layout)
    if M <= 1:
        return (empty if M == 0 else ones)(M, dtype=dtype, device=device, requires_grad=requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    a = list(a)
    if not a:
        raise ValueError("Coefficients cannot be empty")
    k = _positions(0, 2 * math.pi / (M if not sym else M - 1), M, dtype, device, requires_grad)
    signed = tensor([(-1) ** i * float(w) for i, w in enumerate(a)], dtype=dtype, device=device,
                    requires_grad=requires_grad)
    order = arange(len(a), dtype=dtype, device=device, requires_grad=requires_grad)
    return sum(signed[:, None] * cos(order[:, None] * k), 0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The generalised Hamming window alpha - (1 - alpha) cos(2 pi n / N)."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hamming window 0.54 - 0.46 cos(2 pi n / N)."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hann window 0.5 - 0.5 cos(2 pi n / N) = sin^2(pi n / N)."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Blackman window 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)."""
    _checked("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Bartlett (triangular) window 1 - |2n / N - 1|, N = M - 1 (M when periodic)."""
    dtype = _checked("bartlett", M, dtype, layout)
    if M <= 1:
        return (empty if M == 0 else ones)(M, dtype=dtype, device=device, requires_grad=requires_grad)
    k = _positions(-1, 2 / (M if not sym else M - 1), M, dtype, device, requires_grad)
    return 1 - abs(k)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Nuttall window: a four-term cosine window (0.3635819, 0.4891775, 0.1365995, 0.0106411)."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)
