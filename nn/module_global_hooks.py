"""Forward hooks for every module at once (torch.nn.modules.module.register_module_forward_pre_hook and
register_module_forward_hook): they run on each module call before that module's own hooks, as in PyTorch."""
import itertools
from collections import OrderedDict

from autograd import RemovableHandle

#: hook id -> hook, in the order they run; Module.__call__ takes the hooked path while either holds one
FORWARD_PRE_HOOKS = OrderedDict()
FORWARD_HOOKS = OrderedDict()
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


def register_module_forward_pre_hook(hook):
    """Call hook(module, args) before the forward of every module (before the module's own pre-hooks); a non-None
    return replaces args. Returns a handle whose .remove() unregisters it."""
    _check("register_module_forward_pre_hook", hook)
    key = next(_ids)
    FORWARD_PRE_HOOKS[key] = hook
    return _GlobalHookHandle(FORWARD_PRE_HOOKS, key)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """Call hook(module, args, output) after the forward of every module (before the module's own forward hooks);
    a non-None return replaces the output. with_kwargs=True: hook(module, args, kwargs, output); always_call=True:
    also called when forward raises. Returns a handle whose .remove() unregisters it."""
    _check("register_module_forward_hook", hook)
    key = next(_ids)
    FORWARD_HOOKS[key] = hook
    if with_kwargs:
        WITH_KWARGS.add(key)
    if always_call:
        ALWAYS_CALLED.add(key)
    return _GlobalHookHandle(FORWARD_HOOKS, key)


def active():
    """Whether any global forward hook is registered."""
    return bool(FORWARD_PRE_HOOKS or FORWARD_HOOKS)
