"""keras.ops.segment_max / segment_min / segment_prod, cdist, view_as_complex and view_as_real, as Keras's
torch backend computes them: a segment reduction starts from -inf / +inf / 1 (so an empty segment keeps that
value), drops ids outside [0, num_segments), and gives PyTorch's scatter_reduce gradients (ties share)."""
import numpy as np

import autograd as ag

from .ops_args import _t


def segment_ids_of(call, data, segment_ids):
    """The segment ids as an int64 host vector, one per row of `data`; Keras's ValueError naming `call` otherwise."""
    ids = np.asarray(_t(segment_ids).numpy(), dtype=np.int64)
    if ids.ndim != 1:
        raise ValueError(f"keras.ops.{call}: Argument `segment_ids` should be an 1-D vector, got shape: {ids.ndim} "
                         f"({ids.shape}); flatten segment_ids and the matching axes of data first")
    if not data.shape or ids.shape[0] != data.shape[0]:
        raise ValueError(f"keras.ops.{call}: Argument `segment_ids` and `data` should have same leading dimension. "
                         f"Got {ids.shape} v.s. {tuple(data.shape)}; give one segment id per row of data")
    return ids


def _segment_reduce(data, segment_ids, num_segments, reduce, start, call):
    data = _t(data)
    ids = segment_ids_of(call, data, segment_ids)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    ids = np.where((ids >= 0) & (ids < num_segments), ids, num_segments)   # the extra row takes the rest
    index = np.broadcast_to(ids.reshape((-1,) + (1,) * (data.ndim - 1)), data.shape)
    source = data if data.dtype.kind == "f" else data.float()
    out = ag.full((num_segments + 1,) + tuple(data.shape[1:]), start, dtype=source.dtype)
    out = ag.scatter_reduce(out, 0, ag.tensor(np.ascontiguousarray(index)), source, reduce)[:-1]
    return out if out.dtype == data.dtype else out.to(data.dtype)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """The maxima of the rows of `data` that share a segment id (-inf for an empty segment)."""
    return _segment_reduce(data, segment_ids, num_segments, "amax", float("-inf"), "segment_max")


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """The minima of the rows of `data` that share a segment id (+inf for an empty segment)."""
    return _segment_reduce(data, segment_ids, num_segments, "amin", float("inf"), "segment_min")


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """The products of the rows of `data` that share a segment id (1 for an empty segment)."""
    return _segment_reduce(data, segment_ids, num_segments, "prod", 1.0, "segment_prod")


def cdist(x, y):
    """The Euclidean distances between the rows of x (..., m, d) and y (..., n, d): (..., m, n), the batch
    axes broadcast."""
    x, y = _t(x), _t(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match")
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)
    return ag.sqrt((diff * diff).sum(dim=-1))


def view_as_complex(x):
    """A real tensor (..., 2) as the complex64 tensor (...) of its (real, imaginary) pairs."""
    x = _t(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(f"Last dimension of input must be size 2 (real and imaginary). Received shape: {x.shape}")
    return ag.complex(x[..., 0].to(ag.float32), x[..., 1].to(ag.float32))


def view_as_real(x):
    """A complex tensor (...) as the real tensor (..., 2) of its real and imaginary parts."""
    x = _t(x)
    return ag.stack([ag.real(x), ag.imag(x)], dim=-1)
