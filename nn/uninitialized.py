"""UninitializedParameter and UninitializedBuffer: the placeholders a lazy layer (LazyLinear, LazyConv2d,
LazyBatchNorm1d, ...) holds until its first input shows their shapes, as torch.nn.parameter's; and is_lazy.

A placeholder knows its dtype, device and requires_grad but has no values: reading them (an op, .numel(),
.tolist(), .detach()) raises PyTorch's ValueError and .shape its RuntimeError. `materialize(shape)` gives it
values and turns the same object into a Parameter (a plain Tensor for a buffer), so an optimiser built over
the lazy module before its first forward still holds the parameters it then trains.
"""
import numpy as np

import autograd as ag
from autograd import arrays
from autograd.tensor import Tensor

from .module import Parameter

#: what a placeholder answers without values (the rest raises); PyTorch allows these too
_OPEN = frozenset(("materialize", "cls_to_become", "requires_grad", "is_leaf", "grad", "dtype", "device", "data",
                   "size", "ndim", "_become", "_placeholder", "_device", "_rg", "_grad", "_node", "_out_idx", "_vc",
                   "_hooks", "_view_of", "grad_fn", "is_floating_point", "is_complex", "_uninitialized",
                   "_version", "name", "retains_grad", "is_sparse", "layout", "_post_accumulate_hooks"))


def _refused(name):
    return ValueError(f"Attempted to use an uninitialized parameter in {name}. This error happens when you are "
                      "using a `LazyModule` or explicitly manipulating `nn.parameter.UninitializedParameter` "
                      "objects. When using LazyModules call `forward` with a dummy batch to initialize the "
                      "parameters before calling torch functions (as in PyTorch)")


class UninitializedTensorMixin:
    """What UninitializedParameter and UninitializedBuffer share: no values until materialize()."""

    __slots__ = ()
    _uninitialized = True
    cls_to_become = None

    def __getattribute__(self, name):
        if name in _OPEN or (name.startswith("__") and name.endswith("__")):
            return object.__getattribute__(self, name)
        if name == "shape":
            raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                               "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                               "initialized one. Call `forward` to initialize the parameters before accessing their "
                               "attributes (as in PyTorch)")
        raise _refused("an op on its values" if name == "_data" else f"Tensor.{name}")

    def _placeholder(self):
        return object.__getattribute__(self, "_data")

    @property
    def dtype(self):
        return self._placeholder().dtype

    @property
    def data(self):
        """An empty tensor of the placeholder's dtype, as PyTorch's .data of one."""
        return arrays.wrap(self._placeholder(), object.__getattribute__(self, "_device"))

    @property
    def ndim(self):
        return 1

    def size(self, dim=None):
        """Size([0]) as PyTorch answers for a placeholder (its real size is not known yet)."""
        return ag.Size((0,)) if dim is None else 0

    def materialize(self, shape, device=None, dtype=None):
        """Give the placeholder uninitialised values of `shape` (on `device`, of `dtype`: its own by default)
        and turn it into `cls_to_become` in place."""
        if isinstance(shape, int):
            shape = (shape,)
        source = self._placeholder()
        device = object.__getattribute__(self, "_device") if device is None else device
        self._become(ag.empty(tuple(shape), dtype=source.dtype if dtype is None else dtype, device=device))

    def _become(self, tensor):
        """Take `tensor`'s values (shared) and device, and become `cls_to_become`: how lazy layers fill it."""
        arrays.replace(self, arrays.array(tensor), tensor.device)
        object.__setattr__(self, "__class__", type(self).cls_to_become)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __len__(self):
        raise _refused("Tensor.__len__")

    def __reduce_ex__(self, protocol):
        return (type(self), (object.__getattribute__(self, "_rg"),))

    def __deepcopy__(self, memo):
        fresh = type(self)(object.__getattribute__(self, "_rg"), device=object.__getattribute__(self, "_device"),
                           dtype=self._placeholder().dtype)
        memo[id(self)] = fresh
        return fresh


def _start(t, requires_grad, device, dtype):
    # built as a plain empty Tensor, then its slots copied: Tensor.__init__ reads _data, which a placeholder refuses
    made = ag.empty(0, dtype=ag.get_default_dtype() if dtype is None else dtype, device=device)
    for slot in Tensor.__slots__:
        try:
            object.__setattr__(t, slot, object.__getattribute__(made, slot))
        except AttributeError:   # a slot the fresh tensor leaves unset
            pass
    object.__setattr__(t, "_rg", bool(requires_grad))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet (a lazy layer's weight before its first input); materialize()
    makes it an ordinary Parameter, as torch.nn.parameter.UninitializedParameter."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        _start(self, requires_grad, device, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (a lazy norm's running statistics); materialize() makes it a plain
    Tensor, as torch.nn.parameter.UninitializedBuffer."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        _start(self, requires_grad, device, dtype)


def is_lazy(param):
    """True for an UninitializedParameter or UninitializedBuffer (a value not materialised yet)."""
    return isinstance(param, UninitializedTensorMixin)
