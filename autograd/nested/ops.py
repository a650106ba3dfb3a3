"""The ops nested tensors support, each run on the nested tensor's `stored` values (or per component where the
ragged dimension takes part), so the result keeps the structure and the gradient reaches the values."""
import numbers

from ..creation import tensor
from ..dtypes import int64
from ..ops import activation
from ..ops.joining import cat, stack
from ..tensor import Tensor

from ..nested_kind import NestedBase
from .attention_checks import check_attention
from .common import pad_to, refusal, softmin

#: what the error for an unsupported op lists
SUPPORTED = ("elementwise math and activations, + - * / ** with a nested tensor of the same offsets, a dense "
             "tensor over the trailing dims or a scalar, matmul/linear, layer_norm/rms_norm, dropout, "
             "softmax/log_softmax, sum/mean/prod/max/min/amax/amin/argmax/argmin/all/any, where/masked_fill, "
             "cat/stack/chunk/split/narrow/select/squeeze/unsqueeze, transpose/permute/view/reshape/expand/flatten/"
             "unflatten, scaled_dot_product_attention, embedding, unbind, to_padded_tensor, clone, detach, to, and "
             "the in-place zero_ fill_ add_ sub_ mul_ div_ clamp_ relu_ copy_ exp_ neg_ sigmoid_ tanh_")

#: Tensor methods that act elementwise: run on the values, the structure kept
ELEMENTWISE_METHODS = frozenset(
    "abs neg sin cos tan tanh exp expm1 log log1p log2 log10 sqrt rsqrt sigmoid relu square reciprocal sign "
    "floor ceil round trunc frac erf erfc asin acos atan sinh cosh asinh acosh atanh logit nan_to_num clamp clip "
    "clamp_min clamp_max "
    "pow float_power isnan isinf isfinite logical_not bool int long".split())

#: the in-place Tensor methods PyTorch 2.13 runs on a jagged tensor (abs_, masked_fill_ and the random fills it
#: refuses)
INPLACE_METHODS = frozenset(
    "zero_ fill_ add_ sub_ mul_ div_ clamp_ relu_ copy_ exp_ neg_ sigmoid_ tanh_".split())

#: nn.functional / autograd functions that act elementwise on their first argument (PyTorch 2.13 runs these on
#: jagged tensors; hardswish and logsigmoid it refuses)
ELEMENTWISE_FUNCTIONS = frozenset(
    "relu gelu silu sigmoid tanh elu leaky_relu softplus mish hardtanh relu6 hardsigmoid selu celu softsign "
    "tanhshrink alpha_dropout feature_alpha_dropout exp log log1p sqrt abs sin cos".split())


def normalize_dim(op, dim, ndim):
    """`dim` in [0, ndim), or the IndexError PyTorch raises."""
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
                         f"{dim})")
    return dim % ndim


def stored_dim(nt, dim, op):
    """The dimension of `nt.stored` that the nested tensor's non-batch, non-ragged `dim` is."""
    ndim = nt.dim()
    dim = normalize_dim(op, dim, ndim)
    if dim == 0 or dim == nt._ragged_idx:
        which = "batch" if dim == 0 else "ragged"
        raise RuntimeError(f"{op}(): not supported for nested tensors on the {which} dimension (dim={dim}) of a "
                           f"nested tensor of size {size_text(nt)}; use a dimension other than 0 and "
                           f"{nt._ragged_idx}")
    others = [d for d in range(1, ndim) if d != nt._ragged_idx]
    return 1 + others.index(dim)


def size_text(nt):
    """The nested tensor's size as PyTorch's messages print it: (2, j1, 4)."""
    return "(" + ", ".join(str(n) for n in nt.shape) + ")"


#: a function that raises PyTorch's error (NotImplementedError) for an op nested tensors do not support
unsupported = refusal("nested (jagged) tensors", SUPPORTED)


