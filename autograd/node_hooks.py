"""Hooks on graph nodes (PyTorch's grad_fn.register_prehook / register_hook): a pre-hook sees the gradients of
the node's outputs before its backward runs, fn(grad_outputs), and a hook sees what the backward made,
fn(grad_inputs, grad_outputs); either may return a tuple that replaces the gradients it was given."""
from .hooks import check_hook, keep_hook

#: the keys of a node's hook dict (beside its outputs' tensor hooks, which are keyed by output index)
PRE, POST = "node_pre", "node_post"


def add_node_hook(node, kind, fn):
    """Register fn on `node` as a PRE or POST hook; returns a handle whose .remove() unregisters it."""
    check_hook(fn, f"{node.name()}.register_{'prehook' if kind == PRE else 'hook'}")
    if node._hooks is None:
        node._hooks = {}
    return keep_hook(node._hooks.setdefault(kind, {}), fn)


def _replaced(node, what, given, result, unwrap):
    if result is None:
        return given
    if not isinstance(result, (tuple, list)) or len(result) != len(given):
        raise TypeError(f"a hook on {node.name()} returned {type(result).__name__} "
                        f"{'of length ' + str(len(result)) if isinstance(result, (tuple, list)) else ''}; it must "
                        f"return None or a tuple of {len(given)} {what} (None where there is none)")
    return [None if r is None else unwrap(r) for r in result]


def run_prehooks(node, grad_outputs, wrap, unwrap):
    """grad_outputs (a list, None where no gradient arrived) after every pre-hook of `node`, in order."""
    for fn in list(node._hooks[PRE].values()):
        result = fn(tuple(None if g is None else wrap(g) for g in grad_outputs))
        grad_outputs = _replaced(node, "gradients of its outputs", grad_outputs, result, unwrap)
    return grad_outputs


def run_posthooks(node, grad_inputs, grad_outputs, wrap, unwrap):
    """grad_inputs (a tuple, one per input of `node`) after every hook of `node`, in order."""
    outs = tuple(None if g is None else wrap(g) for g in grad_outputs)
    for fn in list(node._hooks[POST].values()):
        result = fn(tuple(None if g is None else wrap(g) for g in grad_inputs), outs)
        grad_inputs = tuple(_replaced(node, "gradients of its inputs", grad_inputs, result, unwrap))
    return grad_inputs
