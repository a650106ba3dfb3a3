"""Hooks for every module at once (torch.nn.modules.module.register_module_*): forward (pre-)hooks and full
backward (pre-)hooks, which run on each module call before that module's own hooks, and registration hooks,
which see (and may replace) every parameter, buffer and sub-module as a module registers it, as in PyTorch."""
import itertools
from collections import OrderedDict

from autograd import RemovableHandle

#: hook id -> hook, in the order they run; Module.__call__ takes the hooked path while either holds one
FORWARD_PRE_HOOKS = OrderedDict()
FORWARD_HOOKS = OrderedDict()
BACKWARD_PRE_HOOKS = OrderedDict()
BACKWARD_HOOKS = OrderedDict()
#: kind ('parameter', 'buffer', 'module') -> hook id -> hook(module, name, value)
REGISTRATION_HOOKS = {"parameter": OrderedDict(), "buffer": OrderedDict(), "module": OrderedDict()}
#: PyTorch's one kind of global backward hook: None until one is registered, then True for full backward hooks
#: (register_module_full_backward_hook) or False for the deprecated ones (register_module_backward_hook); the
#: kind stays once set, even after the hooks are removed, as in PyTorch
BACKWARD_KIND = [None]
#: the ids of the forward hooks registered with with_kwargs=True / always_call=True
WITH_KWARGS = set()
ALWAYS_CALLED = set()
_ids = itertools.count()


class _GlobalHookHandle(RemovableHandle):
    """The handle of a global hook: .remove() drops it and its flags."""

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self._key, None)
        WITH_KWARGS.discard(self._key)
        ALWAYS_CALLED.discard(self._key)


def _check(name, hook):
    if not callable(hook):
        raise TypeError(f"{name}: a hook must be callable, got {type(hook).__name__}")


def _added(store, hook):
    """`hook` registered in `store` under a fresh id; its handle."""
    key = next(_ids)
    store[key] = hook
    return _GlobalHookHandle(store, key)


def register_module_forward_pre_hook(hook):
    """Call hook(module, args) before the forward of every module (before the module's own pre-hooks); a non-None
    return replaces args. Returns a handle whose .remove() unregisters it."""
    _check("register_module_forward_pre_hook", hook)
    return _added(FORWARD_PRE_HOOKS, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """Call hook(module, args, output) after the forward of every module (before the module's own forward hooks);
    a non-None return replaces the output. with_kwargs=True: hook(module, args, kwargs, output); always_call=True:
    also called when forward raises. Returns a handle whose .remove() unregisters it."""
    _check("register_module_forward_hook", hook)
    handle = _added(FORWARD_HOOKS, hook)
    if with_kwargs:
        WITH_KWARGS.add(handle._key)
    if always_call:
        ALWAYS_CALLED.add(handle._key)
    return handle


def register_module_full_backward_pre_hook(hook):
    """Call hook(module, grad_output) when the gradients of every module call's outputs are ready (before the
    module's own backward pre-hooks); a non-None return replaces grad_output. Returns a removable handle."""
    _check("register_module_full_backward_pre_hook", hook)
    return _added(BACKWARD_PRE_HOOKS, hook)


def register_module_full_backward_hook(hook):
    """Call hook(module, grad_input, grad_output) when the gradients of every module call's inputs are ready
    (before the module's own backward hooks); a non-None return replaces grad_input. Returns a removable
    handle."""
    _check("register_module_full_backward_hook", hook)
    _one_kind(True)
    return _added(BACKWARD_HOOKS, hook)


def register_module_backward_hook(hook):
    """Deprecated, as in PyTorch (use register_module_full_backward_hook): call hook(module, grad_input,
    grad_output) after the backward of the last graph node of every module call's output, with that node's own
    gradients (for a module made of several ops, not the module's inputs'; PyTorch warns of it, a FutureWarning
    at the call, and so does deepgrad); a non-None return replaces grad_input. Returns a removable handle."""
    _check("register_module_backward_hook", hook)
    _one_kind(False)
    return _added(BACKWARD_HOOKS, hook)


def _one_kind(full):
    if BACKWARD_KIND[0] is (not full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global Module hook. "
                           "Please use only one of them (as in PyTorch: register_module_backward_hook is the "
                           "deprecated kind; the kind stays once a hook of it was registered)")
    BACKWARD_KIND[0] = full


def _registration(kind, hook):
    _check(f"register_module_{kind}_registration_hook", hook)
    return _added(REGISTRATION_HOOKS[kind], hook)


def register_module_parameter_registration_hook(hook):
    """Call hook(module, name, param) whenever a module registers a parameter (not None); a non-None return is
    registered instead. Returns a removable handle."""
    return _registration("parameter", hook)


def register_module_buffer_registration_hook(hook):
    """Call hook(module, name, buffer) whenever a module registers a buffer (None too); a non-None return is
    registered instead. Returns a removable handle."""
    return _registration("buffer", hook)


def register_module_module_registration_hook(hook):
    """Call hook(module, name, submodule) whenever a module registers a sub-module (None too); a non-None return
    is registered instead. Returns a removable handle."""
    return _registration("module", hook)


def registered(kind, module, name, value):
    """`value` after the registration hooks of `kind` saw it being registered under `name` on `module`."""
    for hook in list(REGISTRATION_HOOKS[kind].values()):
        output = hook(module, name, value)
        if output is not None:
            value = output
    return value


def active():
    """Whether any global forward or backward hook is registered."""
    return bool(FORWARD_PRE_HOOKS or FORWARD_HOOKS or BACKWARD_PRE_HOOKS or BACKWARD_HOOKS)
