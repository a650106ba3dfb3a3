"""In-place Tensor methods (`add_`, `mul_`, `exp_`, `clamp_`, `+=`, ...): PyTorch's `_` forms.

Outside a graph the values change in place (the version counter ticks, so a graph that saved them
refuses to backpropagate); inside one the tensor is rebound to the new graph node, as PyTorch's
in-place ops on non-leaf tensors do. A result whose dtype cannot be stored in the tensor's dtype
(a float into an integer tensor, anything but a bool into a bool one) is refused, as in PyTorch.
"""
import numpy as np

from .capture import state as capture
from .grad_mode import state
from .tensor import Tensor, _check_inplace


def _storable(op, result_dtype, dtype):
    if not np.can_cast(result_dtype, dtype, casting="same_kind"):
        raise TypeError(f"{op}: the result is {result_dtype} and cannot be stored in this {dtype} tensor in place; "
                        f"convert first (e.g. t = t.float()) or use the out-of-place form")


def inplace(fn, name):
    """The in-place method `name` made from the out-of-place op `fn(self, *args, **kwargs)`."""
    def method(self, *args, **kwargs):
        others_need_grad = any(isinstance(a, Tensor) and a.requires_grad for a in args)
        if state.enabled and (self.requires_grad or others_need_grad):
            if self._node is None and self.requires_grad:
                _check_inplace(self, name)
            result = fn(self, *args, **kwargs)
            _storable(name, result.dtype, self.dtype)
            if result.dtype != self.dtype:
                result = result.astype(self.dtype)
            rebind(self, result)
            return self
        result = fn(Tensor._make(self._data, self._device, None, 0, False), *args, **kwargs)
        if result.shape != self.shape:
            raise ValueError(f"{name}: result shape {result.shape} differs from the tensor's {self.shape}; "
                             "an in-place op cannot change the shape")
        _storable(name, result.dtype, self.dtype)
        if capture.recorder is not None:
            capture.recorder.on_assign(self._data, result._data)
        self._data[...] = result._data
        self._bump_version()
        return self
    method.__name__ = name
    method.__doc__ = f"In-place form of {getattr(fn, '__name__', name.rstrip('_'))}: changes this tensor and returns it."
    return method


def rebind(t, result):
    """Make t refer to result's value and graph position (an in-place op on a tensor inside a graph)."""
    t._data, t._node, t._out_idx = result._data, result._node, result._out_idx
    t.requires_grad = result.requires_grad


def _random_fill(t, values, op):
    _check_inplace(t, op)
    t._data[...] = values
    t._bump_version()
    return t


def uniform_(self, a=0.0, b=1.0):
    """Fill with samples uniform in [a, b) from the device's generator."""
    return _random_fill(self, a + (b - a) * self._device.rand(self.shape, np.float64), "uniform_")


def normal_(self, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std**2) from the device's generator."""
    return _random_fill(self, mean + std * self._device.randn(self.shape, np.float64), "normal_")
