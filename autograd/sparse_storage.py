"""What a sparse COO tensor holds in place of an array: its indices (sparse_dim, nnz) and values (nnz, *dense
dims) on the tensor's device, its shape, and whether the entries are coalesced (sorted, no repeats).

Dense kernels cannot read it: any NumPy call on it, or any array attribute asked of it, raises
SparseLayoutError, and Function.apply then runs the op's sparse form if it has one (SPARSE_FORMS, filled
by ops/sparse_ops.py) or says which op has none and how to go on (`.to_dense()`)."""
import importlib
import math

import numpy as np

from .errors import describe


class SparseLayoutError(TypeError, AttributeError):
    """A dense kernel met a sparse COO tensor (also an AttributeError, so hasattr() stays False)."""


class SparseOpError(TypeError, NotImplementedError):
    """An op with no form for sparse COO tensors: a TypeError, and a NotImplementedError (so a RuntimeError too) as
    PyTorch raises when an op has no kernel for the sparse layout."""


#: Function class -> its form for sparse arguments, called with the Function's own arguments
SPARSE_FORMS = {}


def _refuse(what):
    raise SparseLayoutError(f"{what} is not supported for sparse COO tensors; convert with .to_dense() first, or "
                            "use the sparse operations (torch.sparse.mm, torch.sparse.sum, sparse @ dense, ...)")


class SparseCOO:
    """A sparse tensor's contents: indices, values, shape, the coalesced flag and the layout: 'coo', or 'csr' for
    a compressed-row matrix, held as its coalesced COO entries (row-major order is CSR's order)."""
    __slots__ = ("indices", "values", "shape", "coalesced", "layout")
    base = None   # never a view of another array

    def __init__(self, indices, values, shape, coalesced, layout="coo"):
        self.indices, self.values, self.shape, self.coalesced = indices, values, tuple(shape), bool(coalesced)
        self.layout = layout

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        """The number of elements of the dense tensor it stands for (PyTorch's numel of a sparse tensor)."""
        return math.prod(self.shape)

    @property
    def nbytes(self):
        return self.indices.nbytes + self.values.nbytes

    @property
    def itemsize(self):
        return self.values.itemsize

    @property
    def sparse_dim(self):
        return self.indices.shape[0]

    @property
    def nnz(self):
        return self.indices.shape[1]

    def copy(self):
        # indices are never written in place: the copy shares them, so that gradients for it and for the
        # original line up entry by entry
        return SparseCOO(self.indices, self.values.copy(), self.shape, self.coalesced, self.layout)

    def __add__(self, other):
        if not isinstance(other, SparseCOO) or other.shape != self.shape:
            _refuse("adding a sparse and a dense array inside a dense kernel")
        if other.indices is self.indices:   # gradients reaching one sparse tensor share its indices
            return SparseCOO(self.indices, self.values + other.values, self.shape, self.coalesced, self.layout)
        xp = array_module(self.indices)
        joined = SparseCOO(xp.concatenate([self.indices, other.indices], axis=1),
                           xp.concatenate([self.values, other.values]), self.shape, False)
        joined = summed_repeats(joined)
        joined.layout = self.layout if self.layout == other.layout else "coo"
        return joined

    __radd__ = __add__

    def __neg__(self):
        return SparseCOO(self.indices, -self.values, self.shape, self.coalesced, self.layout)

    def __array__(self, dtype=None, copy=None):
        _refuse("conversion to a dense array")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _refuse(f"the elementwise kernel {ufunc.__name__}")

    def __array_function__(self, func, types, args, kwargs):
        _refuse(f"the array function {func.__name__}")

    def __getattr__(self, name):
        _refuse(f"the dense array attribute {name!r}")

    def __repr__(self):
        return f"SparseCOO(shape={self.shape}, nnz={self.nnz}, dtype={self.dtype})"


class BlockLayout(str):
    """The layout 'bsr' or 'bsc' of a block-compressed matrix, carrying its (rows, columns) blocksize; it equals
    its plain name, so every place that passes a layout along keeps the blocksize with it."""
    __slots__ = ("blocksize",)

    def __new__(cls, name, blocksize):
        made = super().__new__(cls, name)
        made.blocksize = tuple(int(n) for n in blocksize)
        return made

    def __reduce__(self):
        return BlockLayout, (str(self), self.blocksize)


