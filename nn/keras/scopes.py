"""keras.name_scope (a prefix for the paths of the variables and layer weights made inside it) and keras.device
(a scope whose tensors are made on a given device), and keras.SymbolicScope."""
import threading
from contextlib import contextmanager

import autograd as ag

from .context import _scopes


class name_scope:
    """`with keras.name_scope("block"):` — weights made inside get paths 'block/...'. Re-entering the innermost
    scope with the same name and `caller` adds nothing (deduplicate=True)."""

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError("Argument `name` must be a string and cannot contain character `/`. "
                             f"Received: name={name}")
        self.name, self.caller, self.deduplicate, self.override_parent = name, caller, deduplicate, override_parent
        self._pushed = False

    def __enter__(self):
        stack = _scopes()
        top = stack[-1] if stack else None
        if (self.deduplicate and self.caller is not None and getattr(top, "caller", None) is self.caller
                and getattr(top, "name", None) == self.name):
            return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _scopes().pop()
            self._pushed = False
        return False


_ALIASES = {"gpu": "cuda"}


@contextmanager
def device(device_name):
    """Make the tensors of the body on `device_name` ('cpu', 'gpu', 'gpu:1', 'cuda:0', ...; 'gpu' means CUDA)."""
    if not isinstance(device_name, str):
        raise ValueError(f"keras.device: device_name must be a string such as 'cpu' or 'gpu:0', got {device_name!r}")
    kind, _, index = device_name.lower().partition(":")
    name = _ALIASES.get(kind, kind) + (f":{index}" if index else "")
    previous = ag.get_default_device()
    ag.set_default_device(name)
    try:
        yield
    finally:
        ag.set_default_device(previous)


_symbolic = threading.local()


class SymbolicScope:
    """`with keras.SymbolicScope():` marks code as Keras's symbolic stage (shape inference), as
    keras.src.backend.common.symbolic_scope does; in_symbolic_scope() tells whether one is open. Keras uses it
    only inside its output-spec computation, where it changes nothing a program can see."""

    def __enter__(self):
        self.original_scope = get_symbolic_scope()
        _symbolic.scope = self
        return self

    def __exit__(self, *args, **kwargs):
        _symbolic.scope = self.original_scope


def get_symbolic_scope():
    """The innermost open SymbolicScope, or None."""
    return getattr(_symbolic, "scope", None)


def in_symbolic_scope():
    """Whether a SymbolicScope is open."""
    return get_symbolic_scope() is not None
