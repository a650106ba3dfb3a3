"""`StridedNestedTensor`: PyTorch's default nested tensor (`layout=torch.strided`), a batch of tensors of one
rank whose sizes may differ in every dimension (images of different heights and widths).

It holds the components as a tuple of dense tensors and runs each op on every component through deepgrad's
differentiable ops, so gradients reach whatever made them. It supports the ops PyTorch 2.13's strided nested
tensor supports (on the CPU) and refuses the others as PyTorch does."""
import numbers

from ..creation import zeros
from ..dtypes import get_default_dtype
from ..engine import run_backward
from ..ops.joining import stack
from ..tensor import Tensor
from ..type_objects import strided

from ..nested_kind import NestedBase
from .attention_checks import check_attention
from .common import NestedCommon, pad_to, refusal, softmin
from .ops import normalize_dim

#: what the error for an unsupported op lists
SUPPORTED = ("abs neg sin cos tanh sqrt relu gelu silu softsign tanhshrink, + - * / with a nested tensor of the same "
             "structure or a scalar, matmul/bmm with a nested tensor, linear, layer_norm (with weight and bias), "
             "dropout, softmax, scaled_dot_product_attention, sum(last dim, keepdim=True), transpose, reshape/view, "
             "unsqueeze, cat, chunk (last dim), embedding, unbind, to_padded_tensor, clone, detach, to, and the "
             "in-place zero_ fill_ add_ mul_ relu_ copy_ abs_ neg_ tanh_ normal_")

#: the ops PyTorch refuses on a strided nested tensor with a RuntimeError (they ask for its sizes, which it has
#: not) rather than NotImplementedError (no kernel)
SIZE_QUERYING = frozenset("flatten mse_loss l1_loss cross_entropy nll_loss rms_norm group_norm".split())

#: Tensor methods PyTorch runs elementwise on a strided nested tensor
ELEMENTWISE_METHODS = frozenset(
    "abs neg sin cos tanh sqrt relu isnan isinf logical_not bool int long float double half cpu".split())

#: the in-place Tensor methods PyTorch 2.13 runs on a strided nested tensor
INPLACE_METHODS = frozenset("zero_ fill_ add_ mul_ relu_ copy_ abs_ neg_ tanh_ normal_".split())

#: autograd / nn.functional functions (handed over through `nested_call`) PyTorch runs elementwise
ELEMENTWISE_FUNCTIONS = frozenset(
    "relu gelu silu tanh softsign tanhshrink alpha_dropout feature_alpha_dropout sqrt abs sin cos".split())


#: a function that raises NotImplementedError for an op strided nested tensors do not support
unsupported = refusal("nested tensors of the strided layout (as in PyTorch)", SUPPORTED)


def check_components(op, parts):
    """PyTorch's refusal of components of different ranks or devices."""
    for k, p in enumerate(parts):
        if p.ndim != parts[0].ndim:
            raise RuntimeError(f"{op}: All Tensors given to nested_tensor must have the same dimension. Found "
                               f"dimension {p.ndim} for Tensor at index {k} and dimension {parts[0].ndim} for "
                               "Tensor at index 0.")
        if p.device != parts[0].device:
            raise RuntimeError(f"{op}: the components must be on one device, got {parts[0].device} and "
                               f"{p.device} (index {k}); move them with .to(device)")