def block_area(layout):
    """How many elements one stored entry of `layout` holds: R * C for a block layout, else 1."""
    size = getattr(layout, "blocksize", None)
    return size[0] * size[1] if size else 1


def array_module(a):
    """numpy or cupy, whichever `a` belongs to."""
    return np if isinstance(a, np.ndarray) else importlib.import_module("cupy")


def linear_positions(xp, indices, shape):
    """Each entry's position in the sparse dims (indices: (sparse_dim, nnz)) as one row-major number."""
    strides = np.cumprod((1,) + tuple(shape[:indices.shape[0]])[::-1][:-1])[::-1]
    return (indices * xp.asarray(np.asarray(strides, np.int64))[:, None]).sum(axis=0)


def summed_repeats(s):
    """s coalesced: entries sorted by position, the values of repeated positions summed (not recorded)."""
    xp = array_module(s.indices)
    unique, first, inverse = xp.unique(linear_positions(xp, s.indices, s.shape), return_index=True,
                                       return_inverse=True)
    total = xp.zeros((unique.size,) + tuple(s.values.shape[1:]), s.values.dtype)
    xp.add.at(total, inverse.reshape(-1), s.values)
    return SparseCOO(s.indices[:, first], total, s.shape, True)


def position_gradient(g):
    """A sparse gradient as a sparse leaf's .grad holds it (PyTorch's): coalesced, each stored position once,
    with the gradient of that position (which every repeat of it received). A CSR leaf is refused: PyTorch
    gives it the full dense gradient, also where it stores nothing, which these gradients do not hold."""
    if g.layout in ("csr", "csc", "bsr", "bsc"):
        raise RuntimeError(f"backward: a sparse {g.layout.upper()} leaf (shape {g.shape}) would get PyTorch's full "
                           "dense gradient, which deepgrad does not compute; make its values the leaf instead: "
                           "sparse_csr_tensor(crow, col, values.requires_grad_()), or use a COO leaf")
    if g.coalesced:
        return g
    xp = array_module(g.indices)
    _, first = xp.unique(linear_positions(xp, g.indices, g.shape), return_index=True)
    return SparseCOO(g.indices[:, first], g.values[first], g.shape, True)


def emptied(s):
    """s with no entries left (a sparse tensor's zero_), same shape and layout."""
    xp = array_module(s.indices)
    return SparseCOO(xp.zeros((s.sparse_dim, 0), np.int64), xp.zeros((0,) + tuple(s.values.shape[1:]), s.dtype),
                     s.shape, True, s.layout)


def assign_sparse(t, values, op):
    """An in-place op's result stored into the sparse tensor t: a sparse result replaces its entries (they may
    change, as an add_ of another pattern changes them), zeros empty it; anything else is refused."""
    if type(values) is SparseCOO:
        if values.shape != t._data.shape:
            raise ValueError(f"{op}: the result's shape {values.shape} differs from the tensor's {t._data.shape}; an "
                             "in-place op cannot change the shape")
        t._data = values if values.dtype == t._data.dtype else SparseCOO(
            values.indices, values.values.astype(t._data.dtype), values.shape, values.coalesced, values.layout)
    elif getattr(values, "ndim", 0) == 0 and not values:
        t._data = emptied(t._data)
    else:
        raise TypeError(f"{op}: the result is dense (shape {tuple(getattr(values, 'shape', ()))}) and cannot be stored "
                        f"in place into a sparse tensor of shape {t._data.shape}; assign the out-of-place result "
                        "instead (s = s + d)")
    t._bump_version()
    return t


def is_sparse_array(a):
    """True for a sparse COO tensor's contents."""
    return type(a) is SparseCOO


def has_sparse(args):
    """True when one of an op's arguments is a sparse COO tensor."""
    return any(type(getattr(a, "_data", None)) is SparseCOO for a in args)


def run_sparse_form(cls, args, kwargs):
    """The op `cls` on arguments among which a sparse COO tensor is: its sparse form, or a TypeError naming the
    op, its arguments and the fix."""
    form = SPARSE_FORMS.get(cls)
    if form is None:
        raise SparseOpError(f"{cls.label()}: not supported for sparse COO tensors ({describe(args)}); convert "
                            "with .to_dense() first, or use the sparse operations (torch.sparse.mm, torch.sparse.sum, "
                            "sparse @ dense, ...)")
    return form(*args, **kwargs)
