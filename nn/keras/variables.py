"""keras.Variable: a Tensor that holds state a program updates by hand (`assign`, `assign_add`, `assign_sub`),
as custom metrics do with the variables they make with `add_variable` / `add_weight`."""
import numpy as np

import autograd as ag
from autograd import Tensor, arrays
from autograd.bf16_dtype import is_bf16

from . import settings
from .context import in_shape_probe, scope_path, stateless_scope
from .dtypes import standardize_dtype
from .variable_registry import register
from .variable_arguments import checked_aggregation, checked_overwrite_flag, checked_synchronization


def resolve_initializer(identifier):
    """The initializer an identifier names (keras.initializers.get): replaced by nn.keras.initializers when it is
    imported, since this module cannot import it (initializers draw through keras.random, whose SeedGenerator
    keeps its state in a Variable)."""
    raise RuntimeError("nn.keras.variables: import nn.keras (or nn.keras.initializers) before making a Variable "
                       f"from the initializer {identifier!r}")


def _numpy_dtype(name):
    """The NumPy dtype of a Keras dtype name ('bfloat16', which NumPy lacks, as ml_dtypes' dtype)."""
    return np.dtype(ag.bfloat16) if name == "bfloat16" else np.dtype(name)


class DTypeName(str):
    """A variable's dtype as Keras gives it: the name ('float32'), a str that prints, compares and hashes as one.
    It also answers as the NumPy dtype it names (`.kind`, `.itemsize`, `== np.float32`), since deepgrad's own ops
    read a variable's dtype as they read any tensor's."""

    def __new__(cls, dtype):
        dtype = np.dtype(dtype)
        name = str.__new__(cls, dtype.name)
        name.numpy_dtype = dtype
        return name

    def __getattr__(self, attribute):   # only what str lacks: kind, itemsize, type, char, ...
        if attribute.startswith("__") or attribute == "numpy_dtype":
            raise AttributeError(attribute)
        return getattr(self.numpy_dtype, attribute)

    def __eq__(self, other):
        if isinstance(other, str):
            return str.__eq__(self, other)
        try:
            return self.numpy_dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


_dtype_names = {}   # NumPy dtype -> its DTypeName, made once


def dtype_name(dtype):
    """The DTypeName of a NumPy dtype."""
    name = _dtype_names.get(dtype)
    if name is None:
        name = _dtype_names[dtype] = DTypeName(dtype)
    return name


