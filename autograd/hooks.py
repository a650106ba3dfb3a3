"""Gradient hooks on tensors, with handles that remove them."""


class RemovableHandle:
    """Returned by register_hook; .remove() unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks = hooks
        self._key = key

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self._key, None)


_next_key = [0]


def add_hook(tensor, fn):
    """Register fn(grad) on a tensor: on a leaf it runs before accumulation, on a non-leaf when its grad is ready."""
    if tensor._node is None:
        if tensor._hooks is None:
            tensor._hooks = {}
        hooks = tensor._hooks
    else:
        node = tensor._node
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(tensor._out_idx, {})
    _next_key[0] += 1
    hooks[_next_key[0]] = fn
    return RemovableHandle(hooks, _next_key[0])


def run_hooks(hooks, grad, wrap, unwrap):
    """Apply every hook in order; a hook's non-None return value replaces the gradient."""
    for fn in list(hooks.values()):
        result = fn(wrap(grad))
        if result is not None:
            grad = unwrap(result)
    return grad