class StridedNestedTensor(NestedCommon):
    """A strided nested tensor, as `torch.nested.nested_tensor([...])` makes by default."""

    __slots__ = ("parts", "_grad_name", "_empty_dtype", "__weakref__")

    def __init__(self, parts, grad_name=None, empty_dtype=None):
        self.parts = tuple(parts)
        self._empty_dtype = empty_dtype   # the dtype of a nested tensor of no components (default: float32's)
        self._grad_name = grad_name   # the node name PyTorch prints for the tensor as_nested_tensor makes

    def with_parts(self, parts, grad_name=None):
        """A strided nested tensor holding `parts` (the result of an op on this one); `grad_name` is the node
        PyTorch prints for it where that is not the components' own."""
        return StridedNestedTensor(parts, grad_name, self._empty_dtype)

    def map(self, fn):
        """`fn` run on every component."""
        return self.with_parts([fn(p) for p in self.parts])

    each = map
    _elementwise_methods = ELEMENTWISE_METHODS
    _elementwise_functions = ELEMENTWISE_FUNCTIONS
    _inplace_methods = INPLACE_METHODS
    _refuse = staticmethod(unsupported)

    # ----- what it is
    layout = strided

    @property
    def shape(self):
        raise RuntimeError("Internal error: NestedTensorImpl doesn't support sizes: a strided nested tensor has no "
                           "shape (its components may differ in every dim); use nt.size(0), nt.size(dim) of a "
                           "regular dim, or the components' shapes from nt.unbind()")

    def size(self, dim=None):
        """The number of components (dim 0) or the size every component shares in `dim`."""
        if dim is None:
            return self.shape
        d = normalize_dim("size", dim, self.dim())
        if d == 0:
            return len(self.parts)
        sizes = {p.shape[d - 1] for p in self.parts}
        if len(sizes) != 1:
            raise RuntimeError(f"Given dimension {dim} is irregular and does not have a size.")
        return sizes.pop()

    def dim(self):
        """The number of dimensions, the batch one included."""
        return self.parts[0].ndim + 1 if self.parts else 1

    ndim = property(dim)
    dtype = property(lambda self: self.parts[0].dtype if self.parts else self._empty_dtype or get_default_dtype())
    device = property(lambda self: self.parts[0].device if self.parts else zeros((0,)).device)
    is_leaf = property(lambda self: all(p.is_leaf for p in self.parts))
    grad_fn = property(lambda self: self.parts[0].grad_fn if self.parts else None)

    @property
    def requires_grad(self):
        return any(p.requires_grad for p in self.parts)

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def grad(self):
        grads = [p.grad for p in self.parts]
        return None if any(g is None for g in grads) else StridedNestedTensor(grads)

    def is_contiguous(self, memory_format=None):
        """True when every component is contiguous (a transpose makes them views that are not)."""
        return all(p.is_contiguous() for p in self.parts)

    def _in_place(self, name, args, kwargs):
        """self.<name>(*args) in place on every component (a nested operand gives the matching component)."""
        for k, part in enumerate(self.parts):
            getattr(part, name)(*[a.parts[k] if isinstance(a, StridedNestedTensor) else a for a in args], **kwargs)
        return self

    def _dense_sample(self):
        return self.parts[0] if self.parts else zeros((0,), dtype=self.dtype)

    def _with_nested_right(self, func, left, kwargs):
        """func(left, nt) for a number (or 0-d tensor) `left`, per component; PyTorch refuses a dense tensor."""
        if isinstance(left, Tensor) and left.ndim:
            raise RuntimeError(f"{func.__name__}: Expected both self and other to be nested, but got a non-nested "
                               f"self (shape {tuple(left.shape)}) and nested other; make it a nested tensor")
        return self.map(lambda p: func(left, p, **kwargs))

    def unsupported_error(self, op):
        """PyTorch's exception for `op` on a strided nested tensor: RuntimeError where the op asks for its sizes,
        NotImplementedError where no kernel runs it."""
        if op in SIZE_QUERYING:
            return RuntimeError(f"{op}: Internal error: NestedTensorImpl doesn't support sizes (a strided nested "
                                "tensor has no shape); run it on nt.unbind() or nt.to_padded_tensor(0.0)")
        return unsupported.error(op)

    def unbind(self, dim=0):
        """The components, as dense tensors."""
        if dim != 0:
            raise RuntimeError(f"unbind(): only dim=0 is supported for nested tensors, got dim={dim}")
        return self.parts

    def __len__(self):
        return self.shape   # raises, as PyTorch's len() of a strided nested tensor

    def __iter__(self):
        return iter(self.parts)

    def __getitem__(self, index):
        if isinstance(index, numbers.Integral):
            return self.parts[normalize_dim("__getitem__", index, len(self.parts))]
        return unsupported("slice (indexing a nested tensor with other than one integer)")()

    def __repr__(self):
        flag = self.requires_grad
        lines = []
        for p in self.parts:
            shown = p.detach().requires_grad_(True) if flag and p.dtype.kind in "fc" else p.detach()
            lines.append("\n".join("  " + line for line in repr(shown).split("\n")))
        body = ",\n".join(lines) if lines else ""
        note = self.grad_note(f"<{self._grad_name or type(self.grad_fn).__name__}>")
        return f"nested_tensor([\n{body}\n]{', ' + note if note else ''})"

    def _backward(self, gradient, retain_graph, create_graph):
        grads = _operand_parts(self, gradient, "backward")
        run_backward(list(self.parts), list(grads), retain_graph=bool(retain_graph) or create_graph,
                     create_graph=create_graph)

    def contiguous(self, memory_format=None):
        """This nested tensor (every component is contiguous)."""
        return self

    def numel(self):
        """The number of elements over all components."""
        return sum(p.numel() for p in self.parts)

    def to_padded_tensor(self, padding, output_size=None):
        """A dense tensor: every component padded with `padding` at the end of each dim to the largest size (or
        to `output_size`), then stacked (differentiable)."""
        return to_padded(self, padding, output_size)

