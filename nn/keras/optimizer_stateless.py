"""Keras's `Optimizer.stateless_apply`: one update computed from given values of the optimizer's variables and of
the weights it was built for, returned as new values while the optimizer and the weights keep their own."""
import numpy as np

import autograd as ag
from autograd import arrays


def _values_of(variables):
    return [np.array(np.asarray(v.numpy() if hasattr(v, "numpy") else v)) for v in variables]


def _set_weights(weights, values):
    for weight, value in zip(weights, values):
        target = arrays.writable(weight)
        target[...] = weight.device.asarray(np.asarray(value, dtype=target.dtype))
        arrays.mark_changed(weight)


def stateless_apply(optimizer, optimizer_variables, grads, trainable_variables):
    """The updated `trainable_variables` and `optimizer_variables` (two lists of Tensors) after applying `grads`,
    starting from those values (in the order of `optimizer.variables` and of the variables the optimizer was
    built with); nothing of the optimizer's or the weights' own state changes."""
    name = type(optimizer).__name__
    if not optimizer.built:
        raise ValueError(f"To call `stateless_apply`, {name} must be built (i.e. its variables must have been "
                         "created). You can build it via `optimizer.build(trainable_variables)`.")
    own = optimizer.variables
    if len(optimizer_variables) != len(own):
        raise ValueError(f"Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                         f"{name}().variables. Received list with length {len(optimizer_variables)}, but expected "
                         f"{len(own)} variables.")
    weights = list(optimizer.__dict__.get("_built_over") or [])
    if len(trainable_variables) != len(weights):
        raise ValueError("Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to the "
                         "trainable variables list that the optimizer was built with. Received "
                         f"len(trainable_variables) == {len(trainable_variables)} whereas the optimizer was built "
                         f"with {len(weights)} variables.")
    kept_state, kept_weights = _values_of(own), _values_of(weights)
    try:
        optimizer._assign_variables(own, _values_of(optimizer_variables))
        _set_weights(weights, _values_of(trainable_variables))
        with ag.no_grad():
            optimizer.apply(list(grads), weights)
        new_weights = [ag.tensor(v, device=w.device) for w, v in zip(weights, _values_of(weights))]
        new_state = [ag.tensor(v) for v in _values_of(optimizer.variables)]
    finally:
        optimizer._assign_variables(optimizer.variables, kept_state)
        _set_weights(weights, kept_weights)
    return new_weights, new_state
