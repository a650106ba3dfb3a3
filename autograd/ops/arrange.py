"""Rearranging and combining tensors with PyTorch's names: roll, rot90, fliplr, flipud, tile, ravel, diag,
diagonal, trace, diff, kron, the atleast_Nd family, hstack / vstack / dstack / column_stack, meshgrid,
broadcast_tensors, block_diag, cartesian_prod and take_along_dim. All are composed of differentiable ops."""
import functools
import numbers

import numpy as np

import backends
from ..dtypes import get_default_dtype, promoted
from ..function import named
from ..shown_nodes import shown_over
from ..tensor import Tensor
from .. import autocast_state as autocast
from .dims import check_tensor, dim_or, int_argument, normalize
from .elementwise import mul, ne, sub
from .diagonal_view import Diagonal
from .indexing import take_along_axis
from .joining import cat, stack
from .reduction import sum as _sum
from .shape import broadcast_to, flatten, flip, narrow, pad, repeat, reshape, transpose
from ..errors import ArgumentRangeError, DimRangeError, DtypeError, ShapeError, not_a_tensor
from ..warn_once import warn_once


def _tensor_list(op, tensors):
    """The tensors of `f(a, b, ...)` or `f([a, b, ...])`, checked."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        check_tensor(op, t, f"tensors[{i}]")
    return tuple(tensors)


def _ints(op, name, value):
    values = (value,) if isinstance(value, numbers.Integral) else tuple(value)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {name} must be an int or a sequence of ints, got {value!r}")
    return tuple(int(v) for v in values)


def roll(input, shifts, dims=None):
    """`input` shifted cyclically by `shifts` places along `dims` (the flattened tensor when dims is None)."""
    check_tensor("roll", input)
    shifts = _ints("roll", "shifts", shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ShapeError(f"roll: without dims, shifts must be one int, got {shifts} (input shape "
                             f"{tuple(input.shape)}); pass dims to shift several")
        return shown_over(reshape(roll(flatten(input), shifts, 0), input.shape), "RollBackward0", input)
    dims = _ints("roll", "dims", dims)
    if len(shifts) != len(dims):
        raise ShapeError(f"roll: shifts {shifts} and dims {dims} must have the same length (input shape "
                         f"{tuple(input.shape)}); give one shift per dim")
    out = input
    for shift, dim in zip(shifts, dims):
        d = normalize("roll", dim, input.ndim)
        n = input.shape[d] if input.ndim else 1
        s = shift % n if n else 0
        if s and input.ndim:
            out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d)
    # contiguous, as PyTorch
    return shown_over(out.contiguous() if out is not input else input.clone(), "RollBackward0", input)


def rot90(input, k=1, dims=(0, 1)):
    """`input` rotated by 90 degrees k times in the plane of `dims`, from the first dim toward the second."""
    check_tensor("rot90", input)
    dims = _ints("rot90", "dims", dims)
    if len(dims) != 2 or input.ndim < 2:
        raise ShapeError(f"rot90: needs two dims and a tensor with at least 2 dims, got dims={dims} for shape "
                         f"{tuple(input.shape)}; pass dims=(d0, d1) of a tensor with 2 or more dims")
    d0, d1 = (normalize("rot90", d, input.ndim) for d in dims)
    if d0 == d1:
        raise ShapeError(f"rot90: the two dims must differ, got {dims} (shape {tuple(input.shape)}); pass two "
                         f"different dims, e.g. (0, 1)")
    k %= 4
    if k == 1:
        return named(transpose(flip(input, d1), d0, d1), "Rot90Backward0")
    if k == 2:
        return named(flip(input, (d0, d1)), "Rot90Backward0")
    if k == 3:
        return named(transpose(flip(input, d0), d0, d1), "Rot90Backward0")
    return input.clone()


def fliplr(input):
    """input with its columns (dim 1) in reverse order; needs at least 2 dims."""
    check_tensor("fliplr", input)
    if input.ndim < 2:
        raise ShapeError(f"fliplr: expects a tensor with at least 2 dims, got shape {tuple(input.shape)}; for a "
                         f"1-D tensor use flip(x, 0)")
    return flip(input, 1)


def flipud(input):
    """input with its rows (dim 0) in reverse order; needs at least 1 dim."""
    check_tensor("flipud", input)
    if input.ndim < 1:
        raise ShapeError("flipud: expects a tensor with at least 1 dim, got a 0-d tensor (shape ()); a 0-d tensor has "
                         "nothing to flip")
    return flip(input, 0)


def tile(input, dims):
    """`input` repeated dims[i] times along each dim; fewer dims than input's count as leading 1s."""
    check_tensor("tile", input)
    dims = _ints("tile", "dims", dims)
    if any(d < 0 for d in dims):
        raise ShapeError(f"tile: repeat counts must be non-negative, got {dims}")
    return repeat(input, *((1,) * (input.ndim - len(dims)) + dims))


