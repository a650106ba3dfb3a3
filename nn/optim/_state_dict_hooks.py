"""Optimizer state_dict hooks, as torch.optim's: before and after state_dict() (the post hook may return a
replacement), and before and after load_state_dict() (the pre hook may return the state dict to load instead),
per optimizer. A subclass's own state_dict / load_state_dict that calls the base runs the hooks once, around the
outermost call, so a pre hook sees the state dict as the user gave it."""
import functools
from collections import OrderedDict

from ._step_hooks import _register

_KINDS = ("state_dict_pre", "state_dict_post", "load_state_dict_pre", "load_state_dict_post")


def register(optimizer, kind, hook, prepend):
    """Add `hook` to the optimizer's hooks of `kind` (first when `prepend`); returns a removable handle."""
    name = f"_optimizer_{kind}_hooks"
    hooks = optimizer.__dict__.get(name)
    if hooks is None:
        hooks = optimizer.__dict__[name] = OrderedDict()
    handle = _register(hooks, hook)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _hooks(optimizer, kind):
    return optimizer.__dict__.get(f"_optimizer_{kind}_hooks") or {}


def _saving(state_dict):
    @functools.wraps(state_dict)
    def wrapper(self):
        if self.__dict__.get("_in_state_dict"):
            return state_dict(self)
        for hook in list(_hooks(self, "state_dict_pre").values()):
            hook(self)
        self.__dict__["_in_state_dict"] = True
        try:
            saved = state_dict(self)
        finally:
            self.__dict__["_in_state_dict"] = False
        for hook in list(_hooks(self, "state_dict_post").values()):
            replaced = hook(self, saved)
            if replaced is not None:
                saved = replaced
        return saved
    wrapper._hooked = True
    return wrapper


def _loading(load_state_dict):
    @functools.wraps(load_state_dict)
    def wrapper(self, state_dict):
        if self.__dict__.get("_in_load_state_dict"):
            return load_state_dict(self, state_dict)
        for hook in list(_hooks(self, "load_state_dict_pre").values()):
            replaced = hook(self, state_dict)
            if replaced is not None:
                state_dict = replaced
        self.__dict__["_in_load_state_dict"] = True
        try:
            load_state_dict(self, state_dict)
        finally:
            self.__dict__["_in_load_state_dict"] = False
        for hook in list(_hooks(self, "load_state_dict_post").values()):
            hook(self)
    wrapper._hooked = True
    return wrapper


def hook_class(cls):
    """Make the state_dict and load_state_dict that `cls` itself defines run the optimizer's hooks."""
    for name, wrap in (("state_dict", _saving), ("load_state_dict", _loading)):
        method = cls.__dict__.get(name)
        if method is not None and not getattr(method, "_hooked", False):
            setattr(cls, name, wrap(method))
