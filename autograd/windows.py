"""PyTorch's window factories: hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window.

Each takes `window_length` and `periodic` (True by default: the window of length + 1 points with its last
point dropped, as stft wants; False gives the symmetric window), then the keywords dtype (a float dtype;
the default dtype when None), layout (strided only), device, pin_memory (True raises without a CUDA device, as
in PyTorch) and requires_grad. Lengths 0 and 1 give [] and [1.]. The values are computed on the host in the requested
precision, step by step as PyTorch computes them, then placed on the device. (torch.signal.windows' family,
with `sym=`, is autograd/signal/windows.py.)
"""
import math
import numbers

import numpy as np

from .accelerator import check_pinnable
from .bf16_dtype import is_bf16
from .creation import tensor
from .dtypes import get_default_dtype


def _check(name, window_length, dtype, layout):
    """window_length as an int and dtype as a float NumPy dtype, or PyTorch's error for each."""
    if not isinstance(window_length, numbers.Integral) or isinstance(window_length, bool):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if layout is not None and str(layout).rpartition(".")[2] != "strided":
        raise RuntimeError(f"{name} is not implemented for layout {layout}; windows are dense (strided) tensors")
    dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
    if dtype.kind == "c":
        raise NotImplementedError(f"{name}: complex dtypes are not supported (got {dtype}); make a float window "
                                  f"and convert it")
    if dtype.kind != "f" and not is_bf16(dtype):
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    return int(window_length), dtype


def _make(name, window_length, periodic, dtype, layout, device, pin_memory, requires_grad, values):
    """The window tensor: `values(n, dtype)` gives the n-point symmetric window as a NumPy array (n >= 2)."""
    if pin_memory:
        check_pinnable(name)
    length, dtype = _check(name, window_length, dtype, layout)
    if length <= 1:
        data = np.ones(length, dtype)
    else:
        n = length + 1 if periodic else length
        with np.errstate(all="ignore"):
            data = values(n, dtype)[:length].astype(dtype)
    return tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def _cosine_sum(n, dtype, alpha, beta):
    """alpha - beta cos(2 pi k / (n - 1)), k = 0 .. n-1, in dtype's precision."""
    step = dtype.type(2.0 * math.pi / (n - 1))
    return np.cos(np.arange(n, dtype=dtype) * step) * dtype.type(-beta) + dtype.type(alpha)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """The Hann window: 0.5 - 0.5 cos(2 pi k / (N - 1)), N = window_length (+ 1 when periodic)."""
    return _make("hann_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                 lambda n, dt: _cosine_sum(n, dt, 0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """The Hamming window: alpha - beta cos(2 pi k / (N - 1)), N = window_length (+ 1 when periodic)."""
    return _make("hamming_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                 lambda n, dt: _cosine_sum(n, dt, alpha, beta))


def _blackman(n, dtype):
    phase = np.arange(n, dtype=dtype) * dtype.type(math.pi / (n - 1))
    return (np.cos(phase * dtype.type(4)) * dtype.type(0.08) - np.cos(phase * dtype.type(2)) * dtype.type(0.5)
            + dtype.type(0.42))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The Blackman window: 0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))."""
    return _make("blackman_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                 _blackman)


def _bartlett(n, dtype):
    ramp = np.arange(n, dtype=dtype) * dtype.type(2.0 / (n - 1))
    half = (n - 1) // 2 + 1
    ramp[half:] = dtype.type(2) - ramp[half:]
    return ramp


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The Bartlett (triangular) window: 2k / (N - 1) up to the middle, 2 - 2k / (N - 1) after it."""
    return _make("bartlett_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                 _bartlett)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """The Kaiser window: I0(beta sqrt(1 - ((k - a) / a)^2)) / I0(beta), a = (N - 1) / 2, I0 the modified Bessel
    function of order 0."""
    def values(n, dt):
        middle = (n - 1) / 2.0
        ratio = (np.arange(n, dtype=np.float64) - middle) / middle
        return np.i0(beta * np.sqrt(np.maximum(1.0 - ratio * ratio, 0.0))) / np.i0(beta)
    return _make("kaiser_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad, values)


__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]
