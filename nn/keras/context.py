"""The training flag a call passes down to the layers it calls (Keras's call context).

A layer called with `training=True/False` runs its sub-layers with that flag unless they are given
their own; a layer called with neither uses its module mode (`fit` sets train mode, `evaluate`/`predict`
eval mode; Keras layers start in eval mode, so a direct call runs in inference, as in Keras).
"""
import threading
from contextlib import contextmanager

_state = threading.local()


def current_training():
    """The flag set by an enclosing call, or None outside any call."""
    return getattr(_state, "training", None)


@contextmanager
def training_scope(flag):
    """Run the body with `flag` as the enclosing call's training flag."""
    previous = getattr(_state, "training", None)
    _state.training = flag
    try:
        yield
    finally:
        _state.training = previous


def _scopes():
    stack = getattr(_state, "scopes", None)
    if stack is None:
        stack = _state.scopes = []
    return stack


@contextmanager
def name_scope(layer, remember=True):
    """Run the body inside `layer`'s name scope (Keras's: a layer's call and build open one), so that weights
    made in it get the path '<enclosing layers>/<layer>/<weight>'. Re-entering the innermost scope's layer
    adds nothing. remember=False (add_weight's scope, as Keras's) leaves the path the layer keeps unset."""
    stack = _scopes()
    if stack and stack[-1] is layer:
        yield
        return
    if remember and getattr(layer, "_parent_path", None) is None:   # as Keras: where it first opened its scope
        object.__setattr__(layer, "_parent_path", scope_path())
    stack.append(layer)
    try:
        yield
    finally:
        stack.pop()


def scope_path():
    """The names of the open name scopes, outermost first, joined with '/'. As in Keras, a layer's scope starts
    again from the path it first opened in (so a keras.name_scope opened inside its build adds nothing to its
    weights' paths)."""
    parts = []
    for entry in _scopes():
        parent = getattr(entry, "_parent_path", None)
        if parent is None:
            parent = getattr(entry, "override_parent", None)
        if parent is not None:
            parts = [p for p in parent.split("/") if p]
        parts.append(entry.name)
    return "/".join(parts)


def in_shape_probe():
    """True while a layer runs on placeholder values only to find its output shapes (a functional call on
    KerasTensors); Keras traces such calls on torch's 'meta' device, where values are never read."""
    return getattr(_state, "shape_probe", False)


@contextmanager
def shape_probe_scope():
    """Run the body as a shape probe (see in_shape_probe)."""
    previous = getattr(_state, "shape_probe", False)
    _state.shape_probe = True
    try:
        yield
    finally:
        _state.shape_probe = previous
