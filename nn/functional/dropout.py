"""Dropout as users call it: zero each element with probability p during training, scaling the rest by
1 / (1 - p); the op lives in autograd/ops/dropout.py. Alpha dropout, for self-normalising (SELU) networks, is
a composite."""
import math

import autograd as ag
from autograd.errors import DtypeError
from autograd.ops.dropout import Dropout
from autograd.ops.dims import check_tensor
from autograd.nested_dispatch import nested_dispatch

from .activation import _SELU_ALPHA, _SELU_SCALE, _maybe_inplace


@nested_dispatch
def dropout(input, p=0.5, training=True, inplace=False):
    """During training, zero each element independently with probability p (from the device's random
    generator) and scale the others by 1 / (1 - p), so the expected value is unchanged (written into
    `input` with `inplace`); otherwise, and for p = 0, return the input itself."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    check_tensor("dropout", input)
    if not training or p == 0.0:
        return input
    if input.dtype.kind not in "fV":   # 'V': bfloat16
        raise DtypeError(f"dropout: input must be a float tensor, got {input.dtype} (shape {input.shape}); convert "
                         "it with .float()")
    return _maybe_inplace("dropout", lambda t: Dropout.apply(t, float(p)), input, inplace)


#: SELU's negative saturation value, scale * alpha: alpha dropout sets dropped elements to minus this
_SELU_SATURATION = _SELU_SCALE * _SELU_ALPHA


def _alpha_dropout(x, p):
    if p == 1.0:
        return x * 0.0
    # the affine map a * x + b that brings mean 0 and variance 1 back after dropping to -saturation
    a = 1.0 / math.sqrt((_SELU_SATURATION ** 2 * p + 1.0) * (1.0 - p))
    keep = ag.bernoulli(ag.empty(*x.shape, dtype=x.dtype, device=x.device), 1.0 - p)
    # kept: a * x + a * saturation * p; dropped: a * saturation * (p - 1). A product, not a select, so that a
    # dropped NaN stays NaN, as in PyTorch
    return x * (keep * a) + (keep * (_SELU_SATURATION * a) + _SELU_SATURATION * a * (p - 1.0))


@nested_dispatch
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """During training, set each element with probability p to SELU's negative saturation value and apply
    the affine map that keeps a zero-mean, unit-variance input so (written into `input` with `inplace`);
    otherwise, and for p = 0 or an empty input, return the input itself."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"alpha_dropout: p must be a probability in [0, 1], got {p}")
    check_tensor("alpha_dropout", input)
    if not training or p == 0.0 or input.size == 0:
        return input
    if input.dtype.kind not in "fV":   # 'V': bfloat16
        raise DtypeError(f"alpha_dropout: input must be a float tensor, got {input.dtype} (shape {input.shape}); "
                        "convert it with .float()")
    return _maybe_inplace("alpha_dropout", lambda t: _alpha_dropout(t, float(p)), input, inplace)


def _feature_alpha_dropout(x, p):
    if p == 1.0:
        return x * 0.0
    a = 1.0 / math.sqrt((_SELU_SATURATION ** 2 * p + 1.0) * (1.0 - p))
    # one draw per (sample, channel), broadcast over the positions: whole channels are dropped
    noise_shape = x.shape[:2] + (1,) * (x.ndim - 2)
    keep = ag.bernoulli(ag.empty(*noise_shape, dtype=x.dtype, device=x.device), 1.0 - p)
    return x * (keep * a) + (keep * (_SELU_SATURATION * a) + _SELU_SATURATION * a * (p - 1.0))


@nested_dispatch
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: during training, set each channel (dim 1) of each sample with
    probability p to SELU's negative saturation value and apply alpha dropout's affine map, keeping a
    zero-mean, unit-variance input so (into `input` with `inplace`); otherwise, and for p = 0 or an empty input,
    the input itself. The input needs a batch and a channel dim: (N, C, *)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"feature_alpha_dropout: p must be a probability in [0, 1], got {p}")
    check_tensor("feature_alpha_dropout", input)
    if not training or p == 0.0 or input.size == 0:
        return input
    if input.ndim < 2:
        raise ValueError(f"feature_alpha_dropout: needs an input with at least 2 dims (N, C, *), got shape "
                         f"{tuple(input.shape)}")
    if input.dtype.kind not in "fV":   # 'V': bfloat16
        raise DtypeError(f"feature_alpha_dropout: input must be a float tensor, got {input.dtype} (shape "
                        f"{input.shape}); convert it with .float()")
    return _maybe_inplace("feature_alpha_dropout", lambda t: _feature_alpha_dropout(t, float(p)), input, inplace)
