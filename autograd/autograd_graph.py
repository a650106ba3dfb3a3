"""`ag.autograd.graph`: hooks on the backward graph with torch.autograd.graph's names: saved_tensors_hooks and
save_on_cpu (what ops save for backward passes through a pack function when saved and an unpack function
when backward needs it), allow_mutation_on_saved_tensors (saved_mutation.py), disable_saved_tensors_hooks,
register_multi_grad_hook, and the graph's parts (Node, GradientEdge, get_gradient_edge, increment_version:
graph_edges.py)."""
import functools

from .engine import queue_callback
from .graph_edges import GradientEdge, Node, get_gradient_edge, increment_version
from . import saved_hooks
from .saved_hooks import state
from .saved_mutation import allow_mutation_on_saved_tensors


class saved_tensors_hooks:
    """Context manager: while active (innermost wins when nested), every tensor an op saves for backward is
    passed to pack_hook(tensor) when the op runs, and unpack_hook(what pack returned) must give it back (a
    Tensor with the same values) when backward needs it."""

    def __init__(self, pack_hook, unpack_hook):
        if not callable(pack_hook) or not callable(unpack_hook):
            raise TypeError(f"saved_tensors_hooks: pack_hook and unpack_hook must be callables, got "
                            f"{type(pack_hook).__name__} and {type(unpack_hook).__name__}")
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if state.disabled is not None:
            raise RuntimeError(state.disabled)
        saved_hooks.push(self.pack_hook, self.unpack_hook)
        return self

    def __exit__(self, *exc):
        saved_hooks.pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Context manager: tensors saved for backward are kept on the CPU and moved back to their device when
    backward needs them (trading transfers for accelerator memory). `pin_memory` and `device_type` are accepted
    as PyTorch takes them (host copies here are plain)."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(tensor):
            return tensor.device, tensor.to("cpu")

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)
        super().__init__(pack, unpack)
        self.pin_memory = pin_memory
        self.device_type = device_type


class disable_saved_tensors_hooks:
    """Context manager (or decorator): inside it, entering saved_tensors_hooks / save_on_cpu raises
    RuntimeError(error_message)."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self._prev = state.disabled
        state.disabled = self.error_message
        return self

    def __exit__(self, *exc):
        state.disabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


class _MultiHandle:
    """The handle register_multi_grad_hook returns: .remove() unregisters the hook from every tensor."""

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        for h in self.handles:
            h.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call `fn` once per backward pass for a group of tensors. mode="all": fn(grads), a list with one entry
    per tensor (None where the pass computed no gradient for it), once the pass has computed them all;
    mode="any": fn(grad) with the first gradient the pass computes for any of them (tensors that do not
    require grad are skipped). fn must not modify its arguments. Returns a handle with .remove()."""
    if mode not in ("all", "any"):
        raise ValueError(f"register_multi_grad_hook: expects mode to be one of ('all', 'any'), got {mode!r}")
    tensors = tuple(tensors)
    if mode == "all":
        pending = {}   # the pass in progress: index -> gradient

        def flush():
            grads = [pending.get(i) for i in range(len(tensors))]
            pending.clear()
            fn(grads)

        def inner(i):
            def hook(grad):
                if not pending:
                    queue_callback(flush)
                pending[i] = grad
            return hook
        return _MultiHandle(tuple(t.register_hook(inner(i)) for i, t in enumerate(tensors)))

    ran = []

    def reset():
        ran.clear()

    def first(grad):
        if ran:
            return
        ran.append(True)
        queue_callback(reset)
        fn(grad)
    return _MultiHandle(tuple(t.register_hook(first) for t in tensors if t.requires_grad))


__all__ = ["GradientEdge", "Node", "allow_mutation_on_saved_tensors", "disable_saved_tensors_hooks",
           "get_gradient_edge", "increment_version", "register_multi_grad_hook", "save_on_cpu", "saved_tensors_hooks"]
