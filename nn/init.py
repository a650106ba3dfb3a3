"""Parameter initialisers, in place, with PyTorch's formulas (Xavier/Glorot, Kaiming/He, uniform, normal)."""
import math

import numpy as np

import autograd as ag
from autograd import arrays

_GAINS = {"linear": 1.0, "identity": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "conv_transpose1d": 1.0,
          "conv_transpose2d": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (leaky_relu takes its negative slope as `param`)."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; known: "
                         f"{', '.join(sorted(_GAINS) + ['leaky_relu'])}")
    return _GAINS[nonlinearity]


def _fans(t):
    if t.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {t.shape}")
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fill(t, values):
    with ag.no_grad():
        arrays.assign_(t, t.device.asarray(values).astype(t.dtype, copy=False))
    return t


def uniform_(t, a=0.0, b=1.0):
    """Fill with samples from U(a, b)."""
    return _fill(t, a + (b - a) * t.device.rand(t.shape, np.float64))


def normal_(t, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std**2)."""
    return _fill(t, mean + std * t.device.randn(t.shape, np.float64))


def constant_(t, val=None, value=None):
    """Fill with `val` (PyTorch's name; `value` is accepted too)."""
    if (val is None) == (value is None):
        raise TypeError("constant_: give the fill value once, as constant_(tensor, val)")
    return _fill(t, t.device.xp.full(t.shape, val if value is None else value))


def zeros_(t):
    """Fill with 0."""
    return constant_(t, 0.0)


def ones_(t):
    """Fill with 1."""
    return constant_(t, 1.0)


def xavier_uniform_(t, gain=1.0):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound)


def xavier_normal_(t, gain=1.0):
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(t, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(t)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan)."""
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound)


def kaiming_normal_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He normal: N(0, std**2) with std = gain / sqrt(fan)."""
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity))
