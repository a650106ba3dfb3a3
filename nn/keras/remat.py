"""keras.RematScope and keras.remat: rematerialization (gradient checkpointing). A rematerialized call keeps
none of its activations for backward; backward runs it again (autograd.utils.checkpoint, non-reentrant, as
Keras's torch backend uses torch.utils.checkpoint). Results and gradients are those of the plain call: the
recomputation sees the random-generator positions and the layer's non-trainable variables (moving statistics,
seed generator states) as the forward saw them, and leaves them as they were before it.

A layer takes the mode of the RematScope open when it is made (as Keras's Operation does):
- "full": every call is rematerialized;
- "activations": the layer's `activation` (when it has one) is;
- "larger_than": calls whose outputs have more than `output_size_threshold` elements in all are (the size is
  found as Keras finds it, by a call without gradients that changes no variable);
- "list_of_layers": layers named in `layer_names` are;
- None: nothing is."""
import contextlib
import functools
import math
import threading

import autograd as ag
from autograd.utils.checkpoint import checkpoint

from . import settings
from .context import in_shape_probe
from .stateless_scope import swapped_values
from .symbolic import flatten

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_state = threading.local()


class RematMode(tuple):
    """(mode, output_size_threshold, layer_names): the settings of the RematScope a layer was made in."""

    __slots__ = ()
    _fields = ("mode", "output_size_threshold", "layer_names")

    def __new__(cls, mode, output_size_threshold, layer_names):
        return tuple.__new__(cls, (mode, output_size_threshold, layer_names))

    mode = property(lambda self: self[0])
    output_size_threshold = property(lambda self: self[1])
    layer_names = property(lambda self: self[2])

    def __repr__(self):
        return (f"RematMode(mode={self.mode!r}, output_size_threshold={self.output_size_threshold!r}, "
                f"layer_names={self.layer_names!r})")


def _stack():
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


class RematScope:
    """Context manager: layers (and keras.ops operations) made inside it rematerialize their calls as `mode`
    says ('full', 'activations', 'larger_than' with `output_size_threshold`, 'list_of_layers' with
    `layer_names`, or None for none). Scopes nest; the innermost applies."""

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', 'larger_than', "
                             "'list_of_layers', or  None.")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = layer_names or []
        self._pop_on_exit = False

    def __enter__(self):
        _stack().append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc):
        if self._pop_on_exit:
            _stack().pop()
            self._pop_on_exit = False


def get_current_remat_mode():
    """The RematMode of the innermost open RematScope, or None when none is open."""
    stack = _stack()
    if not stack:
        return None
    scope = stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def _seed_states():
    generator = settings._state.get("global_seed_generator")
    return [generator.state] if generator is not None else []


def _checkpointed(fn, state_of):
    """fn(*args, **kwargs) through the non-reentrant checkpoint, its recomputation run with the variables
    `state_of()` lists holding the values they had when the forward ran."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        if not ag.is_grad_enabled() or in_shape_probe():   # nothing is saved for backward: a plain call
            return fn(*args, **kwargs)
        variables = list(state_of()) + _seed_states()
        before = {id(v): ag.tensor(v.detach().numpy()) for v in variables}

        def contexts():
            return contextlib.nullcontext(), _SwappedEachTime(variables, before)
        return checkpoint(fn, *args, use_reentrant=False, context_fn=contexts, **kwargs)
    return wrapped


class _SwappedEachTime:
    """`swapped_values(variables, before)` entered afresh on every recomputation: a graph kept with
    retain_graph=True is recomputed once per backward, and a generator's context can be entered only once."""

    def __init__(self, variables, before):
        self.variables, self.before, self.open = variables, before, []

    def __enter__(self):
        context = swapped_values(self.variables, self.before)
        self.open.append(context)
        return context.__enter__()

    def __exit__(self, *exc):
        return self.open.pop().__exit__(*exc)


def remat(f):
    """`f` (a function or a layer) wrapped so that its calls keep no activations for backward: backward runs it
    again to get them. Returns the same values and gradients as `f`."""
    if hasattr(f, "non_trainable_variables"):   # a layer: its moving statistics and seed states
        return _checkpointed(f, lambda: f.non_trainable_variables)
    return _checkpointed(f, lambda: ())


def _output_size(layer, call, args, kwargs):
    """The number of elements in all of call(*args, **kwargs)'s outputs, found by a call without gradients
    that leaves the layer's variables and the global seed generator as they were (Keras's compute_output_spec on
    the real inputs, in a stateless scope), once per layer and input shapes: Keras's built-in layers answer from
    compute_output_shape, without running their call."""
    key = (tuple(tuple(v.shape) if hasattr(v, "shape") else repr(v) for v in flatten(args)),
           tuple(sorted((name, tuple(v.shape) if hasattr(v, "shape") else repr(v))
                        for name, value in kwargs.items() for v in flatten(value))))
    sizes = layer.__dict__.setdefault("_remat_output_sizes", {})
    if key not in sizes:
        with swapped_values(list(layer.variables) + _seed_states()), ag.no_grad():
            outputs = call(*args, **kwargs)
        sizes[key] = sum(math.prod(t.shape) for t in flatten(outputs) if hasattr(t, "shape"))
    return sizes[key]


def rematerialized_call(layer, call, args, kwargs):
    """`call` (which runs `layer`'s computation), rematerialized as the layer's RematMode says."""
    mode = getattr(layer, "_remat_mode", None)
    if not mode or not ag.is_grad_enabled() or in_shape_probe():
        return call
    if mode.mode == "full" or (mode.mode == "list_of_layers" and layer.name in mode.layer_names):
        return _checkpointed(call, lambda: layer.non_trainable_variables)
    if mode.mode == "activations":
        activation = layer.__dict__.get("activation")
        if activation is None:
            return call

        @functools.wraps(call)
        def with_remat_activation(*a, **k):
            layer.__dict__["activation"] = remat(activation)
            try:
                return call(*a, **k)
            finally:
                layer.__dict__["activation"] = activation
        return with_remat_activation
    if mode.mode == "larger_than":
        size = _output_size(layer, call, args, kwargs)
        if size and size > mode.output_size_threshold:
            return _checkpointed(call, lambda: layer.non_trainable_variables)
    return call


__all__ = ["RematScope", "remat", "get_current_remat_mode", "RematMode"]
