"""`NestedTensor`: PyTorch's jagged nested tensor (`layout=torch.jagged`), a batch of tensors whose dimension
`ragged_idx` has a different length in each component.

It holds one dense tensor, `stored`, of shape (total, *other dims): the components' rows one after another along
the ragged dimension, the other dims in the nested tensor's own order; `offsets` (B + 1 int64) says where each
component starts, and `lengths` (or None) how many rows it has when the components do not follow one another.
Every op runs on `stored` through deepgrad's differentiable ops, so gradients reach whatever made it."""
from ..type_objects import jagged
from autograd.size import Size

from . import jagged_select, jagged_shape, jagged_structure, ops
from .common import NestedCommon
from .ragged import ragged_size_of


class NestedTensor(NestedCommon):
    """A jagged nested tensor, as `torch.nested.nested_tensor(..., layout=torch.jagged)` makes."""

    __slots__ = ("stored", "_offsets", "_lengths", "_ragged_idx", "_j", "__weakref__")

    def __init__(self, stored, offsets, lengths=None, ragged_idx=1, ragged=None):
        self.stored, self._offsets, self._lengths, self._ragged_idx = stored, offsets, lengths, ragged_idx
        self._j = ragged if ragged is not None else ragged_size_of(offsets)

    def with_stored(self, stored, ragged_idx=None):
        """A nested tensor of the same components' layout holding `stored` instead."""
        return NestedTensor(stored, self._offsets, self._lengths,
                            self._ragged_idx if ragged_idx is None else ragged_idx, self._j)

    def each(self, fn):
        """The same structure holding `fn(stored)`."""
        return self.with_stored(fn(self.stored))

    _elementwise_methods = ops.ELEMENTWISE_METHODS
    _elementwise_functions = ops.ELEMENTWISE_FUNCTIONS
    _inplace_methods = ops.INPLACE_METHODS
    _functions = {**ops.FUNCTIONS, "cat": jagged_structure.cat, "stack": jagged_structure.stack,
                  "where": jagged_select.where}
    _refuse = staticmethod(ops.unsupported)

    def _dense_sample(self):
        return self.stored

    def _in_place(self, name, args, kwargs):
        return ops.in_place(self, name, args, kwargs)

    def _with_nested_right(self, func, left, kwargs):
        return ops.with_nested_right(self, func, left, kwargs)

    # ----- what it is
    layout = jagged

    @property
    def shape(self):
        sizes = [len(self._offsets) - 1] + list(self.stored.shape[1:])
        sizes.insert(self._ragged_idx, self._j)
        return tuple.__new__(Size, sizes)

    def size(self, dim=None):
        """The shape, or the size of `dim` (the ragged one is a symbol such as j1)."""
        shape = self.shape
        return shape if dim is None else shape[ops.normalize_dim("size", dim, len(shape))]

    def dim(self):
        """The number of dimensions, the batch and ragged ones included."""
        return self.stored.ndim + 1

    ndim = property(dim)
    dtype = property(lambda self: self.stored.dtype)
    device = property(lambda self: self.stored.device)
    is_leaf = property(lambda self: self.stored.is_leaf)
    grad_fn = property(lambda self: self.stored.grad_fn)

    @property
    def requires_grad(self):
        return self.stored.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.stored.requires_grad = flag

    @property
    def grad(self):
        grad = self.stored.grad
        return None if grad is None else self.with_stored(grad)

    def is_contiguous(self, memory_format=None):
        """True when the components follow one another in `values()` with no gaps and values() is contiguous
        (PyTorch's rule)."""
        return self._lengths is None and self.values().is_contiguous()

    def values(self):
        """The components' rows joined along the ragged dimension (a view: gradients flow through it)."""
        return self.stored if self._ragged_idx == 1 else self.stored.movedim(0, self._ragged_idx - 1)

    def offsets(self):
        """Where each component starts in values() (B + 1 entries)."""
        return self._offsets

    def lengths(self):
        """Each component's length when given apart from the offsets (non-contiguous), else None."""
        return self._lengths

    def rows(self):
        """(start, stop) of each component's rows in `stored`."""
        offsets = self._offsets.tolist()
        if self._lengths is None:
            return list(zip(offsets[:-1], offsets[1:]))
        return [(start, start + n) for start, n in zip(offsets, self._lengths.tolist())]

    def unbind(self, dim=0):
        """The components, as dense tensors (views of values())."""
        if dim != 0:
            raise RuntimeError(f"unbind(): only dim=0 is supported for nested tensors, got dim={dim}")
        return tuple(self._component(a, b) for a, b in self.rows())

    def _component(self, start, stop):
        part = self.stored[start:stop]
        return part if self._ragged_idx == 1 else part.movedim(0, self._ragged_idx - 1)

    def __len__(self):
        return len(self._offsets) - 1

    def __iter__(self):
        return iter(self.unbind())

    __getitem__ = jagged_structure.getitem

    def __repr__(self):
        size = ", ".join(str(n) for n in self.shape)
        grad = self.grad_note(repr(self.grad_fn))
        parts = [f"size=({size})", f"offsets={self._offsets!r}"] + ([grad] if grad else [])
        return f"NestedTensor({', '.join(parts)}, contiguous={self.is_contiguous()})"

    def _backward(self, gradient, retain_graph, create_graph):
        grad = gradient.stored if isinstance(gradient, NestedTensor) else gradient
        self.stored.backward(grad, retain_graph=retain_graph, create_graph=create_graph)

    def contiguous(self, memory_format=None):
        """This nested tensor when contiguous, else a copy whose components follow one another in its values."""
        if self.is_contiguous():
            return self
        if self._lengths is not None:
            return ops.compact(self)
        r = self._ragged_idx - 1   # values() made contiguous, kept as `stored` with the ragged dim first
        return self.with_stored(self.values().contiguous().movedim(r, 0))

    def numel(self):
        """The number of elements over all components."""
        width = 1
        for n in self.stored.shape[1:]:
            width *= n
        return sum(b - a for a, b in self.rows()) * width

    def to_padded_tensor(self, padding, output_size=None):
        """A dense tensor with the components padded by `padding` to the longest (or to `output_size`)."""
        return ops.to_padded(self, padding, output_size)


def _install_picking_and_cutting(cls):
    """Bind the ops of jagged_select and jagged_structure as methods."""
    for how in ("max", "min", "amax", "amin", "argmax", "argmin", "all", "any"):
        setattr(cls, how, lambda self, dim=None, keepdim=False, how=how:
                jagged_select.extreme(self, how, dim, keepdim))
    cls.prod = lambda self, dim=None, keepdim=False, dtype=None: jagged_select.extreme(
        self if dtype is None else self.to(dtype), "prod", dim, keepdim)
    cls.where = lambda self, condition, other: jagged_select.where(None, condition, self, other)
    cls.masked_fill = jagged_select.masked_fill
    for name in ("chunk", "split", "narrow", "select", "squeeze"):
        setattr(cls, name, getattr(jagged_structure, name))
    for name in ("permute", "transpose", "expand"):
        setattr(cls, name, getattr(jagged_shape, name))
    cls.view = lambda self, *shape: jagged_shape.view(self, "view", *shape)
    cls.reshape = lambda self, *shape: jagged_shape.view(self, "reshape", *shape)


ops.install_methods(NestedTensor)
_install_picking_and_cutting(NestedTensor)
