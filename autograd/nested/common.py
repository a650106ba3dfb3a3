"""What the jagged and strided nested tensors share: the rules both layouts follow (truth value, backward's
gradient, the repr's autograd note, copies and casts, the refusal of unsupported ops), each written once.

A layout supplies `each(fn)` (the same nested tensor with `fn` run on what it holds), `_dense_sample()` (a dense
tensor of its dtype and device), `_backward(gradient, ...)`,
`_refuse` (made by `refusal`), `_with_nested_right(func, left, kwargs)` (add/sub/mul/div with this nested tensor
as the right operand), `_in_place(name, args, kwargs)` (an in-place method on what it holds, returning it), and its
tables: `_elementwise_methods` and `_inplace_methods` (Tensor methods PyTorch runs on the layout),
`_elementwise_functions` (dense functions by name) and `_functions` (name -> its own form, called with the dense
function first)."""
from ..creation import full
from ..dtypes import float16, float32, float64
from ..ops.joining import cat
from ..tensor import Tensor

from ..nested_kind import NestedBase
from .call_forms import torch_form


def refusal(layout_words, supported):
    """A maker of functions that raise NotImplementedError (PyTorch's type) for an op `layout_words` nested
    tensors do not support, listing what they support; its `error(name)` is that exception."""
    def error(name):
        return NotImplementedError(f"{name}: not supported for {layout_words}; they support {supported}. Unbind the "
                                   "nested tensor (nt.unbind()) or pad it (nt.to_padded_tensor(0.0)) to run it on "
                                   "dense tensors")

    def refuse_op(name):
        def refuse(*args, **kwargs):
            raise error(name)
        return refuse
    refuse_op.error = error
    return refuse_op


def softmin(func, nt, dim=None, _stacklevel=3, dtype=None):
    """softmax(-nt) over `dim`; without one, PyTorch's implicit dim (0, the batch dim it then refuses, for a 3-d
    tensor)."""
    if dim is None:
        dim = 0 if nt.dim() in (0, 1, 3) else 1
    return (-nt).softmax(dim, dtype)


def pad_to(part, target, padding):
    """`part` (one component) padded with `padding` at the end of each dim up to the sizes `target`."""
    for k, n in enumerate(target):
        if part.shape[k] < n:
            fill_shape = list(part.shape)
            fill_shape[k] = n - part.shape[k]
            part = cat([part, full(tuple(fill_shape), padding, dtype=part.dtype, device=part.device)], k)
    return part


class NestedCommon(NestedBase):
    """The behaviour every nested tensor layout shares."""

    __slots__ = ()

    is_nested = True
    is_sparse = False

    def __str__(self):
        return self.__repr__()

    def __bool__(self):
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous (a nested tensor has no "
                           "single truth value; reduce it first, e.g. bool(nt.to_padded_tensor(0.0).any()))")

    def grad_note(self, grad_fn_text):
        """The repr's autograd part: `grad_fn=` and `grad_fn_text` (each layout prints its node its own way) for a
        result, `requires_grad=True` for a leaf that records, else None."""
        if not self.requires_grad:
            return None
        return "requires_grad=True" if self.is_leaf else f"grad_fn={grad_fn_text}"

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Backpropagate `gradient` (a nested tensor of this one's layout and components' shapes)."""
        if gradient is None:
            raise RuntimeError("grad can be implicitly created only for scalar outputs: a nested tensor's backward "
                               "needs gradient= (a nested tensor of its layout and components' shapes); reduce it "
                               "first, e.g. nt.to_padded_tensor(0.0).sum()")
        self._backward(gradient, retain_graph, create_graph)

    def requires_grad_(self, flag=True):
        """Make this leaf nested tensor record operations (returns it)."""
        self.each(lambda t: t.requires_grad_(flag))
        return self

    def detach(self):
        """The same nested tensor, cut from the graph."""
        return self.each(lambda t: t.detach())

    def clone(self, memory_format=None):
        """A copy (differentiable)."""
        return self.each(lambda t: t.clone())

    def to(self, *args, **kwargs):
        """The nested tensor with what it holds moved or cast as Tensor.to does."""
        return self.each(lambda t: t.to(*args, **kwargs))

    def is_floating_point(self):
        """Whether its dtype is a floating-point one."""
        return self._dense_sample().is_floating_point()

    def is_complex(self):
        """Whether its dtype is a complex one."""
        return self._dense_sample().is_complex()

    def element_size(self):
        """The bytes one element takes."""
        return self._dense_sample().element_size()

    def type(self, dtype):
        """Cast to `dtype` (as to(dtype))."""
        return self.to(dtype)

    def type_as(self, other):
        """Cast to `other`'s dtype."""
        return self.to(other.dtype)

    def float(self):
        """Cast to float32."""
        return self.to(float32)

    def double(self):
        """Cast to float64."""
        return self.to(float64)

    def half(self):
        """Cast to float16."""
        return self.to(float16)

    def cpu(self):
        """On the CPU."""
        return self.to("cpu")

    def unsupported_error(self, op):
        """The exception PyTorch raises for `op` on this nested tensor when its layout does not run it."""
        return self._refuse.error(op)

    def nested_call(self, func, args, kwargs):
        """Run `func` (a dense function that met this nested tensor among its arguments) the nested way: the
        layout's own form of it, else on what the tensor holds when it acts elementwise, else as the nested
        method of its name (a function form of a Tensor method), else PyTorch's refusal. The call is read in
        PyTorch's spelling first (call_forms.torch_form)."""
        args, kwargs = torch_form(func, args, kwargs)
        name = func.__name__
        special = self._functions.get(name)
        if special is not None:
            return special(func, *args, **kwargs)
        if len(args) == 2 and args[0] is not self and args[1] is self and name in ("add", "sub", "mul", "div"):
            return self._with_nested_right(func, args[0], kwargs)
        if args and args[0] is self:
            if name in self._elementwise_functions:
                return self.each(lambda t: func(t, *args[1:], **kwargs))
            if hasattr(Tensor, name):
                return getattr(self, name)(*args[1:], **kwargs)
        raise self.unsupported_error(name)

    def __getattr__(self, name):
        if name.startswith("__") or not hasattr(Tensor, name):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if name in self._elementwise_methods:
            return lambda *args, **kwargs: self.each(lambda t: getattr(t, name)(*args, **kwargs))
        if name in self._inplace_methods:
            return lambda *args, **kwargs: self._in_place(name, args, kwargs)
        return self._refusing(name)

    def _refusing(self, name):
        def refuse(*args, **kwargs):
            raise self.unsupported_error(name)
        return refuse