# ----- binary ops
def _operand_parts(nt, other, op):
    """`other` as one operand per component: a nested tensor's components (of the same shapes) or a scalar."""
    if isinstance(other, StridedNestedTensor):
        if len(other.parts) != len(nt.parts) or any(a.shape != b.shape for a, b in zip(nt.parts, other.parts)):
            raise RuntimeError(f"{op} does not support broadcasting when given a NestedTensor (components of shapes "
                               f"{[tuple(p.shape) for p in nt.parts]} and {[tuple(p.shape) for p in other.parts]}); "
                               "give a nested tensor whose components have the same shapes")
        return other.parts
    if isinstance(other, NestedBase):
        raise RuntimeError(f"{op}: cannot combine a strided nested tensor with a jagged one; convert one of them")
    if isinstance(other, numbers.Number) or (isinstance(other, Tensor) and other.ndim == 0):
        return [other] * len(nt.parts)
    if isinstance(other, Tensor):
        raise RuntimeError(f"{op}: Expected both self and other to be nested, but got a nested self and non-nested "
                           f"other of shape {tuple(other.shape)}; make it a nested tensor or a scalar")
    return None


def _binary(name, op):
    def method(self, other, *, alpha=None):
        operands = _operand_parts(self, other, op)
        if operands is None:
            return NotImplemented
        if alpha is not None:
            return self.with_parts([getattr(p, name)(o, alpha=alpha) for p, o in zip(self.parts, operands)])
        return self.with_parts([getattr(Tensor, name)(p, o) for p, o in zip(self.parts, operands)])
    method.__name__ = name
    method.__doc__ = f"The nested tensor's `{op}` on each component (structure kept)."
    return method


def _scalar_compare(name, op):
    def method(self, other):
        if isinstance(other, NestedBase) or not isinstance(other, numbers.Number):
            raise RuntimeError(f"{op} does not support nested tensor as other value (only a Python scalar)")
        return self.map(lambda p: getattr(Tensor, name)(p, other))
    method.__name__ = name
    return method


def _swapped(name, op):
    def method(self, other):
        if _operand_parts(self, other, op) is None:
            return NotImplemented
        return self.map(lambda p: getattr(Tensor, name)(p, other))
    method.__name__ = name
    return method


