"""Channel-wise dropout: zero whole channels (every spatial position of a channel at once); with `inplace` the
result is written into the input, which is returned."""
import warnings

import autograd as ag
from autograd.errors import DtypeError
from autograd.ops.dims import check_tensor

from .activation import _maybe_inplace


def _feature_dropout(input, p, training, op, inplace=False):
    """input with each (sample, channel) slice zeroed with probability p and the rest scaled by 1 / (1 - p)
    (written into input with `inplace`)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: p must be a probability in [0, 1], got {p}")
    check_tensor(op, input)
    if not training or p == 0.0:
        return input
    if input.dtype.kind not in "fV":   # 'V': bfloat16
        raise DtypeError(f"{op}: input must be a float tensor, got {input.dtype} (shape {input.shape}); convert it "
                         "with .float()")
    return _maybe_inplace(op, lambda x: _dropped(x, p), input, inplace)


def _dropped(x, p):
    shape = x.shape[:2] + (1,) * (x.ndim - 2)
    if p == 1.0:
        return x * ag.zeros(*shape, dtype=x.dtype, device=x.device)
    keep = ag.bernoulli(ag.empty(*shape, dtype=x.dtype, device=x.device), 1.0 - p)
    return x * (keep * (1.0 / (1.0 - p)))


def _unbatched(input, batched, p, training, op, inplace):
    """Channel dropout of an input without a batch dimension (batched False) as a batch of one."""
    if not batched and training and p != 0.0:
        if inplace:   # the batched view shares the input's memory, so writing into it writes into the input
            _feature_dropout(input.unsqueeze(0), p, training, op, inplace=True)
            return input
        return _feature_dropout(input.reshape((1,) + input.shape), p, training, op).reshape(input.shape)
    return _feature_dropout(input, p, training, op, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of input (N, C, L) or (C, L) with probability p in training, scaling the kept
    ones by 1 / (1 - p) (into input with `inplace`)."""
    if getattr(input, "ndim", None) not in (2, 3):
        raise ValueError(f"dropout1d: expects a 2-D (C, L) or 3-D (N, C, L) input, got shape "
                         f"{getattr(input, 'shape', input)}")
    return _unbatched(input, input.ndim == 3, p, training, "dropout1d", inplace)


def _deprecated_rank(op, ndim, expected):
    """PyTorch's warning for channel dropout on an input of another rank, which it still runs."""
    warnings.warn(f"{op}: received a {ndim}-D input, which PyTorch deprecates (channel-wise dropout expects "
                  f"{expected}); the leading dims are read as (N, C, ...) as PyTorch does: use dropout for "
                  "elementwise dropout", UserWarning, stacklevel=3)


def _check_rank(op, input):
    ndim = getattr(input, "ndim", None)
    if ndim is None:
        check_tensor(op, input)
    if ndim < 2:
        raise RuntimeError(f"{op}: feature dropout needs at least 2 dims (N, C, ...), got shape {tuple(input.shape)}; "
                           "use dropout for a 1-D or 0-d tensor")
    return ndim


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of input (N, C, H, W) with probability p in training, scaling the kept ones
    by 1 / (1 - p). As in PyTorch, a 3-D input is read as (N, C, L), and other ranks (2-D and up) as
    (N, C, ...) with a deprecation warning."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: p must be a probability in [0, 1], got {p}")
    ndim = getattr(input, "ndim", None)
    if ndim not in (3, 4, None):
        _deprecated_rank("dropout2d", ndim, "3-D or 4-D inputs")
    if ndim == 3:
        warnings.warn("dropout2d: a 3-D input is read as (N, C, L) and channel-wise 1-D dropout is applied, as "
                      "PyTorch does; use dropout1d for that, or pass (N, C, H, W)", UserWarning, stacklevel=2)
    _check_rank("dropout2d", input)
    return _feature_dropout(input, p, training, "dropout2d", inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of input (N, C, D, H, W) or (C, D, H, W) with probability p in training,
    scaling the kept ones by 1 / (1 - p). Other ranks run as PyTorch runs them, with its deprecation
    warning: as one sample whose first dim is the channel."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout3d: p must be a probability in [0, 1], got {p}")
    ndim = getattr(input, "ndim", None)
    if ndim is None:
        check_tensor("dropout3d", input)
    if ndim not in (4, 5):
        _deprecated_rank("dropout3d", ndim, "4-D or 5-D inputs")
    return _unbatched(input, ndim == 5, p, training, "dropout3d", inplace)
