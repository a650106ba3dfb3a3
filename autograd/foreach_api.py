"""PyTorch's `torch._foreach_*` functions: one elementwise op over a list of tensors (optimisers and EMA code call
them on every parameter at once). Each runs the tensor op on each tensor in turn, so values, dtypes and the
in-place checks are the ops' own. The second operand is what PyTorch takes there: a number, a 0-d or broadcastable
Tensor, a list of numbers or a list of tensors (one per tensor). The `_` forms update the tensors in place and
return the list they were given; the others return a tuple of new tensors."""
import numbers

from .creation import tensor
from .ops.elementwise import maximum, minimum
from .ops.linalg_norms import vector_norm
from .tensor import Tensor

__all__ = []


def _check_list(op, tensors, what="self"):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"torch.{op}: {what} must be a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"Tensor list must have at least one tensor. (torch.{op} got an empty {what})")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"torch.{op}: every element of {what} must be a Tensor, got {type(t).__name__}")
    return tensors


def _per_tensor(op, tensors, other, what="other"):
    """`other` as one value per tensor: a list is checked for length, a number or Tensor is shared."""
    if isinstance(other, (list, tuple)):
        if len(other) != len(tensors):
            kind = "tensors" if other and isinstance(other[0], Tensor) else "scalars"
            if kind == "tensors":
                raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(tensors)} and "
                                   f"{len(other)} (torch.{op}: {what})")
            raise RuntimeError(f"Tensor list must have same number of elements as scalar list. (torch.{op}: "
                               f"{len(tensors)} tensors, {len(other)} {what})")
        return list(other)
    if not isinstance(other, (Tensor, numbers.Number)):
        raise TypeError(f"torch.{op}: {what} must be a number, a Tensor or a list of them, got "
                        f"{type(other).__name__}")
    return [other] * len(tensors)


def _unary(name, method):
    def out_of_place(self):
        return tuple(getattr(t, method)() for t in _check_list(f"_foreach_{name}", self))

    def in_place(self):
        for t in _check_list(f"_foreach_{name}_", self):
            getattr(t, method + "_")()
        return self
    return out_of_place, in_place


def _binary(name, apply):
    """apply(t, other, **kwargs) -> new tensor; apply_(t, other, **kwargs) updates t in place."""
    def out_of_place(self, other=None, *, scalar=None, **kwargs):
        op = f"_foreach_{name}"
        self = _check_list(op, self)
        others = _per_tensor(op, self, scalar if other is None else other)
        return tuple(apply(t, o, False, **kwargs) for t, o in zip(self, others))

    def in_place(self, other=None, *, scalar=None, **kwargs):
        op = f"_foreach_{name}_"
        self = _check_list(op, self)
        others = _per_tensor(op, self, scalar if other is None else other)
        for t, o in zip(self, others):
            apply(t, o, True, **kwargs)
        return self
    return out_of_place, in_place


def _arith(method):
    def apply(t, other, inplace, **kwargs):
        return getattr(t, method + ("_" if inplace else ""))(other, **kwargs)
    return apply


def _as_tensor(value, like):
    return value if isinstance(value, Tensor) else tensor(value, dtype=like.dtype, device=like.device)


def _ternary(name, method):
    """addcmul / addcdiv: self + value * t1 (op) t2, `value` a number, a list of numbers or a Tensor of them."""
    def values(op, self, value):
        if isinstance(value, Tensor):
            if value.ndim != 1 or value.shape[0] != len(self):
                raise RuntimeError(f"Expected length of scalars to match input of length {len(self)} but got "
                                   f"{value.numel()} instead. (torch.{op})")
            return value.tolist()
        return _per_tensor(op, self, value, "scalars")

    def out_of_place(self, tensor1, tensor2, value=1):
        op = f"_foreach_{name}"
        self = _check_list(op, self)
        t1, t2 = _per_tensor(op, self, tensor1, "tensor1"), _per_tensor(op, self, tensor2, "tensor2")
        return tuple(getattr(t, method)(a, b, value=v) for t, a, b, v in zip(self, t1, t2, values(op, self, value)))

    def in_place(self, tensor1, tensor2, value=1):
        op = f"_foreach_{name}_"
        self = _check_list(op, self)
        t1, t2 = _per_tensor(op, self, tensor1, "tensor1"), _per_tensor(op, self, tensor2, "tensor2")
        for t, a, b, v in zip(self, t1, t2, values(op, self, value)):
            getattr(t, method + "_")(a, b, value=v)
        return self
    return out_of_place, in_place


def _lerp():
    def out_of_place(self, tensors1, weight):
        op = "_foreach_lerp"
        self = _check_list(op, self)
        ends, weights = _per_tensor(op, self, tensors1, "tensors1"), _per_tensor(op, self, weight, "weight")
        return tuple(t.lerp(e, w) for t, e, w in zip(self, ends, weights))

    def in_place(self, tensors1, weight):
        op = "_foreach_lerp_"
        self = _check_list(op, self)
        ends, weights = _per_tensor(op, self, tensors1, "tensors1"), _per_tensor(op, self, weight, "weight")
        for t, e, w in zip(self, ends, weights):
            t.lerp_(e, w)
        return self
    return out_of_place, in_place


def _elementwise_pair(function):
    def apply(t, other, inplace):
        result = function(t, _as_tensor(other, t))
        return t.copy_(result) if inplace else result
    return apply


_FORMS = {
    "add": _binary("add", _arith("add")), "sub": _binary("sub", _arith("sub")),
    "mul": _binary("mul", _arith("mul")), "div": _binary("div", _arith("div")),
    "pow": _binary("pow", _arith("pow")),
    "maximum": _binary("maximum", _elementwise_pair(maximum)),
    "minimum": _binary("minimum", _elementwise_pair(minimum)),
    "clamp_min": _binary("clamp_min", _arith("clamp_min")), "clamp_max": _binary("clamp_max", _arith("clamp_max")),
    "addcmul": _ternary("addcmul", "addcmul"), "addcdiv": _ternary("addcdiv", "addcdiv"),
    "lerp": _lerp(),
}
_FORMS.update({name: _unary(name, name) for name in ("neg", "sqrt", "reciprocal", "abs", "exp", "log", "sign",
                                                      "sigmoid", "zero")})


for _name, (_out, _inplace) in _FORMS.items():
    _out.__name__ = _out.__qualname__ = f"_foreach_{_name}"
    _inplace.__name__ = _inplace.__qualname__ = f"_foreach_{_name}_"
    _out.__doc__ = (f"torch._foreach_{_name}: {_name} of each tensor of the list (with the matching element of the "
                    f"other operands); a tuple of new tensors.")
    _inplace.__doc__ = (f"torch._foreach_{_name}_: {_name} of each tensor of the list, in place; returns the "
                        f"list.")
    if _name != "zero":
        globals()[_out.__name__] = _out
        __all__.append(_out.__name__)
    globals()[_inplace.__name__] = _inplace
    __all__.append(_inplace.__name__)


def _foreach_copy_(self, src, non_blocking=False):
    """torch._foreach_copy_: copy each tensor of `src` into the matching tensor of the list; returns the list."""
    self = _check_list("_foreach_copy_", self)
    for t, s in zip(self, _per_tensor("_foreach_copy_", self, src, "src")):
        t.copy_(s)
    return self


def _foreach_norm(self, ord=2, dtype=None):
    """torch._foreach_norm: the vector `ord`-norm of each tensor of the list, as a tuple of 0-d tensors."""
    return tuple(vector_norm(t, ord, dtype=dtype) for t in _check_list("_foreach_norm", self))


__all__ += ["_foreach_copy_", "_foreach_norm"]