def ravel(input):
    """The elements as a 1-D tensor."""
    check_tensor("ravel", input)
    return reshape(input, (-1,))


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of `input` in the plane (dim1, dim2) (offset > 0 above the main one), as a last dim."""
    check_tensor("diagonal", input)
    if input.ndim < 2:
        raise DimRangeError(f"diagonal: expects a tensor with at least 2 dims, got shape {tuple(input.shape)}; for a "
                            f"1-D tensor, diag(x) makes the matrix with x on its diagonal")
    d1, d2 = normalize("diagonal", dim1, input.ndim), normalize("diagonal", dim2, input.ndim)
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2} (shape "
                         f"{tuple(input.shape)}); pass two different dims")
    return Diagonal.apply(input, int_argument("diagonal", "offset", offset), d1, d2)   # a view: changes reach input


def diag(input, diagonal=0):
    """A 1-D input as the `diagonal`-th diagonal of a square matrix; a 2-D input's `diagonal`-th diagonal."""
    check_tensor("diag", input)
    if input.ndim == 2:
        # a copy, as PyTorch's diag, under its node's name
        return shown_over(globals()["diagonal"](input, diagonal).clone(), "DiagonalBackward0_copy", input)
    if input.ndim != 1:
        raise ShapeError(f"diag: expects a 1-D or 2-D tensor, got shape {input.shape}; use diagonal() or "
                         "diag_embed for batches")
    n = input.shape[0]
    square = mul(input.device.xp.eye(n, dtype=input.dtype), input)   # input along the main diagonal
    k = abs(diagonal)
    widths = ((0, k), (k, 0)) if diagonal >= 0 else ((k, 0), (0, k))
    return shown_over(pad(square, widths), "DiagEmbedBackward0", input)


