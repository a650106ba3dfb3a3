"""keras.StatelessScope: a block in which no Keras variable changes. Variables read the values given in
`state_mapping` (or their own); what the block writes to a variable (assign, a moving mean's update, a seed
generator's advance) is kept in the scope, for `get_current_value`, and every variable gets its old values back
when the block ends.

Each variable works on a copy of its values during the block (its array is swapped, not written in place), so
graphs recorded before the block keep what they saved; `assign` inside the block swaps in a new array too, so
graphs recorded inside it keep theirs, as Keras's assign inside a scope only records the new value. Gradients of
calls inside the block reach the variables' own `.grad`."""
import contextlib

import numpy as np

from autograd import Tensor, arrays

from .context import set_stateless_scope, stateless_scope
from .layer_weights import LayerState, LayerWeight
from .variable_registry import live_variables
from .variables import Variable

def is_variable(value):
    """Whether `value` is a Keras variable: a keras.Variable or a weight a layer made."""
    return isinstance(value, (Variable, LayerWeight, LayerState))


def get_stateless_scope():
    """The innermost open StatelessScope, or None."""
    return stateless_scope()


def in_stateless_scope():
    """Whether a StatelessScope is open."""
    return get_stateless_scope() is not None


def _as_array(variable, value):
    """`value` (a tensor, a variable, an array or a number) as a new array of `variable`'s dtype and device."""
    if isinstance(value, Tensor):
        value = value.detach().numpy()
    host = np.array(value, dtype=Tensor.dtype.__get__(variable))
    return variable.device.asarray(host)


@contextlib.contextmanager
def swapped_values(variables, values=None):
    """Run the body with each of `variables` holding a copy of its values (or of values[id(v)] where given), and
    give each its own array back afterwards. Yields {id(v): (v, the copy it held, its version then)}."""
    values = values or {}
    held = {}
    try:
        for v in variables:
            if id(v) in held:
                continue
            own = arrays.array(v)
            given = values.get(id(v))
            copy = arrays.array(given).copy() if given is not None else v.device.xp.array(own, copy=True)
            held[id(v)] = (v, own, copy)
            arrays.replace(v, copy)
        yield {key: (v, copy, v._version) for key, (v, own, copy) in held.items()}
    finally:
        for v, own, _ in held.values():
            arrays.replace(v, own)


class StatelessScope:
    """Scope in which no update reaches any Keras variable. `state_mapping`: (variable, value) pairs, the
    values the variables hold inside the scope; updates made inside are collected instead of applied, and
    `get_current_value(variable)` returns them (or the mapped value) after or during the scope. With
    `collect_losses=True`, losses layers add inside go to `scope.losses`."""

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self._loss_owners = []   # the layer that added each of `losses`
        self.state_mapping = {}
        self._variables = {}
        for k, v in state_mapping or {}:
            if not is_variable(k):
                raise ValueError("Invalid reference variable in StatelessScope: all keys in argument `mapping` must "
                                 f"be Variable instances. Received instead: {k}")
            value = arrays.wrap(_as_array(k, v), k.device)
            if tuple(value.shape) != tuple(k.shape):
                raise ValueError("Invalid variable value in StatelessScope: all values in argument `mapping` must "
                                 "be tensors with a shape that matches the corresponding variable shape. For "
                                 f"variable {k}, received invalid value {value} with shape {tuple(value.shape)}.")
            self.state_mapping[id(k)] = value
            self._variables[id(k)] = k
        self._held = None

    def __enter__(self):
        self.original_scope = get_stateless_scope()
        variables = live_variables()
        known = {id(v) for v in variables}
        variables += [v for key, v in self._variables.items() if key not in known]
        self._swap = swapped_values(variables, self.state_mapping)
        self._held = self._swap.__enter__()
        set_stateless_scope(self)
        return self

    @property
    def is_open(self):
        """Whether the scope's block is running."""
        return self._held is not None

    def add_loss(self, loss, owner=None):
        """Keep `loss` (a layer's add_loss inside the scope; `owner`: that layer)."""
        self.losses.append(loss)
        self._loss_owners.append(owner)

    def losses_of(self, layers):
        """The kept losses that any of `layers` added, in the order they came (Keras's layer.losses in a scope)."""
        owners = {id(layer) for layer in layers}
        return [loss for loss, owner in zip(self.losses, self._loss_owners) if id(owner) in owners]

    def add_update(self, update):
        """Record the (variable, value) update as the variable's current value in the scope."""
        variable, value = update
        self.state_mapping[id(variable)] = value
        self._variables[id(variable)] = variable

    def get_current_value(self, variable):
        """The value `variable` has in the scope (mapped or written inside it), or None if it has neither."""
        self._collect_updates()
        return self.state_mapping.get(id(variable), None)

    def _collect_updates(self):
        if self._held is None:
            return
        for key, (v, copy, version) in self._held.items():
            if arrays.array(v) is not copy or v._version != version:
                self.state_mapping[key] = arrays.wrap(arrays.array(v).copy(), v.device)
                self._variables[key] = v

    def __exit__(self, *exc):
        self._collect_updates()
        self._held = None
        set_stateless_scope(self.original_scope)
        self._swap.__exit__(*exc)
        return False


__all__ = ["StatelessScope", "get_stateless_scope", "in_stateless_scope", "swapped_values", "is_variable"]
