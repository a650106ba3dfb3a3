"""In-place Tensor methods (`add_`, `mul_`, `exp_`, `clamp_`, `+=`, ...): PyTorch's `_` forms.

Outside a graph the values change in place (the version counter ticks, so a graph that saved them
refuses to backpropagate); inside one the tensor is rebound to the new graph node, as PyTorch's
in-place ops on non-leaf tensors do. A result whose dtype cannot be stored in the tensor's dtype
(a float into an integer tensor, anything but a bool into a bool one) is refused, as in PyTorch.
"""

from . import complex_forms, view_inplace
from .capture import state as capture
from .dtypes import castable
from .errors import DtypeError, ShapeError
from .grad_mode import state
from .sparse_storage import SparseCOO, assign_sparse
from .tensor import Tensor, _check_inplace, rebind
from .versions import mark_replaced, start_change


def _storable(op, result_dtype, dtype):
    if complex_forms.active and dtype.kind == "c" and op in ("abs_", "absolute_"):
        raise TypeError(f"{op}: in-place abs is not supported for complex tensors (the modulus is real, as in "
                        f"PyTorch); use the out-of-place t.abs()")
    if result_dtype != dtype and not castable(result_dtype, dtype):   # PyTorch raises a RuntimeError here
        raise DtypeError(f"{op}: the result is {result_dtype} and cannot be stored in this {dtype} tensor in place; "
                        f"convert first (e.g. t = t.float()) or use the out-of-place form")


def inplace(fn, name):
    """The in-place method `name` made from the out-of-place op `fn(self, *args, **kwargs)`."""
    def method(self, *args, **kwargs):
        others_need_grad = any(isinstance(a, Tensor) and a.requires_grad for a in args)
        if state.enabled and (self.requires_grad or others_need_grad):
            if self._node is None and self.requires_grad:
                _check_inplace(self, name)
            through_view = view_inplace.linked(self)
            # a tensor outside any graph may share its memory with others (t.data, t.detach(), a module's buffer
            # seen through .data): its new values go into that memory, as PyTorch's in-place ops write them
            in_memory = not through_view and view_inplace.shares_memory_outside_graph(self)
            # the nodes this op makes come after the change, so only earlier ones saved the old value; but an op
            # given the tensor itself as an operand (y.mul_(y)) saved it too, and refuses as PyTorch's
            since = None if any(a is self for a in args) else start_change()
            # through a view or into memory, fn's backward keeps the old values, which are then replaced
            result = fn(self.clone() if through_view or in_memory else self, *args, **kwargs)
            _storable(name, result.dtype, self.dtype)
            if result.dtype != self.dtype:
                result = result.astype(self.dtype)
            if through_view:
                view_inplace.write_through(self, result, name, since)
            elif in_memory:
                view_inplace.write_value(self, result, name, since)
            else:
                view_inplace.replace_value(self, result, name, since)
            return self
        result = fn(Tensor._make(self._data, self._device, None, 0, False), *args, **kwargs)
        if type(self._data) is SparseCOO:   # a sparse tensor's entries are replaced (no views share them)
            return assign_sparse(self, result._data, name)
        if result.shape != self.shape:
            raise ShapeError(f"{name}: result shape {result.shape} differs from the tensor's {self.shape}; "
                             "an in-place op cannot change the shape: use the out-of-place form (t = t.op(...))")
        _storable(name, result.dtype, self.dtype)
        target = self._writable()
        if capture.recorder is not None:
            capture.recorder.on_assign(target, result._data)
        target[...] = result._data
        self._bump_version()
        return self
    method.__name__ = name
    method.__doc__ = f"In-place form of {getattr(fn, '__name__', name.rstrip('_'))}: changes this tensor and returns it."
    return method


#: PyTorch's node of the in-place view ops (x.t_() is TBackward1, x.squeeze_(0) SqueezeBackward4)
_INPLACE_VIEW_NODES = {"TransposeBackward0": "TransposeBackward1", "TBackward0": "TBackward1",
                       "SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1": "SqueezeBackward4",
                       "SqueezeBackward2": "SqueezeBackward5", "UnsqueezeBackward0": "UnsqueezeBackward1",
                       "AsStridedBackward0": "AsStridedBackward1"}


def reshaping(fn, name):
    """The in-place method `name` that changes only how the values are viewed (`unsqueeze_`, `t_`, ...): the
    tensor becomes the view fn(self), sharing its memory (inside a graph, the view's graph node)."""
    def method(self, *args, **kwargs):
        if state.enabled and self.requires_grad:
            if self._node is None:
                _check_inplace(self, name)
            result = fn(self, *args, **kwargs)
            if result._node is not None:
                result._node.torch_name = _INPLACE_VIEW_NODES.get(result._node.name(), result._node.name())
            old = self._data
            rebind(self, result)
            self._version_cell()[0] += 1
            mark_replaced([old], start_change())   # the values are unchanged, but PyTorch's saved tensor would refuse
            return self
        old = self._data
        self._data = fn(Tensor._make(self._data, self._device, None, 0, False), *args, **kwargs)._data
        self._version_cell()[0] += 1
        mark_replaced([old], start_change())
        return self
    method.__name__ = name
    method.__doc__ = f"In-place form of {name.rstrip('_')}: this tensor becomes that view of itself and is returned."
    return method
