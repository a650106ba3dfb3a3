"""In-place Tensor methods (`add_`, `mul_`, `exp_`, `clamp_`, `+=`, ...): PyTorch's `_` forms.

Outside a graph the values change in place (the version counter ticks, so a graph that saved them
refuses to backpropagate); inside one the tensor is rebound to the new graph node, as PyTorch's
in-place ops on non-leaf tensors do. A result whose dtype cannot be stored in the tensor's dtype
(a float into an integer tensor, anything but a bool into a bool one) is refused, as in PyTorch.
"""
import numpy as np

from . import complex_forms, view_inplace
from .capture import state as capture
from .dtypes import castable
from .errors import DtypeError
from .grad_mode import state
from .sparse_storage import SparseCOO, assign_sparse
from .tensor import Tensor, _check_inplace, rebind


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
            # through a view, fn's backward keeps the old values, which write_through then replaces
            result = fn(self.clone() if through_view else self, *args, **kwargs)
            _storable(name, result.dtype, self.dtype)
            if result.dtype != self.dtype:
                result = result.astype(self.dtype)
            if through_view:
                view_inplace.write_through(self, result, name)
            else:
                view_inplace.replace_value(self, result, name)
            return self
        result = fn(Tensor._make(self._data, self._device, None, 0, False), *args, **kwargs)
        if type(self._data) is SparseCOO:   # a sparse tensor's entries are replaced (no views share them)
            return assign_sparse(self, result._data, name)
        if result.shape != self.shape:
            raise ValueError(f"{name}: result shape {result.shape} differs from the tensor's {self.shape}; "
                             "an in-place op cannot change the shape")
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


def reshaping(fn, name):
    """The in-place method `name` that changes only how the values are viewed (`unsqueeze_`, `t_`, ...): the
    tensor becomes the view fn(self), sharing its memory (inside a graph, the view's graph node)."""
    def method(self, *args, **kwargs):
        if state.enabled and self.requires_grad:
            if self._node is None:
                _check_inplace(self, name)
            rebind(self, fn(self, *args, **kwargs))
            return self
        self._data = fn(Tensor._make(self._data, self._device, None, 0, False), *args, **kwargs)._data
        return self
    method.__name__ = name
    method.__doc__ = f"In-place form of {name.rstrip('_')}: this tensor becomes that view of itself and is returned."
    return method


def _random_fill(t, values, op):
    if complex_forms.active and t.dtype.kind == "c" and op not in ("uniform_", "normal_"):
        raise TypeError(f"{op}: draws real numbers, which this {t.dtype} tensor does not take (as in PyTorch); fill "
                        f"its parts instead, e.g. t.real.{op}(...)")
    _check_inplace(t, op)
    t._writable()[...] = values
    t._bump_version()
    return t


def uniform_(self, a=0.0, b=1.0):
    """Fill with samples uniform in [a, b) from the device's generator (a complex tensor: each part)."""
    if complex_forms.active and self.dtype.kind == "c":
        return _random_fill(self, _complex_draws(self, lambda: a + (b - a) * self._device.rand(self.shape, np.float64)),
                            "uniform_")
    return _random_fill(self, a + (b - a) * self._device.rand(self.shape, np.float64), "uniform_")


def normal_(self, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std**2) from the device's generator (a complex tensor: each part from
    N(mean, std**2 / 2), as PyTorch's, so that E|z - mean|^2 = std**2)."""
    if complex_forms.active and self.dtype.kind == "c":
        scale = std / np.sqrt(2)
        draws = _complex_draws(self, lambda: mean + scale * self._device.randn(self.shape, np.float64))
        return _random_fill(self, draws, "normal_")
    return _random_fill(self, mean + std * self._device.randn(self.shape, np.float64), "normal_")


def _complex_draws(t, draw):
    """Complex values of t's shape whose real and imaginary parts are two calls of draw()."""
    values = t._device.xp.empty(t.shape, np.complex128)
    values.real = draw()
    values.imag = draw()
    return values


def exponential_(self, lambd=1.0):
    """Fill with samples from the exponential distribution of rate `lambd`."""
    if not lambd > 0:
        raise ValueError(f"exponential_: lambd must be > 0, got {lambd}")
    u = self._device.rand(self.shape, np.float64)
    return _random_fill(self, -self._device.xp.log1p(-u) / lambd, "exponential_")


def log_normal_(self, mean=1.0, std=2.0):
    """Fill with samples whose logarithm is N(mean, std**2)."""
    if not std > 0:
        raise ValueError(f"log_normal_: std must be > 0, got {std}")
    return _random_fill(self, self._device.xp.exp(mean + std * self._device.randn(self.shape, np.float64)),
                        "log_normal_")


def cauchy_(self, median=0.0, sigma=1.0):
    """Fill with samples from the Cauchy distribution at `median` with scale `sigma`."""
    u = self._device.rand(self.shape, np.float64)
    return _random_fill(self, median + sigma * self._device.xp.tan(np.pi * (u - 0.5)), "cauchy_")


def geometric_(self, p):
    """Fill with the number of Bernoulli(p) trials up to and including the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise ValueError(f"geometric_: p must be in (0, 1), got {p}")
    u = self._device.rand(self.shape, np.float64)
    xp = self._device.xp
    return _random_fill(self, xp.maximum(xp.ceil(xp.log1p(-u) / np.log1p(-p)), 1.0), "geometric_")


def random_(self, from_=0, to=None):
    """Fill with integers uniform in [from_, to - 1]; random_(to) draws from [0, to - 1], and random_() from
    [0, 2**m] where m is the mantissa width of a float dtype (the largest value of an integer one)."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        to = (2 ** (np.finfo(self.dtype).nmant + 1) + 1 if self.dtype.kind == "f"
              else min(int(np.iinfo(self.dtype).max) + 1, 2 ** 63 - 1) if self.dtype.kind in "iu" else 2)
    if not to > from_:
        raise ValueError(f"random_: expects from < to, got from={from_} and to={to}")
    return _random_fill(self, self._device.randint(int(from_), int(to), self.shape, np.int64), "random_")