# ----- binary ops
def operand(nt, other, op):
    """`other` as something that combines with `nt.stored` elementwise."""
    if isinstance(other, NestedBase):
        if other._offsets is not nt._offsets or other._ragged_idx != nt._ragged_idx or other.dim() != nt.dim():
            raise RuntimeError(f"cannot call binary pointwise function {op} with inputs of shapes {size_text(nt)} and "
                               f"{size_text(other)}: nested tensors combine only when they share their offsets (make "
                               "one from the other's offsets with nested_tensor_from_jagged)")
        return other.stored
    if isinstance(other, (numbers.Number, bool)):
        return other
    if isinstance(other, Tensor):
        if other.ndim == 0:
            return other
        trailing = nt.dim() - 1 - nt._ragged_idx   # the dims after the ragged one broadcast as in a dense op
        if other.ndim <= trailing:
            return other
        if other.ndim == nt.dim() and nt._ragged_idx == 1 and other.shape[1] == 1 and other.shape[0] in (1, len(nt)):
            return _per_row(nt, other[:, 0])
        raise RuntimeError(f"cannot call binary pointwise function {op} with inputs of shapes {size_text(nt)} and "
                           f"{other.shape}: a dense operand broadcasts only over the nested tensor's dims after "
                           f"the ragged one (at most {trailing} dims), or has size 1 in the ragged dim")
    return NotImplemented


def in_place(nt, name, args, kwargs):
    """nt.<name>(*args) in place on its values (a nested operand of the same offsets gives its own); nt itself."""
    operands = [operand(nt, a, name) if isinstance(a, NestedBase) else a for a in args]
    getattr(nt.stored, name)(*operands, **kwargs)
    return nt


def with_nested_right(nt, func, left, kwargs):
    """func(left, nt) for add/sub/mul/div: a dense `left` broadcasts as in nt's own binary ops; PyTorch refuses a
    number first in the function form (the operators take it)."""
    if not isinstance(left, Tensor):
        raise ValueError(f"NestedTensor {func.__name__}.Tensor(self: jt_all, ...): expected self to be a jagged "
                         f"layout NestedTensor, got {type(left).__name__} (write it as an operator, e.g. "
                         f"{left!r} + nt, or put the nested tensor first)")
    return nt.with_stored(func(operand(nt, left, f"{func.__name__}.Tensor"), nt.stored, **kwargs))


def _per_row(nt, per_component):
    """`per_component` (B or 1, *rest) repeated for each row of `nt.stored` (the component it belongs to)."""
    if per_component.shape[0] == 1:
        return per_component[0]
    total = nt.stored.shape[0]
    rows = [0] * total
    for i, (a, b) in enumerate(nt.rows()):
        rows[a:b] = [i] * (b - a)
    return per_component[tensor(rows, dtype=int64)]


def _binary(name, swapped=False):
    def method(self, other):
        value = operand(self, other, f"{name.strip('_')}.Tensor")
        if value is NotImplemented:
            return NotImplemented
        a, b = (value, self.stored) if swapped else (self.stored, value)
        return self.with_stored(getattr(Tensor, name)(a, b) if isinstance(a, Tensor)
                                else getattr(b, "__r" + name[2:])(a))
    method.__name__ = name
    method.__doc__ = f"The nested tensor's `{name}` elementwise (structure kept)."
    return method


_BINARY = ("__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__eq__", "__ne__", "__lt__", "__le__",
           "__gt__", "__ge__")


def _named_binary(op):
    def method(self, other, **alpha):
        value = operand(self, other, f"{op}.Tensor")
        if value is NotImplemented:
            raise TypeError(f"{op}(): cannot combine a nested tensor with {type(other).__name__}")
        return self.with_stored(getattr(self.stored, op)(value, **alpha))
    method.__name__ = op
    method.__doc__ = f"The nested tensor's `{op}` elementwise (structure kept)."
    return method


