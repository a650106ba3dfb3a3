"""Older Tensor methods PyTorch keeps: new (the legacy constructor), apply_, map_ and map2_ (a Python function over
the elements, in place, on host tensors), record_stream (nothing to do here), the removed Variable attributes
(volatile, reinforce) and output_nr. resize_ and resize_as_ are in methods_storage.py."""
import warnings

import numpy as np

from .bf16_dtype import is_bf16
from .creation import empty, tensor
from .size import Size
from .tensor import Tensor
from .legacy_complex import real_items


def legacy_construct(who, args, dtype, device):
    """PyTorch's legacy constructors (FloatTensor(...), t.new(...)): no arguments an empty tensor, ints or a Size
    an uninitialised tensor of that shape, one sequence (or tensor) of values a copy of them as `dtype` (floats
    truncated toward zero for integer dtypes)."""
    if not args:
        return empty(0, dtype=dtype, device=device)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return empty(*args, dtype=dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Size):
        return empty(tuple(args[0]), dtype=dtype, device=device)
    if len(args) != 1:
        raise TypeError(f"{who}: expected sizes (ints) or one sequence of values, got {args!r}")
    if isinstance(args[0], (list, tuple)) and np.asarray(args[0]).dtype.kind == "c":
        return tensor(real_items(who, args[0], dtype), dtype=dtype, device=device)
    values = np.asarray(args[0].detach().numpy() if isinstance(args[0], Tensor) else args[0])
    if values.dtype.kind == "f" and np.dtype(dtype).kind in "iub":
        values = values.astype(dtype)
    return tensor(values, dtype=dtype, device=device)


def new(self, *args, device=None):
    """The legacy constructor: new(2, 3) an uninitialised tensor of this dtype and device, new(data) a copy of
    data as this dtype, new() an empty one."""
    return legacy_construct("new", args, self.dtype, device or self.device)


def _host_values(self, op):
    if not self._device.host_memory:
        raise RuntimeError(f"{op}: only works on host tensors (cpu, numba), this one is on {self.device}; move it "
                           f"with .cpu() first")
    if is_bf16(self.dtype):   # NumPy has no bfloat16 numbers: the callable sees float32 ones, as Python floats
        return np.asarray(self.detach().float().numpy())
    return np.asarray(self.detach().numpy())


def apply_(self, callable):
    """Replace each element x by callable(x) (a Python function of one number), in place; host tensors only,
    and slow (one Python call per element), as in PyTorch."""
    values = _host_values(self, "apply_")
    result = np.array([callable(v) for v in values.ravel().tolist()], dtype=self.dtype).reshape(values.shape)
    return self.copy_(tensor(result, device=self.device))


def map_(self, other, callable):
    """Replace each element x by callable(x, y), y the matching element of `other` (broadcast), in place."""
    values = _host_values(self, "map_")
    others = np.broadcast_to(_host_values(other, "map_"), values.shape)
    pairs = zip(values.ravel().tolist(), others.ravel().tolist())
    result = np.array([callable(x, y) for x, y in pairs], dtype=self.dtype).reshape(values.shape)
    return self.copy_(tensor(result, device=self.device))


def map2_(self, x, y, callable):
    """Replace each element a by callable(a, b, c), b and c the matching elements of `x` and `y` (broadcast), in
    place; host tensors only."""
    values = _host_values(self, "map2_")
    firsts = np.broadcast_to(_host_values(x, "map2_"), values.shape)
    seconds = np.broadcast_to(_host_values(y, "map2_"), values.shape)
    triples = zip(values.ravel().tolist(), firsts.ravel().tolist(), seconds.ravel().tolist())
    result = np.array([callable(a, b, c) for a, b, c in triples], dtype=self.dtype).reshape(values.shape)
    return self.copy_(tensor(result, device=self.device))


def _volatile(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
    return False


def reinforce(self, reward):
    """Removed from PyTorch (stochastic functions): raises its RuntimeError pointing at torch.distributions."""
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead: sample an action from a "
                       "distribution, then backpropagate -distribution.log_prob(action) * reward.")


def _output_nr(self):
    node = self._node
    if node is None:
        return 0
    return self._out_idx if node.shown_output_nr is None else node.shown_output_nr


def record_stream(self, stream):
    """Nothing to do: deepgrad's memory pool never hands memory to another stream while it is in use."""


BINDINGS = {"new": new, "apply_": apply_, "map_": map_, "map2_": map2_, "record_stream": record_stream,
            "reinforce": reinforce,
            "volatile": property(_volatile, doc="Always False, with PyTorch's warning: volatile was removed."),
            "output_nr": property(_output_nr, doc="Which output of the op that made it this tensor is (0 for a "
                                                  "leaf).")}