def trace(input):
    """The sum of the main diagonal of a matrix."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("trace", trace, input)
    check_tensor("trace", input)
    if input.ndim != 2:
        raise ShapeError(f"trace: expects a 2-D tensor, got shape {input.shape}; for a batch use "
                         f"x.diagonal(dim1=-2, dim2=-1).sum(-1)")
    out = _sum(diagonal(input))
    return out.astype(np.int64) if input.dtype.kind in "iub" else shown_over(out, "TraceBackward0", input)


def diff(input, n=1, dim=None, prepend=None, append=None, *, axis=None):
    """The n-th forward difference along `dim` (the last unless given; out[i] = x[i + 1] - x[i]), after joining
    prepend / append."""
    check_tensor("diff", input)
    dim = dim_or("diff", dim, axis, -1)
    if input.ndim == 0:
        raise ShapeError("diff: expects a tensor with at least 1 dim, got a 0-d one (shape ()); reshape it to 1-D "
                         "first, e.g. x.reshape(1)")
    if n < 0:
        raise ArgumentRangeError(f"diff: n (the order of the difference) must be non-negative, got {n} (input "
                                 f"shape {tuple(input.shape)}); pass n=0 for the input itself, n=1 for x[i+1] - x[i]")
    d = normalize("diff", dim, input.ndim)
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is not None:
            if not isinstance(extra, Tensor):
                raise not_a_tensor("diff", extra, name)
            if extra.ndim != input.ndim:   # PyTorch takes no 0-d tensor here either
                raise ShapeError(f"diff: {name} of shape {tuple(extra.shape)} must have input's number of dims "
                                 f"(input shape {tuple(input.shape)}); unsqueeze it (or reshape it) to that many dims")
            if extra.shape[:d] + extra.shape[d + 1:] != input.shape[:d] + input.shape[d + 1:]:
                raise ShapeError(f"diff: {name} of shape {tuple(extra.shape)} must match input's shape "
                                 f"{tuple(input.shape)} in every dim but dim {d}, the one differenced; reshape or "
                                 f"expand it to fit")
        parts.append(extra)
    x = cat([t for t in (parts[0], input, parts[1]) if t is not None], d) if prepend is not None or \
        append is not None else input
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        later, earlier = narrow(x, d, 1, length - 1), narrow(x, d, 0, length - 1)
        x = ne(later, earlier) if x.dtype == np.bool_ else sub(later, earlier)
    return x


def kron(input, other):
    """The Kronecker product: every element of input times the whole of other, laid out in blocks."""
    check_tensor("kron", input)
    check_tensor("kron", other, "other")
    ndim = max(input.ndim, other.ndim)
    a = reshape(input, (1,) * (ndim - input.ndim) + input.shape)
    b = reshape(other, (1,) * (ndim - other.ndim) + other.shape)
    a = reshape(a, tuple(v for n in a.shape for v in (n, 1)))
    b = reshape(b, tuple(v for n in b.shape for v in (1, n)))
    return named(reshape(mul(a, b), tuple(m * n for m, n in zip(a.shape[::2], b.shape[1::2]))), "UnsafeViewBackward0")


def _atleast(op, ndim, tensors):
    tensors = _tensor_list(op, tensors)
    out = []
    for t in tensors:
        if t.ndim >= ndim:
            out.append(t)
        elif t.ndim == 0:
            out.append(reshape(t, (1,) * ndim))
        elif t.ndim == 1:   # PyTorch unsqueezes a 1-D or 2-D tensor (the node's name shows it)
            out.append(named(reshape(t, (1, t.shape[0], 1)[:ndim]), "UnsqueezeBackward0"))
        else:
            out.append(named(reshape(t, t.shape + (1,)), "UnsqueezeBackward0"))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d ones become shape (1,)); one tensor in, one out, else a tuple."""
    return _atleast("atleast_1d", 1, tensors)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (a 1-D one of length n becomes (1, n))."""
    return _atleast("atleast_2d", 2, tensors)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims ((n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _atleast("atleast_3d", 3, tensors)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _stack_parts(op, tensors):
    """The tensors of a hstack-family call, at least one (PyTorch's RuntimeError otherwise, named after `op`)."""
    parts = _tensor_list(op, (tensors,))
    if not parts:
        raise ShapeError(f"{op} expects a non-empty sequence of tensors, got {tensors!r}; pass at least one tensor")
    return parts


def hstack(tensors):
    """The tensors joined column-wise: along dim 0 for 1-D tensors, dim 1 otherwise."""
    parts = _as_tuple(atleast_1d(*_stack_parts("hstack", tensors)))
    return cat(parts, 0 if parts[0].ndim == 1 else 1)


def vstack(tensors):
    """The tensors (1-D ones as rows) joined along dim 0."""
    return cat(_as_tuple(atleast_2d(*_stack_parts("vstack", tensors))), 0)


def dstack(tensors):
    """The tensors (made at least 3-D) joined along dim 2."""
    return cat(_as_tuple(atleast_3d(*_stack_parts("dstack", tensors))), 2)


def column_stack(tensors):
    """0-d and 1-D tensors as columns, others as they are, joined along dim 1."""
    parts = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in _stack_parts("column_stack", tensors)]
    return cat(parts, 1)


