"""Operators and methods of Tensor, bound to the op functions.

tensor.py defines the type alone; everything a Tensor does by running an op, the backward engine or a
hook is bound here, one floor above the ops, so no module below imports one above it.
"""
from .engine import run_backward
from .errors import GraphError
from .grad_mode import state
from .hooks import add_hook
from .ops import convert as C
from .ops import activation as A
from .ops import elementwise as E
from .ops import indexing as I
from .ops import linalg as L
from .ops import reduction as R
from .ops import shape as S
from .ops.setitem import setitem
from .tensor import Tensor, _check_inplace


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _axes_args(axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        return axes[0]
    return axes or None


def _inplace(fn, name):
    """t op= other: changes t's memory when no graph is involved, else rebinds t to the new result."""
    def method(self, other):
        other_grad = isinstance(other, Tensor) and other.requires_grad
        if state.enabled and (self.requires_grad or other_grad):
            if self._node is None and self.requires_grad:
                _check_inplace(self, name)
            result = fn(self, other)
            _rebind(self, result)
            return self
        result = fn(Tensor._make(self._data, self._device, None, 0, False), other)
        if result.shape != self.shape:
            raise ValueError(f"{name}: result shape {result.shape} differs from the tensor's {self.shape}; "
                             "an in-place op cannot change the shape")
        self._data[...] = result._data
        self._bump_version()
        return self
    return method


def _rebind(t, result):
    """Make t refer to result's value and graph position (an in-place op on a tensor inside a graph)."""
    t._data, t._node, t._out_idx = result._data, result._node, result._out_idx
    t.requires_grad = result.requires_grad


def _setitem(self, index, value):
    if state.enabled and (self.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        if self._node is None and self.requires_grad:
            _check_inplace(self, "setitem")
        _rebind(self, setitem(self, index, value))
        return
    index = I._prepare_index(self, index)
    self._data[index] = value._data if isinstance(value, Tensor) else value
    self._bump_version()


def _T(self):
    """The tensor with its axes reversed."""
    return S.transpose(self)


def _clone(self):
    """A copy of the values that stays in the graph."""
    return E.Clone.apply(self)


def _register_hook(self, fn):
    """Call fn(grad) when this tensor's gradient is computed; a non-None return replaces it."""
    if not self.requires_grad:
        raise GraphError("register_hook: this tensor does not require gradients")
    return add_hook(self, fn)


def _backward(self, grad=None, retain_graph=False, create_graph=False):
    """Accumulate d(self)/d(leaf) into every leaf's .grad (grad is required for non-scalars)."""
    run_backward([self], [grad], retain_graph=retain_graph, create_graph=create_graph)


def _to(self, target):
    """This tensor on another device ('cpu', 'numba', 'cuda:0') or with another dtype."""
    return C.to(self, target)


def _astype(self, dtype):
    """This tensor with another dtype (differentiable between float dtypes)."""
    return C.astype(self, dtype)


def _cpu(self):
    """This tensor on the `cpu` device."""
    return C.to(self, "cpu")


def _reshape(self, *shape):
    return S.reshape(self, *shape)


def _transpose(self, *axes):
    return S.transpose(self, _axes_args(axes))


_BINDINGS = {
    "T": property(_T), "clone": _clone, "register_hook": _register_hook, "backward": _backward, "to": _to,
    "astype": _astype, "cpu": _cpu,
    "__add__": E.add, "__radd__": _reflected(E.add), "__sub__": E.sub, "__rsub__": _reflected(E.sub),
    "__mul__": E.mul, "__rmul__": _reflected(E.mul), "__truediv__": E.div, "__rtruediv__": _reflected(E.div),
    "__pow__": E.pow, "__rpow__": _reflected(E.pow), "__matmul__": L.matmul, "__rmatmul__": _reflected(L.matmul),
    "__neg__": E.neg, "__pos__": lambda self: self, "__abs__": E.abs,
    "__eq__": E.eq, "__ne__": E.ne, "__lt__": E.lt, "__le__": E.le, "__gt__": E.gt, "__ge__": E.ge,
    "__and__": E.logical_and, "__or__": E.logical_or, "__xor__": E.logical_xor, "__invert__": E.logical_not,
    "__iadd__": _inplace(E.add, "+="), "__isub__": _inplace(E.sub, "-="), "__imul__": _inplace(E.mul, "*="),
    "__itruediv__": _inplace(E.div, "/="),
    "__getitem__": I.getitem, "__setitem__": _setitem,
    "exp": E.exp, "log": E.log, "log1p": E.log1p, "sqrt": E.sqrt, "abs": E.abs, "sin": E.sin, "cos": E.cos,
    "tanh": E.tanh, "sigmoid": A.sigmoid, "relu": A.relu, "clip": E.clip, "maximum": E.maximum,
    "minimum": E.minimum, "sign": E.sign,
    "sum": R.sum, "mean": R.mean, "var": R.var, "std": R.std, "max": R.max, "min": R.min, "argmax": R.argmax,
    "argmin": R.argmin, "logsumexp": R.logsumexp, "prod": R.prod, "any": R.any, "all": R.all, "norm": L.norm,
    "matmul": L.matmul, "reshape": _reshape, "view": _reshape, "transpose": _transpose, "permute": _transpose,
    "swapaxes": S.swapaxes, "squeeze": S.squeeze, "unsqueeze": S.unsqueeze, "expand_dims": S.expand_dims,
    "broadcast_to": S.broadcast_to, "flatten": S.flatten, "flip": S.flip, "pad": S.pad, "split": S.split,
    "take_along_axis": I.take_along_axis,
}

for _name, _fn in _BINDINGS.items():
    setattr(Tensor, _name, _fn)

__all__ = ["GraphError"]
