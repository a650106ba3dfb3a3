"""Dropout as users call it: zero each element with probability p during training, scaling the rest by
1 / (1 - p); the op lives in autograd/ops/dropout.py."""
from autograd.ops.dropout import Dropout
from autograd.ops.dims import check_tensor

from .activation import _maybe_inplace


def dropout(input, p=0.5, training=True, inplace=False):
    """During training, zero each element independently with probability p (from the device's random
    generator) and scale the others by 1 / (1 - p), so the expected value is unchanged (written into
    `input` with `inplace`); otherwise, and for p = 0, return the input itself."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    check_tensor("dropout", input)
    if not training or p == 0.0:
        return input
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: input must be a float tensor, got {input.dtype} (shape {input.shape})")
    return _maybe_inplace("dropout", lambda t: Dropout.apply(t, float(p)), input, inplace)