def broadcast_shapes(op, shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"{op}: shapes {', '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together; "
                         "each dim must match or be 1") from None


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape, as a tuple."""
    tensors = _tensor_list("broadcast_tensors", tensors)
    shape = broadcast_shapes("broadcast_tensors", [t.shape for t in tensors])
    return tuple(t if t.shape == shape else broadcast_to(t, shape) for t in tensors)   # as PyTorch's


MESHGRID_NO_INDEXING = "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D (or 0-d) tensors: with indexing 'ij' (the default) output i varies along
    dim i; with 'xy' the first two dims are swapped (Cartesian, as NumPy's default)."""
    tensors = _tensor_list("meshgrid", tensors)
    _one_dtype("meshgrid", tensors)
    if indexing is None:
        warn_once("meshgrid indexing", MESHGRID_NO_INDEXING)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ArgumentRangeError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}; pass 'ij' (matrix) "
                                 f"or 'xy' (Cartesian)")
    for i, t in enumerate(tensors):
        if t.ndim > 1:
            raise ShapeError(f"meshgrid: expects 0-d or 1-D tensors, got shape {tuple(t.shape)} for tensors[{i}]; "
                             "flatten it first")
    sizes = [t.numel() for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for size, axis in zip(sizes, axes):
        shape[axis] = size
    out = []
    for t, axis in zip(tensors, axes):
        view = [1] * len(tensors)
        view[axis] = t.numel()
        out.append(broadcast_to(reshape(t, tuple(view)), tuple(shape)))
    return tuple(out)


def _one_dtype(op, tensors):
    """Refuse tensors of mixed dtypes, as PyTorch's meshgrid (and so cartesian_prod) does rather than promote."""
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"{op}: expects all tensors to have the same dtype, got {tensors[0].dtype} for "
                               f"tensors[0] and {t.dtype} for tensors[{i}]; cast them to one dtype first "
                               f"(t.to(dtype))")


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as the rows of an (N, len(tensors)) tensor
    (one tensor in: that tensor)."""
    tensors = _tensor_list("cartesian_prod", tensors)
    for i, t in enumerate(tensors):
        if t.ndim != 1:
            raise ShapeError(f"cartesian_prod: expects 1-D tensors, got shape {tuple(t.shape)} for tensors[{i}]; "
                             f"flatten it first (t.flatten())")
    _one_dtype("cartesian_prod", tensors)
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(*tensors, indexing="ij")], 1)


def block_diag(*tensors):
    """The tensors (0-d, 1-D as a row, or 2-D) along the diagonal of one matrix, zeros elsewhere."""
    tensors = _tensor_list("block_diag", tensors)
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise ShapeError(f"block_diag: expects tensors with at most 2 dims, got shape {tuple(t.shape)} for "
                             f"tensors[{i}]; reshape it to a matrix first (e.g. t.flatten(0, -2))")
        mats.append(reshape(t, (1, 1) if t.ndim == 0 else (1, t.shape[0]) if t.ndim == 1 else t.shape))
    if not mats:   # PyTorch's answer: an empty (1, 0) matrix of the default dtype on the default device
        device = backends.get_default_device()
        return Tensor._make(device.asarray(np.zeros((1, 0), get_default_dtype())), device, None, 0, False)
    dtype = functools.reduce(promoted, [np.dtype(m.dtype) for m in mats])   # PyTorch's rule: float32 with int64 stays float32
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        m = m.astype(dtype) if m.dtype != dtype else m
        rows.append(pad(m, ((0, 0), (left, width - left - m.shape[1]))))
        left += m.shape[1]
    return named(cat(rows, 0), "BlockDiagBackward0")


def take_along_dim(input, indices, dim=None):
    """Values of `input` at `indices` along `dim` (the flattened input when dim is None); input and indices
    broadcast against each other outside `dim`."""
    check_tensor("take_along_dim", input)
    check_tensor("take_along_dim", indices, "indices")
    if indices.dtype.kind not in "iu":
        raise DtypeError(f"take_along_dim: indices must be an integer tensor, got {indices.dtype}; use .long()")
    if dim is None:
        return named(take_along_axis(flatten(input), flatten(indices), 0), "GatherBackward0")
    d = normalize("take_along_dim", dim, input.ndim)
    if indices.ndim != input.ndim:
        raise ShapeError(f"take_along_dim: indices of shape {indices.shape} must have input's number of dims "
                         f"(shape {input.shape})")
    outside = broadcast_shapes("take_along_dim", [input.shape[:d] + (1,) + input.shape[d + 1:],
                                                  indices.shape[:d] + (1,) + indices.shape[d + 1:]])
    x = broadcast_to(input, outside[:d] + (input.shape[d],) + outside[d + 1:])
    idx = broadcast_to(indices, outside[:d] + (indices.shape[d],) + outside[d + 1:])
    return shown_over(take_along_axis(x, idx, d), "GatherBackward0", x)   # PyTorch gathers along dim
