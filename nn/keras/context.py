"""The training flag a call passes down to the layers it calls (Keras's call context).

As in Keras 3, the outermost layer call opens one context that every layer called inside it shares: each
layer resolves its flag (its own `training=` argument, else the context's value, else the default of its
`call`'s `training` parameter) and writes it into the context, where it stays until the outermost call
returns (so a sub-layer called with `training=False` also sets the flag its later siblings see, as in
Keras). The module mode (`.train()`/`.eval()`) plays no part: Keras layers ignore it.
"""
import threading
from contextlib import contextmanager

_state = threading.local()


class _CallContext:
    """The state the layer calls under one outermost call (`entry`) share."""
    __slots__ = ("entry", "training")

    def __init__(self, entry):
        self.entry, self.training = entry, None


def current_training():
    """The flag the enclosing calls left in the context, or None (also outside any call)."""
    context = getattr(_state, "call", None)
    return None if context is None else context.training


@contextmanager
def call_context(layer=None, fresh=False):
    """Yield the open call context, opening one for `layer` when no layer call is under way (or always, with
    `fresh`: calls that must not see or change the enclosing one, such as a shape probe); the opener closes it."""
    previous = getattr(_state, "call", None)
    if previous is not None and not fresh:
        yield previous
        return
    _state.call = context = _CallContext(layer)
    try:
        yield context
    finally:
        _state.call = previous


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


def stateless_scope():
    """The innermost open keras.StatelessScope (stateless_scope.py), or None."""
    return getattr(_state, "stateless_scope", None)


def set_stateless_scope(scope):
    """Make `scope` (or None) the open StatelessScope."""
    _state.stateless_scope = scope
