"""Output shapes of a functional call found from the layer's shape rule instead of running it on zeros.

Building a model calls every layer on KerasTensors; without a rule the layer runs on zeros to find its output
shape (`Layer._probe`), which for an image model means running every convolution at full size. A rule is
Keras's `compute_output_shape` of the layer's class: the output shape from the input shapes alone, None
dimensions kept None. The layers register theirs (`nn/keras/layers/output_shape_rules*.py`); a call takes the
rule only where it is sure to give what running the layer gives:

- the layer's class itself registered the rule (a subclass, a user's included, may call differently: it probes);
- one positional input (a tensor, or a list for the merge layers) and no keyword arguments, every input a float
  KerasTensor (ids for Embedding) without a mask, all with the same batch size; the layer casts its float
  inputs to its compute dtype (then its outputs are in that dtype, as running it gives, mixed policies included);
- the rule's answer: a shape with every known size positive (None: the rule cannot tell, the probe decides and
  raises the layer's own error for inputs that do not fit).

A functional model called on tensors shaped and typed as its own Inputs (a backbone in a transfer-learning model)
gives tensors shaped and typed as its own outputs, without running its layers again.

`probe_only()` switches the rules off, to compare with the probe or to debug a rule.
"""
import threading
from contextlib import contextmanager

import numpy as np

from .autocast_scope import float_dtype
from .symbolic import KerasTensor, dtype_name, flatten_sorted, map_sorted

_RULES = {}
_state = threading.local()


def register(*classes, several=False, ids=False):
    """Decorator: `rule(layer, input_shape)` gives the output shape (a tuple, batch axis first) of a call of any of
    `classes` on one input of `input_shape` (a tuple), or with several=True on a list of inputs (a list of tuples),
    or None when unsure. ids=True: the layer takes integer (or float) ids and gives values in its compute dtype
    (Embedding)."""
    def decorate(rule):
        for cls in classes:
            _RULES[cls] = (rule, several, ids)
        return rule
    return decorate


def rule_for(cls):
    """The shape rule registered for exactly `cls`, or None."""
    return _RULES.get(cls, (None,))[0]


@contextmanager
def probe_only():
    """Inside the block, every symbolic call finds its output shapes by running the layer on zeros."""
    previous = getattr(_state, "off", False)
    _state.off = True
    try:
        yield
    finally:
        _state.off = previous


def static_outputs(layer, args, kwargs):
    """The KerasTensor a call of `layer` on symbolic `args` gives by the rule of its class, or None where there is
    no rule or the call is not one the rule answers (see the module's docstring)."""
    rule, several, ids = _RULES.get(type(layer), (None, False, False))
    if kwargs or len(args) != 1 or getattr(_state, "off", False):
        return None
    if rule is None:
        return _functional_outputs(layer, args[0])
    inputs = args[0]
    if isinstance(inputs, (list, tuple)) != several:
        return None
    tensors = list(inputs) if several else [inputs]
    if not tensors or not all(isinstance(t, KerasTensor) and t.shape and t.mask_shape is None for t in tensors):
        return None
    if len({t.shape[0] for t in tensors}) != 1 or not all(_takes(t.dtype, ids) for t in tensors):
        return None
    cast_to = layer._autocast_dtype
    if cast_to is None or _hooked(layer):
        return None
    shape = rule(layer, [t.shape for t in tensors] if several else inputs.shape)
    if shape is None or any(d is not None and d <= 0 for d in shape):
        return None
    return KerasTensor(shape, dtype_name(cast_to))


def _functional_outputs(model, inputs):
    """A functional model called on KerasTensors shaped and typed as its own inputs (a batch of any size) gives
    tensors shaped and typed as its own outputs, as running its layers would; None for any other call."""
    # keras.Model(inputs, outputs) itself (model.Functional sets the flag; a subclass may call otherwise)
    if not type(model).__dict__.get("_is_functional_graph") or isinstance(inputs, dict) \
            or isinstance(model._inputs_struct, dict):   # inputs by name: the call matches them by name
        return None
    given = flatten_sorted(inputs)
    own = model._flat_inputs
    if len(given) != len(own) or not all(isinstance(k, KerasTensor) and k.mask_shape is None and k.shape
                                         and k.shape == mine.shape and k.dtype == mine.dtype and k.shape[0] is None
                                         for k, mine in zip(given, own)):
        return None
    outputs = flatten_sorted(model._outputs_struct)
    if not all(k.mask_shape is None and k.shape and k.shape[0] is None for k in outputs):
        return None
    return map_sorted(lambda k: KerasTensor(k.shape, k.dtype), model._outputs_struct)


def _takes(dtype, ids):
    """Whether a rule answers for inputs of `dtype`: floats, and for ids=True integers too."""
    return float_dtype(dtype) is not None or ids and dtype not in ("bool", "string") and np.dtype(dtype).kind in "iu"


def _hooked(layer):
    """Whether the layer has forward hooks, which a probe would run."""
    return any(getattr(layer, store, None) for store in ("_forward_pre_hooks", "_forward_hooks"))