# ----- structured ops
def matmul(nt, other, op="matmul"):
    """The components' matrix products with those of another nested tensor (each of at least 2 dims)."""
    if not isinstance(other, StridedNestedTensor):
        raise RuntimeError(f"{op}: Expected both to be nested, but got a nested self and non-nested other "
                           f"({type(other).__name__}); make the other operand a nested tensor")
    if op == "bmm" and (nt.dim() != 3 or other.dim() != 3):
        raise RuntimeError(f"bmm: batch1 must be a 3D tensor (nested dims {nt.dim()} and {other.dim()})")
    if nt.dim() < 3 or other.dim() < 3:
        raise RuntimeError(f"{op}: For nested tensors, only inputs with >= 3 dims are currently supported, got "
                           f"ranks {nt.dim()} and {other.dim()}")
    if len(nt.parts) != len(other.parts):
        raise RuntimeError(f"{op}: Expected size for the 1st dimension of 2nd input tensor to be: {len(nt.parts)} "
                           f"but got: {len(other.parts)}.")
    for a, b in zip(nt.parts, other.parts):
        if a.shape[-1] != b.shape[-2] or a.shape[:-2] != b.shape[:-2]:
            raise RuntimeError(f"{op}: Nested tensors cannot be matrix multiplied: components of shapes "
                               f"{tuple(a.shape)} and {tuple(b.shape)} do not match")
    return nt.with_parts([a @ b for a, b in zip(nt.parts, other.parts)],
                         "BmmBackward0" if op == "bmm" else "MatmulBackward0")


def sum_(nt, dim=None, keepdim=False, dtype=None):
    """sum over the last dim with keepdim=True: the only reduction PyTorch's strided nested tensor runs."""
    if dim is None:
        if keepdim:
            raise RuntimeError("sum: NestedTensor only allows reduction of a single dimension for now.")
        unsupported("sum (over all elements)")()
    if not isinstance(dim, numbers.Integral):
        if len(tuple(dim)) != 1:
            raise RuntimeError("sum: NestedTensor only allows reduction of a single dimension for now.")
        dim = tuple(dim)[0]
    d = normalize_dim("sum", dim, nt.dim())
    if not keepdim:
        raise RuntimeError("sum: NestedTensor always requires keepdim=True for now.")
    if d != nt.dim() - 1:
        raise RuntimeError(f"sum: NestedTensor can only be reduced across the last dimension for now got dimension "
                           f"{d} instead.")
    return nt.with_parts([p.sum(d - 1, keepdim=True, dtype=dtype) for p in nt.parts],
                         "SumBackwardAutogradNestedTensor1")


def chunk(nt, chunks, dim=0):
    """`chunks` equal pieces of every component along the last dim (the only one PyTorch chunks)."""
    d = normalize_dim("chunk", dim, nt.dim())
    if d != nt.dim() - 1:
        raise RuntimeError("chunk: Chunk for nested tensors is currently only supported for the last dimension.")
    size = nt.size(d)
    if size % chunks:
        raise RuntimeError(f"chunk: Chunk for nested tensors is only supported for nested tensors with trailing "
                           f"dimension divisible by chunks, got: {size} % {chunks} != 0")
    pieces = [p.chunk(chunks, d - 1) for p in nt.parts]
    return tuple(nt.with_parts(list(group)) for group in zip(*pieces))


def softmax(nt, dim, dtype=None):
    """softmax of every component over a non-batch `dim`."""
    from ..ops.activation import softmax as dense_softmax
    d = normalize_dim("softmax", dim, nt.dim())
    if d == 0:
        raise RuntimeError("softmax: Cannot apply softmax across nested dimension 0")
    return nt.map(lambda p: dense_softmax(p, d - 1, dtype=dtype))


def transpose(nt, dim0, dim1):
    """Every component with two (non-batch) dims swapped."""
    d0, d1 = normalize_dim("transpose", dim0, nt.dim()), normalize_dim("transpose", dim1, nt.dim())
    if 0 in (d0, d1):
        raise RuntimeError("transpose: Nested tensor dimension 0 cannot be transposed")
    return nt.map(lambda p: p.transpose(d0 - 1, d1 - 1))