def install_methods(cls):
    """Bind the operators and op methods onto `cls` (NestedTensor)."""
    for name in _BINARY:
        setattr(cls, name, _binary(name))
    for name in ("__add__", "__sub__", "__mul__", "__truediv__", "__pow__"):
        setattr(cls, "__r" + name[2:], _binary(name, swapped=True))
    for op in ("add", "sub", "mul", "div", "maximum", "minimum"):
        setattr(cls, op, _named_binary(op))
    cls.__neg__ = lambda self: self.with_stored(-self.stored)
    cls.__hash__ = object.__hash__
    cls.__matmul__ = cls.matmul = cls.bmm = matmul
    cls.sum = lambda self, dim=None, keepdim=False, dtype=None: reduce(self, "sum", dim, keepdim, dtype)
    cls.mean = lambda self, dim=None, keepdim=False, dtype=None: reduce(self, "mean", dim, keepdim, dtype)
    cls.softmax = lambda self, dim, dtype=None: softmax(self, dim, dtype, "softmax")
    cls.log_softmax = lambda self, dim, dtype=None: softmax(self, dim, dtype, "log_softmax")
    cls.unsqueeze = unsqueeze
    cls.unflatten = unflatten
    cls.flatten = flatten


# ----- structured ops
def matmul(nt, other):
    """nt @ other for a dense matrix `other` (in, out) and a nested tensor whose last dim is not ragged."""
    if not isinstance(other, Tensor) or other.ndim != 2 or nt._ragged_idx == nt.dim() - 1:
        raise RuntimeError(f"matmul(): a nested tensor of size {size_text(nt)} multiplies only a dense 2-d matrix "
                           f"from the right (over a last dim that is not ragged), got "
                           f"{getattr(other, 'shape', type(other).__name__)}")
    return nt.with_stored(nt.stored @ other)


