"""Layer.stateless_call: a call with variable values given from outside, the layer's own left unchanged."""
import numpy as np

from autograd import Tensor, arrays


def _array_for(variable, value, kind, index):
    host = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    if tuple(host.shape) != tuple(variable.shape):
        raise ValueError(f"stateless_call: {kind}[{index}] has shape {tuple(host.shape)}, but the variable it stands "
                         f"for ({getattr(variable, 'path', variable.name)}) has shape {tuple(variable.shape)}; pass "
                         "values in the order and shapes of the layer's own list")
    return variable.device.asarray(np.array(host, dtype=arrays.array(variable).dtype))


def stateless_call(layer, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
    """(outputs, new non-trainable values) of `layer(*args, **kwargs)` run with `trainable_variables` and
    `non_trainable_variables` (values in the order of layer.trainable_variables / non_trainable_variables) in
    place of its own; the layer's variables keep their values. With return_losses=True, the losses the call
    added come third. Gradients of the outputs reach the layer's own variables' .grad."""
    name = type(layer).__name__
    if not layer.built:
        raise ValueError(f"To call stateless_call, {name} must be built (its variables must exist); build it by "
                         "calling it on some data first")
    own = list(layer.trainable_variables), list(layer.non_trainable_variables)
    given = list(trainable_variables), list(non_trainable_variables)
    for kind, mine, theirs in zip(("trainable_variables", "non_trainable_variables"), own, given):
        if len(theirs) != len(mine):
            raise ValueError(f"stateless_call: `{kind}` must be a list of values corresponding 1:1 to "
                             f"{name}().{kind}; got a list of {len(theirs)}, expected {len(mine)}")
    values = [_array_for(v, x, kind, k) for kind, mine, theirs in zip(("trainable_variables",
                                                                       "non_trainable_variables"), own, given)
              for k, (v, x) in enumerate(zip(mine, theirs))]
    swapped = []
    try:
        # the variables hold new arrays for the call (no in-place writes, so the graph keeps its own values)
        for variable, value in zip(own[0] + own[1], values):
            swapped.append((variable, arrays.array(variable)))
            arrays.replace(variable, value)
        outputs = layer(*args, **kwargs)
        fixed = [arrays.wrap(arrays.array(v).copy(), v.device) for v in own[1]]
        losses = list(layer.losses) if return_losses else None
    finally:
        for variable, old in reversed(swapped):
            arrays.replace(variable, old)
    return (outputs, fixed, losses) if return_losses else (outputs, fixed)