def reshape(nt, op, shape):
    """Every component reshaped to `shape[1:]`, where a -1 keeps the component's size in that dim (PyTorch's
    rule); shape[0] must be the number of components."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    shape = [int(n) for n in shape]
    if not shape or shape[0] != len(nt.parts):
        raise RuntimeError(f"{op}: For now nested {op} cannot change or infer the implicit batch dimension "
                           f"(shape {shape}, {len(nt.parts)} components)")
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred (shape {shape})")
    out = []
    for p in nt.parts:
        sizes = [p.shape[k] if n == -1 and k < p.ndim else n for k, n in enumerate(shape[1:])]
        count = 1
        for n in sizes:
            count *= n
        if any(n < 0 for n in sizes) or count != p.numel():
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {p.numel()} (a -1 in a nested {op} "
                               "keeps the component's size in that dim)")
        out.append(p.reshape(tuple(sizes)))
    return nt.with_parts(out, "ViewBackwardAutogradNestedTensor0")


def unsqueeze(nt, dim):
    """A size-1 dim inserted at `dim` (not the batch dim) in every component."""
    d = normalize_dim("unsqueeze", dim, nt.dim() + 1)
    if d == 0:
        raise RuntimeError("unsqueeze(): For nested tensors, unsqueezing dimension 0 is not supported")
    return nt.map(lambda p: p.unsqueeze(d - 1))


def to_padded(nt, padding, output_size=None):
    """The components padded with `padding` to the largest size in every dim (or `output_size`), stacked."""
    parts = nt.parts
    if not parts:   # PyTorch: a 1-d tensor of no elements
        return zeros((0,), dtype=nt.dtype, device=nt.device)
    target = [max(p.shape[k] for p in parts) for k in range(parts[0].ndim)]
    if output_size is not None:
        output_size = [int(n) for n in output_size]
        if len(output_size) != nt.dim():
            raise RuntimeError(f"to_padded_tensor: Length of output_size does not match NestedTensor dims "
                               f"({len(output_size)} vs {nt.dim()}). Broadcasting is not supported.")
        if output_size[0] != len(parts) or any(n < t for n, t in zip(output_size[1:], target)):
            raise RuntimeError(f"to_padded_tensor: Value in output_size {tuple(output_size)} is less than "
                               f"NestedTensor padded size {tuple([len(parts)] + target)}. Truncation is not "
                               "supported.")
        target = output_size[1:]
    return stack([pad_to(p, target, padding) for p in parts], 0)


# ----- nn.functional ops handed over through `nested_call` (each takes the dense function first)
def _linear(func, nt, weight, bias=None):
    if nt.dim() != 3 or weight.ndim != 2:
        raise RuntimeError(f"linear: Linear requires nested_tensor.dim == 3 and dense_matrix.dim == 2. Nested tensor "
                           f"dim: {nt.dim()}. Dense tensor dim: {weight.ndim}")
    if len({p.shape[-1] for p in nt.parts}) != 1:
        raise RuntimeError(f"linear: Expected all tensors in nested tensor to have the same trailing dimension, got "
                           f"{[p.shape[-1] for p in nt.parts]}")
    return nt.with_parts([func(p, weight, bias) for p in nt.parts], "LinearBackward0")


def _layer_norm(func, nt, normalized_shape, weight=None, bias=None, eps=1e-5):
    if weight is None or bias is None:
        raise ValueError("layer_norm: NestedTensor layer_norm requires weight and bias (use nn.LayerNorm with "
                         "elementwise_affine=True, or pass them)")
    n = 1 if isinstance(normalized_shape, numbers.Integral) else len(tuple(normalized_shape))
    trailing = {tuple(p.shape[p.ndim - n:]) for p in nt.parts}
    if len(trailing) != 1:
        raise RuntimeError(f"layer_norm: normalized_shape {normalized_shape} extends into irregular dimensions for "
                           "the nested tensor")
    return nt.map(lambda p: func(p, normalized_shape, weight, bias, eps))


def _dropout(func, nt, p=0.5, training=True, inplace=False):
    return nt.map(lambda c: func(c, p, training, False))


def _embedding(func, input, weight, *args, **kwargs):
    return input.map(lambda c: func(c, weight, *args, **kwargs))


def _cat(func, tensors, dim=0):
    """cat of strided nested tensors: dim 0 joins their component lists, another dim each pair of components
    (PyTorch's; a dim where the components differ it refuses)."""
    tensors = list(tensors)
    if not all(isinstance(t, StridedNestedTensor) for t in tensors):
        raise RuntimeError("cat: Expected each tensor in given list to be nested.")
    d = normalize_dim("cat", dim, tensors[0].dim())
    if d == 0:
        return tensors[0].with_parts([p for t in tensors for p in t.parts])
    counts = {len(t.parts) for t in tensors}
    if len(counts) != 1:
        raise RuntimeError(f"cat: the nested tensors must hold as many components to join along dim {dim}, got "
                           f"{[len(t.parts) for t in tensors]}")
    for t in tensors:
        t.size(d)   # PyTorch refuses a dim whose size differs between components
    return tensors[0].with_parts([func(list(ps), d - 1) for ps in zip(*(t.parts for t in tensors))])


def _where(func, condition, input=None, other=None):
    """PyTorch's strided nested tensors have no where: its two refusals."""
    if not isinstance(other, StridedNestedTensor) or not isinstance(input, StridedNestedTensor):
        raise RuntimeError("where: other must be nested (PyTorch's where on strided nested tensors); convert to "
                           "the jagged layout or run it on nt.unbind()")
    raise RuntimeError("where: self must not be nested (PyTorch's strided nested tensors have no where); convert "
                       "to the jagged layout or run it on nt.unbind()")


def _softmax(func, nt, dim=None, dtype=None):
    if dim is None:
        raise RuntimeError("softmax(): give dim= for a nested tensor")
    return softmax(nt, dim, dtype)


def _sdpa(func, query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """Scaled dot-product attention run on each component's (query, key, value)."""
    check_attention("strided", StridedNestedTensor, query, key, value, attn_mask, is_causal)
    return query.with_parts([func(q, k, v, None, dropout_p, False, scale, enable_gqa)
                             for q, k, v in zip(query.parts, key.parts, value.parts)])


#: the dense functions whose strided nested form is not elementwise, by name
FUNCTIONS = {"linear": _linear, "layer_norm": _layer_norm, "dropout": _dropout, "softmax": _softmax,
             "scaled_dot_product_attention": _sdpa, "embedding": _embedding, "cat": _cat, "where": _where,
             "softmin": softmin}


def _install(cls):
    for name, op in (("__add__", "add"), ("__sub__", "sub"), ("__mul__", "mul"), ("__truediv__", "div")):
        setattr(cls, name, _binary(name, op))
        setattr(cls, op, _binary(name, op))
    cls.__radd__ = _swapped("__radd__", "add")
    cls.__rmul__ = _swapped("__rmul__", "mul")
    cls.__eq__ = _scalar_compare("__eq__", "eq")
    cls.__gt__ = _scalar_compare("__gt__", "gt")
    for name in ("__rsub__", "__rtruediv__", "__pow__", "__rpow__", "__lt__", "__le__", "__ge__", "__ne__"):
        setattr(cls, name, unsupported(name))
    cls.__hash__ = object.__hash__
    cls.__neg__ = lambda self: self.map(lambda p: -p)
    cls.__matmul__ = cls.matmul = matmul
    cls.bmm = lambda self, other: matmul(self, other, "bmm")
    cls.sum = sum_
    cls.softmax = softmax
    cls.chunk = chunk
    cls.transpose = transpose
    cls.unsqueeze = unsqueeze
    cls.view = lambda self, *shape: reshape(self, "view", shape)
    cls.reshape = lambda self, *shape: reshape(self, "reshape", shape)


_install(StridedNestedTensor)
StridedNestedTensor._functions = FUNCTIONS
