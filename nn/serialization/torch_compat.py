"""torch.serialization's allow-list calls, so PyTorch code that wraps its loads in them runs unchanged.

PyTorch's `weights_only` unpickler refuses classes unless they are allow-listed with
`add_safe_globals` or inside `with safe_globals([...])`. deepgrad never unpickles anything, so there is
nothing to allow: the list is kept (and `get_safe_globals` returns it) but no load depends on it.
"""
import contextlib

_allowed = []


def add_safe_globals(safe_globals):
    """Record `safe_globals` (a list of classes/functions, or (object, name) pairs) as allowed; loading
    is unaffected, since deepgrad checkpoints hold no pickled objects."""
    _allowed.extend(_as_list(safe_globals, "add_safe_globals"))


def get_safe_globals():
    """The objects recorded by `add_safe_globals` and open `safe_globals` blocks."""
    return list(_allowed)


def clear_safe_globals():
    """Forget every recorded object."""
    _allowed.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """`with safe_globals([...]):` records the objects for the block's duration, as PyTorch's does; loads
    inside it behave as everywhere else (nothing is ever unpickled)."""
    before = list(_allowed)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _allowed[:] = before


def _as_list(values, who):
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"nn.serialization.{who}: expected a list of objects, got {type(values).__name__}")
    return list(values)
