"""The state_dict side of PyTorch's Module API beyond parameters and buffers: hooks around state_dict() and
load_state_dict() (e.g. to rename the keys of an older checkpoint), and extra state (get_extra_state /
set_extra_state, saved under '<prefix>_extra_state'). Module inherits the registrations from ModuleStateHooks
and calls the run_* functions from its state_dict and load_state_dict."""
import itertools

from autograd import RemovableHandle

EXTRA_STATE_KEY = "_extra_state"
_keys = itertools.count()


class PostHookReturnError(RuntimeError, AssertionError):
    """A load_state_dict post-hook returned a value: an AssertionError, as PyTorch raises, and a RuntimeError, as
    we raised before."""


class _ReturnsStateDict:
    """A post-hook registered with the private _register_state_dict_hook: what it returns (when not None)
    replaces the state_dict, as PyTorch's older API allows (only the root module's replacement reaches the
    caller)."""

    def __init__(self, hook):
        self.hook = hook

    def __call__(self, *args):
        return self.hook(*args)


class _WithoutModule:
    """A load pre-hook registered with _register_load_state_dict_pre_hook(hook, with_module=False): called
    without the module as its first argument."""

    def __init__(self, hook):
        self.hook = hook

    def __call__(self, module, *args):
        return self.hook(*args)


class ModuleStateHooks:
    """Registration of the state-dict hooks, and the extra-state methods a module overrides."""

    #: the version of this module's state_dict layout, saved in state_dict()._metadata as PyTorch does; a subclass
    #: that changes its entries raises it and upgrades older checkpoints in _load_from_state_dict
    _version = 1

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Called by load_state_dict on every module, parents first, before keys are matched, with the module's
        saved metadata ({'version': ...}); override it to rename or convert this module's entries (keys starting
        with `prefix`) of an older checkpoint in place, then call super(). load_state_dict loads the values."""

    def _state_hook_store(self, name):
        return self.__dict__.setdefault(name, {})

    def _add_state_hook(self, store, hook):
        hooks = self._state_hook_store(store)
        key = next(_keys)
        hooks[key] = hook
        return RemovableHandle(hooks, key)

    def register_state_dict_pre_hook(self, hook):
        """Call hook(module, prefix, keep_vars) before this module's entries are added to a state_dict."""
        return self._add_state_hook("_state_dict_pre_hooks", hook)

    def register_state_dict_post_hook(self, hook):
        """Call hook(module, state_dict, prefix, local_metadata) after this module's entries (and its
        children's) are in the state_dict; the hook may change the dict in place."""
        return self._add_state_hook("_state_dict_hooks", hook)

    def _register_state_dict_hook(self, hook):
        """PyTorch's older form of register_state_dict_post_hook (still used by libraries): the hook may also
        return a new state_dict, which replaces the one being built."""
        return self._add_state_hook("_state_dict_hooks", _ReturnsStateDict(hook))

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        """PyTorch's older form of register_load_state_dict_pre_hook (still used by libraries): the hook is
        called as hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs),
        with the module first only when with_module=True."""
        return self._add_state_hook("_load_state_dict_pre_hooks", hook if with_module else _WithoutModule(hook))

    def register_load_state_dict_pre_hook(self, hook):
        """Call hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs) before load_state_dict matches keys; it may rename or add keys of the (copied) state_dict."""
        return self._add_state_hook("_load_state_dict_pre_hooks", hook)

    def register_load_state_dict_post_hook(self, hook):
        """Call hook(module, incompatible_keys) after load_state_dict matched keys, before a strict load raises;
        clearing incompatible_keys.missing_keys / unexpected_keys in place lets the load pass."""
        return self._add_state_hook("_load_state_dict_post_hooks", hook)

    def get_extra_state(self):
        """The module's extra state for its state_dict; override it together with set_extra_state."""
        raise RuntimeError(f"{type(self).__name__}.get_extra_state was called but not overridden: a module with "
                           f"extra state defines both get_extra_state and set_extra_state")

    def set_extra_state(self, state):
        """Restore what get_extra_state returned; override it together with get_extra_state."""
        raise RuntimeError(f"{type(self).__name__} has '{EXTRA_STATE_KEY}' in the state_dict being loaded but does "
                           f"not override set_extra_state to take it")


def has_extra_state(module):
    """True when the module's class overrides get_extra_state."""
    return type(module).get_extra_state is not ModuleStateHooks.get_extra_state


def _hooks(module, store):
    return list(module.__dict__.get(store, {}).values())


def run_state_dict_pre_hooks(module, prefix, keep_vars):
    """Call `module`'s state_dict pre-hooks."""
    for hook in _hooks(module, "_state_dict_pre_hooks"):
        hook(module, prefix, keep_vars)


def run_state_dict_post_hooks(module, destination, prefix, local_metadata):
    """Call `module`'s state_dict post-hooks on `destination`; returns the state_dict, which a hook registered
    with _register_state_dict_hook may have replaced."""
    for hook in _hooks(module, "_state_dict_hooks"):
        returned = hook(module, destination, prefix, local_metadata)
        if returned is None:
            continue
        if not isinstance(hook, _ReturnsStateDict):
            raise RuntimeError(f"state_dict: a post-hook registered with register_state_dict_post_hook on "
                               f"{type(module).__name__} returned {type(returned).__name__}; it must return None "
                               "and change the state_dict in place")
        destination = returned
    return destination


def _upgrades_state(module):
    """True when the module's class overrides _load_from_state_dict."""
    return type(module)._load_from_state_dict is not ModuleStateHooks._load_from_state_dict


def any_load_hooks(root):
    """True when some module under `root` has a load_state_dict hook."""
    return any(m.__dict__.get("_load_state_dict_pre_hooks") or m.__dict__.get("_load_state_dict_post_hooks")
               or _upgrades_state(m) for m in root.modules())


def run_load_pre_hooks(root, state_dict, strict, missing, unexpected, errors):
    """Call every module's load pre-hooks, then its _load_from_state_dict override, parents before children, on
    the mutable `state_dict`, each with its entry of the state_dict's `_metadata`."""
    metadata = getattr(state_dict, "_metadata", {})
    for prefix, module in root.named_modules():
        local = metadata.get(prefix, {})
        prefix = f"{prefix}." if prefix else ""
        for hook in _hooks(module, "_load_state_dict_pre_hooks"):
            hook(module, state_dict, prefix, local, strict, missing, unexpected, errors)
        if _upgrades_state(module):
            module._load_from_state_dict(state_dict, prefix, local, strict, missing, unexpected, errors)


def run_load_post_hooks(root, incompatible):
    """Call every module's load post-hooks, children before parents, with the (mutable) incompatible keys."""
    for _, module in reversed(list(root.named_modules())):
        for hook in _hooks(module, "_load_state_dict_post_hooks"):
            returned = hook(module, incompatible)
            if returned is not None:
                raise PostHookReturnError(
                    f"load_state_dict: a post-hook registered with register_load_state_dict_post_hook on "
                    f"{type(module).__name__} returned {type(returned).__name__}; it must return None: change "
                    "incompatible_keys in place instead (e.g. incompatible_keys.missing_keys.remove(key))")
