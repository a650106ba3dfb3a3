"""torch.autograd.graph.allow_mutation_on_saved_tensors: a context in which a tensor saved for backward may be
changed in place (under no_grad, by an optimiser step, through .data) and backward still uses the values it had
when it was saved. Outside it, such a change makes backward refuse (engine._check_saved), as in PyTorch.

It stands on saved_tensors_hooks, as PyTorch's does. PyTorch keeps the saved tensor and clones it just before
its first in-place change; deepgrad's in-place writes have no single place to hook before they happen, so the
pack hook copies each saved array when it is saved: the values backward sees are the same, at the cost of the
copies' memory while the context is active.
"""
import contextlib

from . import saved_hooks
from .saved_hooks import state

_active = [None]   # the context now active (one at a time, process-wide, as PyTorch's)


class AllowMutationOnSavedContext:
    """What allow_mutation_on_saved_tensors() yields: the copies it keeps (`saved`, a list of tensors) while
    active; emptied when the context exits."""

    def __init__(self):
        self.saved = []

    def clear(self):
        """Drop the copies kept for backward."""
        self.saved.clear()


def _pack(context):
    def pack(tensor):
        copy = tensor.detach().clone()
        context.saved.append(copy)
        return context, copy
    # every array the node saved is copied, not only those PyTorch's node saves: deepgrad's backward reads them all
    pack.packs_everything = True
    return pack


def _unpack(packed):
    context, copy = packed
    if _active[0] is not context:
        raise AssertionError("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context in which "
                             "the graph was originally recorded; run the forward and the backward inside the same "
                             "`with ag.autograd.graph.allow_mutation_on_saved_tensors():` block")
    return copy


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Context manager: tensors saved for backward inside it may be changed in place, and backward (which must
    run inside the same context) uses the values they had when saved, as torch.autograd.graph's. Contexts
    cannot be nested (RuntimeError)."""
    if _active[0] is not None:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested; leave the outer `with` "
                           "block before entering another")
    if state.disabled is not None:
        raise RuntimeError(state.disabled)
    context = AllowMutationOnSavedContext()
    saved_hooks.push(_pack(context), _unpack)
    _active[0] = context
    try:
        yield context
    finally:
        _active[0] = None
        saved_hooks.pop()
        context.clear()