def reduce(nt, how, dim, keepdim, dtype):
    """sum / mean over `dim` (None: every dim) as PyTorch reduces a jagged nested tensor: over regular dims a
    nested tensor, over the ragged dim (alone) or the batch and ragged dims together a dense one."""
    op = f"{how}()"
    ndim, ragged = nt.dim(), nt._ragged_idx
    given = () if dim is None else (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    dims = sorted({normalize_dim(op, d, ndim) for d in given}) if given else list(range(ndim))
    cast = {} if dtype is None else {"dtype": dtype}
    if 0 in dims and ragged not in dims:
        raise RuntimeError(f"{op}: reducing along the batch dimension but not the ragged dimension is not "
                           "supported for nested tensors")
    if given and ragged in dims:
        refuse_holes(nt, op)
    if ragged in dims and 0 not in dims:
        if len(dims) > 1:   # PyTorch's own types: an assertion in its mean, a RuntimeError in its sum
            error = AssertionError if how == "mean" else RuntimeError
            raise error(f"{op}: Cannot reduce on both ragged and non-batch dimensions without also reducing on "
                        "batch (reducing along a ragged and non-batch dimension is not supported for nested tensors)")
        out = stack([getattr(nt.stored[a:b], how)(0, keepdim=keepdim, **cast) for a, b in nt.rows()], 0)
        return out.movedim(1, ragged) if keepdim and ragged != 1 else out
    if 0 in dims:   # the batch and ragged dims together, with any others: a dense result
        values = nt.stored if nt._lengths is None else compact(nt).stored
        if dim is None and not keepdim:
            return getattr(values, how)(**cast)
        inner = (0,) + tuple(stored_dim(nt, d, op) for d in dims if d not in (0, ragged))
        out = getattr(values, how)(dim=inner, keepdim=keepdim, **cast)
        # stored keeps [ragged, regular dims...]: the ragged size-1 dim goes to its place, the batch one in front
        return out.movedim(0, ragged - 1).unsqueeze(0) if keepdim else out
    inner = tuple(stored_dim(nt, d, op) for d in dims)
    out = getattr(nt.stored, how)(dim=inner, keepdim=keepdim, **cast)
    shift = sum(1 for d in dims if d < ragged) if not keepdim else 0
    return nt.with_stored(out, ragged - shift)


def refuse_holes(nt, op):
    """PyTorch's refusal to reduce over the ragged dim of a nested tensor with holes (made with lengths)."""
    if nt._lengths is not None:
        raise RuntimeError(f"{op}: reducing across the ragged dimension is not supported for non-contiguous nested "
                           "tensors with holes; call nt.contiguous() first")


def softmax(nt, dim, dtype, how):
    """softmax / log_softmax over `dim`: on the values for a regular dim, per component for the ragged one."""
    fn = getattr(activation, how)
    ndim = nt.dim()
    d = normalize_dim(how, dim, ndim)
    if d == 0:
        raise RuntimeError(f"{how}(): not supported for nested tensors on the batch dimension (dim=0)")
    if d != nt._ragged_idx:
        return nt.with_stored(fn(nt.stored, stored_dim(nt, d, how), dtype=dtype))
    if how == "log_softmax":   # PyTorch refuses it (softmax over the ragged dim it runs)
        raise RuntimeError("log_softmax(): not supported when reducing along the ragged dimension for NestedTensor")
    return per_component(nt, lambda rows: fn(rows, 0, dtype=dtype))


def compact(nt):
    """A copy of `nt` whose components follow one another in its values (new offsets, no lengths)."""
    rows = nt.rows()
    stored = cat([nt.stored[a:b] for a, b in rows], 0).contiguous() if rows else nt.stored.clone()
    starts = [0]
    for a, b in rows:
        starts.append(starts[-1] + b - a)
    return type(nt)(stored, tensor(starts, dtype=int64, device=nt.device), None, nt._ragged_idx)


def per_component(nt, fn):
    """`fn` run on each component's rows of `stored` (the ragged dim first) and joined back: same structure."""
    if nt._lengths is not None:
        raise RuntimeError("this op over the ragged dimension needs a contiguous nested tensor (no lengths); "
                           "call it on one made without lengths")
    return nt.with_stored(cat([fn(nt.stored[a:b]) for a, b in nt.rows()], 0))


def unflatten(nt, dim, sizes):
    """Dim `dim` (not the batch or ragged one) split into `sizes` (attention heads: (B, j, H * D) -> (B, j, H, D))."""
    sizes = tuple(sizes)
    d = normalize_dim("unflatten", dim, nt.dim())
    inner = stored_dim(nt, d, "unflatten")
    ragged = nt._ragged_idx + (len(sizes) - 1 if d < nt._ragged_idx else 0)
    return nt.with_stored(nt.stored.unflatten(inner, sizes), ragged)


def flatten(nt, start_dim=0, end_dim=-1):
    """Dims start_dim..end_dim (neither the batch nor the ragged one among them) merged into one."""
    ndim = nt.dim()
    start, end = normalize_dim("flatten", start_dim, ndim), normalize_dim("flatten", end_dim, ndim)
    if start >= end:
        return nt
    if start == 0 or start <= nt._ragged_idx <= end:
        raise RuntimeError(f"flatten(): cannot flatten dims {start}..{end} of a nested tensor of size {size_text(nt)}: "
                           "the batch and ragged dims cannot be merged")
    a, b = stored_dim(nt, start, "flatten"), stored_dim(nt, end, "flatten")
    ragged = nt._ragged_idx - (end - start if end < nt._ragged_idx else 0)
    return nt.with_stored(nt.stored.flatten(a, b), ragged)


def unsqueeze(nt, dim):
    """A size-1 dim inserted at `dim` (not the batch dim)."""
    ndim = nt.dim() + 1
    d = normalize_dim("unsqueeze", dim, ndim)
    if d == 0:
        raise RuntimeError("unsqueeze(): cannot unsqueeze the batch dimension of a nested tensor")
    ragged = nt._ragged_idx + (1 if d <= nt._ragged_idx else 0)
    position = d - (1 if d > ragged else 0)   # where it lands in stored (the ragged dim is stored's dim 0)
    position = max(position, 1)
    return nt.with_stored(nt.stored.unsqueeze(position), ragged)


def to_padded(nt, padding, output_size=None):
    """A dense tensor: each component padded with `padding` along the ragged dim (and others, to
    `output_size`) then stacked (differentiable)."""
    if nt._lengths is not None:   # as PyTorch: the components of a narrowed tensor leave gaps in its values
        raise RuntimeError("to_padded_tensor(): not supported for nested tensors with holes (made with lengths, "
                           "e.g. by nested.narrow); pad its unbind() components instead")
    parts = list(nt.unbind())
    r = nt._ragged_idx - 1   # the ragged dim inside a component
    longest = max((p.shape[r] for p in parts), default=0)
    target = [longest if k == r else n for k, n in enumerate(parts[0].shape)] if parts else []
    if output_size is not None:   # PyTorch's jagged form reads only the ragged dim's entry
        output_size = list(output_size)
        if len(output_size) != nt.dim() or output_size[nt._ragged_idx] < longest:
            raise RuntimeError(f"to_padded_tensor: output_size {tuple(output_size)} must have {nt.dim()} entries "
                               f"and at least {longest} in the ragged dim, for a nested tensor of size {size_text(nt)}")
        target[r] = output_size[nt._ragged_idx]
    return stack([pad_to(p, target, padding) for p in parts], 0)


# ----- nn.functional ops handed over through `nested_call` (each takes the dense function first)
def _linear(func, nt, weight, bias=None):
    return nt.with_stored(func(_last_regular(nt, "linear"), weight, bias))


def _last_regular(nt, op):
    if nt._ragged_idx == nt.dim() - 1:
        raise RuntimeError(f"{op}(): not supported over the ragged (last) dimension of a nested tensor of size "
                           f"{size_text(nt)}")
    return nt.stored


def _check_trailing(nt, op, normalized_shape):
    """PyTorch's refusal of a normalization whose `normalized_shape` reaches the ragged dimension."""
    n = 1 if isinstance(normalized_shape, numbers.Integral) else len(tuple(normalized_shape))
    if n > nt.dim() - 1 - nt._ragged_idx:
        raise RuntimeError(f"{op}(): normalizing over the ragged dimension is not supported for a nested "
                           f"tensor of size {size_text(nt)} (normalized_shape {normalized_shape})")


def _layer_norm(func, nt, normalized_shape, weight=None, bias=None, eps=1e-5):
    _check_trailing(nt, "layer_norm", normalized_shape)
    return nt.with_stored(func(nt.stored, normalized_shape, weight, bias, eps))


def _rms_norm(func, nt, normalized_shape, weight=None, eps=None):
    _check_trailing(nt, "rms_norm", normalized_shape)
    return nt.with_stored(func(nt.stored, normalized_shape, weight, eps))


def _dropout(func, nt, p=0.5, training=True, inplace=False):
    return nt.with_stored(func(nt.stored, p, training, False))


def _embedding(func, input, weight, *args, **kwargs):
    """Each index looked up: the rows of `weight` in the index tensor's structure, one dim more."""
    return input.with_stored(func(input.stored, weight, *args, **kwargs))


def _softmax_f(how):
    def run(func, nt, dim=None, dtype=None):
        if dim is None:
            raise RuntimeError(f"{how}(): give dim= for a nested tensor")
        return softmax(nt, dim, dtype, how)
    return run


def _sdpa(func, query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """Scaled dot-product attention run on each component (PyTorch's math path for jagged tensors)."""
    check_attention("jagged", NestedBase, query, key, value, attn_mask, is_causal)
    if query._lengths is not None:
        raise RuntimeError("scaled_dot_product_attention(): query must be a contiguous nested tensor (no lengths)")
    outs = [func(q, k, v, None, dropout_p, is_causal, scale, enable_gqa)
            for q, k, v in zip(query.unbind(), key.unbind(), value.unbind())]
    r = query._ragged_idx - 1
    return query.with_stored(cat([o.movedim(r, 0) for o in outs], 0))


#: the dense functions whose nested form is not elementwise, by name
FUNCTIONS = {"linear": _linear, "layer_norm": _layer_norm, "rms_norm": _rms_norm, "dropout": _dropout,
             "embedding": _embedding, "softmax": _softmax_f("softmax"), "log_softmax": _softmax_f("log_softmax"),
             "softmin": softmin,
             "scaled_dot_product_attention": _sdpa}