class Variable(Tensor):
    """A named Tensor, outside any graph, whose values change in place through `assign*`."""

    __slots__ = ("name", "aggregation", "path", "_pending_scope", "_synchronization", "_autocast",
                 "_overwrite_with_gradient")

    #: Keras's variable settings a keras.Variable made here always has
    constraint, regularizer = None, None

    synchronization = property(lambda self: getattr(self, "_synchronization", "auto"),
                               doc="Keras's multi-device synchronization setting: shown, no effect on one device.")
    overwrite_with_gradient = property(
        lambda self: getattr(self, "_overwrite_with_gradient", False),
        lambda self, value: setattr(self, "_overwrite_with_gradient", checked_overwrite_flag(value)),
        doc="Whether an optimizer writes the gradient into the variable instead of taking a step, as Keras.")

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                 synchronization="auto", name=None, layout=None, **kwargs):
        # as Keras: `layout` (a distribution layout) and other keywords are the backend's, unused on torch
        aggregation, synchronization = checked_aggregation(aggregation), checked_synchronization(synchronization)
        deferred = stateless_scope()
        if deferred is not None and not (isinstance(initializer, str) or callable(initializer)):
            if name is None:   # Keras names the variable before it refuses it: the next one counts on
                from .naming import unique_name
                unique_name("variable")
            raise ValueError(STATELESS_VALUE_REFUSAL)
        if isinstance(initializer, str) or callable(initializer):
            if shape is None:
                raise ValueError(f"keras.Variable {name!r}: give `shape` with the initializer {initializer!r}")
            dtype = _numpy_dtype(standardize_dtype(dtype))
            values = np.asarray(resolve_initializer(initializer)(tuple(int(n) for n in shape)), dtype=dtype)
        else:   # a value, as Keras: its own shape (`shape` is not used), and its dtype unless `dtype` is given
            values = initializer.numpy() if isinstance(initializer, Tensor) else np.asarray(initializer)
            if dtype is None and not isinstance(initializer, (Tensor, np.ndarray, np.generic)):
                dtype = {"b": "bool", "i": "int32", "f": settings.floatx()}.get(values.dtype.kind)   # Python numbers
            dtype = _numpy_dtype(standardize_dtype(dtype or values.dtype))
            values = values.astype(dtype)
        source = ag.tensor(values)
        Tensor.__init__(self, arrays.array(source), device=source.device)
        self.requires_grad_(bool(trainable) and (dtype.kind in "fc" or is_bf16(dtype)))   # trainable by default
        scope = scope_path()   # the open name scopes (keras.name_scope, a layer's build); an owner may re-scope it
        if name is None:
            from .naming import unique_name
            name = unique_name("variable")   # as Keras: variable, variable_1, ...
        self.name, self.aggregation, self.path = name, aggregation, f"{scope}/{name}" if scope else name
        self._synchronization, self._autocast = synchronization, bool(autocast)
        if deferred is not None:   # Keras initialises it when the scope ends: until then it shows no value
            self._pending_scope = deferred
        register(self)

    @classmethod
    def view(cls, array, device, name):
        """A Variable over the backend `array` itself (no copy), so it follows in-place updates of it."""
        variable = cls.__new__(cls)
        Tensor.__init__(variable, array, device=device)
        variable.name, variable.aggregation, variable.path = name, "none", name
        register(variable)
        return variable

    def _values(self, value):
        if isinstance(value, Tensor):   # via float32 for a bfloat16 value (NumPy has no bfloat16 of its own)
            value = value.detach()
            value = (value.float() if value.dtype == ag.bfloat16 else value).numpy()
        else:
            value = np.asarray(value)
        if value.size != 1 and tuple(value.shape) != tuple(self.shape):
            raise ValueError(f"keras.Variable {self.name!r}: cannot assign a value of shape {tuple(value.shape)} "
                             f"to a variable of shape {tuple(self.shape)}")
        dtype = Tensor.dtype.__get__(self)
        return np.broadcast_to(value.astype(dtype, copy=False).reshape(()) if value.size == 1 else value,
                               tuple(self.shape)).astype(dtype)

    def assign(self, value):
        """Set the values to `value` (same shape, or a scalar); returns the variable. Inside a functional call's
        shape probe nothing changes, as Keras traces that call in a stateless scope."""
        values = self._values(value)
        if stateless_scope() is not None:   # the scope keeps the new value; graphs keep what they saved
            arrays.replace(self, self.device.xp.asarray(values))
        elif not in_shape_probe():
            arrays.assign_(self, self.device.xp.asarray(values))
        return self

    def assign_add(self, delta):
        """Add `delta` to the values in place; returns the variable."""
        return self.assign(self.numpy() + self._values(delta))

    def assign_sub(self, delta):
        """Subtract `delta` from the values in place; returns the variable."""
        return self.assign(self.numpy() - self._values(delta))

    def numpy(self):
        """The values now, as a NumPy array (ml_dtypes' for bfloat16, as Keras's): a snapshot that later assign*
        calls do not change, as in Keras."""
        return np.array(self._host())

    dtype = property(lambda self: dtype_name(Tensor.dtype.__get__(self)),
                     doc="The dtype's name, a str as Keras's variable.dtype ('float32'), that also reads as the "
                         "NumPy dtype.")

    shape = property(lambda self: tuple(Tensor.shape.__get__(self)),
                     doc="The shape as a plain tuple, as Keras's variable.shape (a tensor's shape is a Size).")

    @property
    def value(self):
        """The variable itself, as Keras's torch backend's `variable.value` is its Parameter: a trainable
        variable's value takes part in graphs, and `variable.value.grad` reads its gradient."""
        return self

    trainable = property(lambda self: self.requires_grad, lambda self, value: self.requires_grad_(bool(value)),
                         doc="Whether the variable is trained (Keras's `variable.trainable`: whether it requires "
                             "grad; False for a frozen layer's weights).")

    def __repr__(self):
        return keras_variable_repr(self)


def keras_variable_repr(variable):
    """Keras's text for a variable, which print() shows too: `<Variable path=dense/kernel, shape=(3, 2),
    dtype=float32, value=[[...]]>`, the values as NumPy prints them."""
    shown = "" if pending_initialization(variable) else f", value={variable.numpy()}"
    return f"<Variable path={variable.path}, shape={tuple(variable.shape)}, dtype={variable.dtype}{shown}>"


def pending_initialization(variable):
    """Whether Keras would still hold `variable` uninitialised: made inside a keras.StatelessScope that is still
    open (or that ended with initialize_variables=False)."""
    scope = getattr(variable, "_pending_scope", None)
    return scope is not None and (scope.is_open or not scope.initialize_variables)


STATELESS_VALUE_REFUSAL = (
    "You are attempting to create a variable while in a stateless scope. This is disallowed. Make sure that all "
    "variables are created before you start using your layer/model objects.\n\nIn some cases, you might be seeing "
    "this error because you need to implement a `def build(self, input_shape)` method on your layer/model, which "
    "will create its variables.\n\nIn some other cases, you might be seeing this error because you are "
    "instantiating a `Variable` and assigning it to a layer without going through self.add_variable()/"
    "self.add_weight(). Always prefer using these methods (with a `shape` and `initializer` argument). "
    "(Inside a keras.StatelessScope, a Variable needs an initializer that Keras can run when the scope ends: a "
    "name such as 'zeros' or a keras.initializers object, with shape=.)")
