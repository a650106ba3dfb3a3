"""More keras.ops, with Keras's names, arguments and result dtypes: sorting and top-k, triangles and diagonals,
creation (`eye`, `identity`, `full`), rounding and integer division, NaN/inf handling, stacking and splitting,
`roll`, constant `pad`, `average`, `cumprod` and `segment_sum`. Re-exported by keras.ops; differentiable where
Keras's are (the index results and counts are not)."""
import builtins

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentRangeError, ShapeError

from .ops_args import _axis, _float, _pair, _t
from . import ops_dtype_rules as rules
from . import settings
from .ops_segments import segment_ids_of


def _shape(shape):
    """A shape as a tuple of ints: an int, a sequence of ints, or a 0-/1-D integer tensor or array (as Keras's
    NumPy backend takes it)."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, (Tensor, np.ndarray)):
        values = shape.numpy() if isinstance(shape, Tensor) else shape
        if values.dtype.kind not in "iu" or values.ndim > 1:
            raise TypeError(f"keras.ops.full: a tensor shape must be a 0-D or 1-D integer tensor, got dtype "
                            f"{values.dtype} and shape {tuple(values.shape)}; pass a tuple of ints")
        return tuple(int(v) for v in values.reshape(-1))
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__") or not all(
            isinstance(d, (int, np.integer)) for d in shape):
        raise TypeError(f"keras.ops.full: shape must be an int, a sequence of ints or a 1-D integer tensor, got "
                        f"{shape!r}; pass e.g. shape=(2, 3)")
    return tuple(int(d) for d in shape)


def _float_dtype(dtype):
    return rules.numpy_dtype(dtype or settings.floatx())


# ----- sorting ---------------------------------------------------------------------------------------------
def sort(x, axis=-1):
    """The values sorted ascending along `axis`."""
    return ag.sort(_t(x), dim=axis)[0]


def argsort(x, axis=-1):
    """The indices that sort `x` ascending along `axis` (int32, as Keras; flattened for None)."""
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return ag.argsort(x, dim=axis, stable=True).astype(np.int32)


def top_k(x, k, sorted=True):
    """(values, indices) of the k largest entries along the last axis (indices int32)."""
    values, indices = ag.topk(_t(x), k, dim=-1, largest=True, sorted=sorted)
    return values, indices.astype(np.int32)


# ----- triangles and diagonals --------------------------------------------------------------------------------
def tril(x, k=0):
    """`x` with the entries above the k-th diagonal zeroed."""
    return ag.tril(_t(x), diagonal=k)


def triu(x, k=0):
    """`x` with the entries below the k-th diagonal zeroed."""
    return ag.triu(_t(x), diagonal=k)


def diag(x, k=0):
    """A 1-D input as the k-th diagonal of a square matrix, or a 2-D input's k-th diagonal."""
    return ag.diag(_t(x), diagonal=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset`-th diagonal of the (axis1, axis2) planes, as a last axis."""
    return ag.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of the `offset`-th diagonal of the (axis1, axis2) planes, in x's dtype (int32 for bools and narrow
    integers, as Keras)."""
    x = _t(x)
    return rules.cast(diagonal(x, offset, axis1, axis2).sum(dim=-1), rules.reduced_int(x.dtype))


def outer(x1, x2):
    """The outer product of the flattened x1 and x2."""
    return ag.outer(_t(x1).reshape(-1), _t(x2).reshape(-1))


# ----- creation -------------------------------------------------------------------------------------------------
def eye(N, M=None, k=0, dtype=None):
    """An N x M matrix (M = N by default) with ones on the k-th diagonal (float32 by default)."""
    M = N if M is None else M
    if N < 0 or M < 0:   # Keras's torch backend: RuntimeError from torch.eye
        raise ArgumentRangeError(f"keras.ops.eye: n must be greater or equal to 0, got N={N}, M={M}; pass sizes of 0 "
                                 "or more")
    return ag.tensor(np.eye(N, M, k, dtype=_float_dtype(dtype)))


def identity(n, dtype=None):
    """The n x n identity matrix (float32 by default)."""
    return eye(n, dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of `fill_value` (float32 unless `dtype`, as Keras); `shape` may be a 1-D integer tensor, and a
    non-scalar `fill_value` is broadcast to `shape` (a row repeated, say)."""
    return _filled(_shape(shape), fill_value, _float_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    """`fill_value` shaped like `x` (its dtype unless `dtype`; a non-scalar `fill_value` is broadcast)."""
    x = _t(x)
    return _filled(tuple(x.shape), fill_value, rules.numpy_dtype(dtype) if dtype else x.dtype)


def _filled(shape, fill_value, dtype):
    if isinstance(fill_value, (bool, int, float, np.number)):
        return ag.full(shape, fill_value, dtype=dtype)
    fill = _t(fill_value)
    if fill.ndim == 0:
        return ag.full(shape, fill.item(), dtype=dtype)
    try:
        return ag.clone(ag.broadcast_to(fill.astype(dtype), shape))
    except ValueError:
        raise ValueError(f"keras.ops.full: fill_value of shape {tuple(fill.shape)} does not broadcast to shape "
                         f"{shape}; pass a scalar or a value whose shape broadcasts to it") from None


# ----- rounding and integer arithmetic ---------------------------------------------------------------------------
def round(x, decimals=0):
    """`x` rounded to `decimals` places (halves to even, as NumPy)."""
    return ag.round(_t(x), decimals=decimals)


def mod(x1, x2):
    """The remainder of x1 / x2 with the sign of x2 (NumPy's mod)."""
    a, b = _pair(x1, x2)
    return ag.remainder(a, b) if isinstance(a, Tensor) else ag.remainder(_t(a), b)


def floor_divide(x1, x2):
    """floor(x1 / x2), elementwise, in Keras's result_type of the two (Python numbers counting weakly; float32 for
    float64)."""
    a, b = _pair(x1, x2)
    result = ag.floor_divide(a, b) if isinstance(a, Tensor) else ag.floor_divide(_t(a), b)
    return rules.cast(result, rules.promoted(a, b, weak=True))


# ----- NaN and infinity ----------------------------------------------------------------------------------------
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """`x` with NaN replaced by `nan` and infinities by `posinf`/`neginf` (the dtype's extremes by default)."""
    return ag.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf)


def isinf(x):
    """Whether each value is +inf or -inf (bool)."""
    return ag.isinf(_t(x))


def count_nonzero(x, axis=None):
    """How many values along `axis` (an int, a tuple, or None for all) are non-zero (int32)."""
    return ag.count_nonzero(_t(x), dim=_axis(axis)).astype(np.int32)


# ----- joining and splitting -------------------------------------------------------------------------------------
def vstack(xs):
    """The tensors joined along the first axis (1-D ones as rows)."""
    return ag.vstack([_t(x) for x in xs])


def hstack(xs):
    """The tensors joined along the second axis (the first for 1-D ones)."""
    return ag.hstack([_t(x) for x in xs])


def split(x, indices_or_sections, axis=0):
    """NumPy's split: an int cuts `x` into that many equal parts along `axis`, a list of indices cuts before
    each index."""
    x = _t(x)
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if size % indices_or_sections:
            raise ValueError(f"keras.ops.split: axis {axis} of shape {tuple(x.shape)} (size {size}) does not "
                             f"divide into {indices_or_sections} equal parts; pass a list of split indices")
        return list(ag.split(x, size // indices_or_sections, dim=axis))
    cuts = [int(i) + size if int(i) < 0 else int(i) for i in indices_or_sections]
    outside = [i for i, c in zip(indices_or_sections, cuts) if not 0 <= c <= size]
    if outside:   # NumPy would clip them to the ends; Keras's sizes come out negative, which torch.split refuses
        raise ShapeError(f"keras.ops.split: the split indices {outside} lie outside axis {axis} of shape "
                         f"{tuple(x.shape)} (size {size}); split_with_sizes expects split_sizes have only non-negative "
                         f"entries: give indices in [-{size}, {size}]")
    edges = [0] + cuts + [size]
    if any(end < start for start, end in zip(edges[1:-1], edges[2:-1])):   # NumPy would repeat rows, Keras refuses
        raise ShapeError(f"keras.ops.split: the split indices {list(indices_or_sections)} must be in increasing "
                         f"order (split_with_sizes expects split_sizes have only non-negative entries); sort them, "
                         f"e.g. {sorted(cuts)}")
    sizes = [builtins.max(end - start, 0) for start, end in zip(edges[:-1], edges[1:])]
    return list(ag.split(x, sizes, dim=axis))


def unstack(x, num=None, axis=0):
    """The slices of `x` along `axis`, as a list."""
    x = _t(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"keras.ops.unstack: num={num} but axis {axis} of shape {tuple(x.shape)} has size "
                         f"{x.shape[axis]}")
    return list(ag.unbind(x, dim=axis))


def roll(x, shift, axis=None):
    """`x` shifted cyclically by `shift` along `axis` (of the flattened tensor for None)."""
    x = _t(x)
    if axis is None:
        return ag.roll(x.reshape(-1), shift, 0).reshape(*x.shape)
    return ag.roll(x, shift, axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    """`x` padded by NumPy-style `pad_width` ((before, after) per axis): with `constant_values` (0 by default) for
    mode 'constant', else as Keras's torch backend pads, 'reflect', 'circular' and 'replicate' (which 'symmetric'
    also means there) over the trailing axes that are padded, integers through float32."""
    x = _t(x)
    if isinstance(pad_width, int):
        widths = ((pad_width, pad_width),) * x.ndim
    else:
        widths = tuple((w, w) if isinstance(w, int) else tuple(w) for w in pad_width)
        if len(widths) == 1:
            widths = widths * x.ndim
    if mode == "constant":
        # a negative width crops, as the torch backend's F.pad does (NumPy's pad refuses it)
        crop = tuple(builtins.slice(builtins.max(-a, 0), n - builtins.max(-b, 0))
                     for (a, b), n in zip(widths, x.shape))
        x = x[crop]
        widths = tuple((builtins.max(a, 0), builtins.max(b, 0)) for a, b in widths)
        return ag.pad(x, widths, value=0 if constant_values is None else constant_values)
    if constant_values is not None:
        raise ValueError(f"keras.ops.pad: constant_values can only be given with mode='constant', got mode={mode!r}")
    torch_mode = "replicate" if mode == "symmetric" else mode
    if torch_mode not in ("reflect", "circular", "replicate"):
        raise NotImplementedError(f"keras.ops.pad: unrecognised padding mode {mode!r} (on the torch backend Keras "
                                  "pads with 'constant', 'reflect', 'symmetric', 'replicate' or 'circular')")
    return _pad_trailing(x, widths, torch_mode)


def _pad_trailing(x, widths, mode):
    """F.pad with a non-constant mode over the axes from the first padded one to the last, `x` lifted to 3-D and
    integers to float32 while padding, as Keras's torch backend does."""
    from .. import functional as F
    flat = []
    remaining = builtins.sum(a + b for a, b in widths)
    for before, after in reversed(widths):
        flat += [before, after]
        remaining -= before + after
        if remaining == 0:
            break
    shape, dtype = tuple(x.shape), x.dtype
    lifted = x.reshape(*(1,) * (3 - x.ndim), *shape) if x.ndim < 3 else x
    if dtype not in (np.float32, np.float64):
        lifted = lifted.to(ag.float32)
    out = F.pad(lifted, flat, mode=mode)
    if dtype != out.dtype:
        out = out.to(dtype)
    return out.reshape(*out.shape[3 - x.ndim:]) if x.ndim < 3 else out


# ----- weighted and running reductions ---------------------------------------------------------------------------
def average(x, axis=None, weights=None):
    """The mean along `axis`, weighted by `weights` (1-D along `axis`, or shaped like `x`) when given, in Keras's
    result_type of x, the weights and float (float32 for integers and float64)."""
    x = _t(x)
    if weights is None:
        return ag.mean(rules.cast(x, rules.float_result(x)), dim=axis)
    w = _t(weights)
    dtype = rules.float_result(x, w)
    x, w = rules.cast(x, dtype), rules.cast(w, dtype)
    if w.ndim == 1 and x.ndim > 1 and axis is not None:
        w = w.reshape(*[-1 if k == axis % x.ndim else 1 for k in range(x.ndim)])
    return (x * w).sum(dim=axis) / (w * ag.ones_like(x)).sum(dim=axis)


def cumprod(x, axis=None, dtype=None):
    """The running product along `axis` (of the flattened tensor for None), in Keras's 32-bit result_type of
    `dtype` or of the input's dtype (int32 for booleans)."""
    x = _t(x)
    dtype = rules.running_dtype(x.dtype if dtype is None else dtype)
    x = rules.cast(x, dtype)
    return rules.cast(ag.cumprod(x.reshape(-1), 0) if axis is None else ag.cumprod(x, axis), dtype)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """The sums of the rows of `data` that share a segment id (rows with ids outside [0, num_segments) are
    dropped; num_segments defaults to max(id) + 1)."""
    data = _t(data)
    ids = segment_ids_of("segment_sum", data, segment_ids)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    keep = (ids >= 0) & (ids < num_segments)
    if not keep.all():
        data = data[ag.tensor(np.nonzero(keep)[0])]
        ids = ids[keep]
    out = ag.zeros(num_segments, *data.shape[1:], dtype=data.dtype)
    return ag.index_add(out, 0, ag.tensor(ids), data)
