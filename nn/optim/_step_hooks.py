"""Optimizer step hooks, as torch.optim's: hook(optimizer, args, kwargs) called before every step (it may return
(new_args, new_kwargs)) and after it, per optimizer, and the global ones for every optimizer
(register_optimizer_step_pre_hook / register_optimizer_step_post_hook). A step that calls super().step() runs
the hooks once, around the outermost call."""
import functools
from collections import OrderedDict
from itertools import chain

from autograd import RemovableHandle

_global_pre, _global_post = OrderedDict(), OrderedDict()
_next_key = [0]


def _register(hooks, hook):
    _next_key[0] += 1
    hooks[_next_key[0]] = hook
    return RemovableHandle(hooks, _next_key[0])


def register_optimizer_step_pre_hook(hook):
    """Call hook(optimizer, args, kwargs) before the step of every optimizer; returns a removable handle."""
    return _register(_global_pre, hook)


def register_optimizer_step_post_hook(hook):
    """Call hook(optimizer, args, kwargs) after the step of every optimizer; returns a removable handle."""
    return _register(_global_post, hook)


def hooks_of(optimizer, kind):
    """The optimizer's own step hooks of `kind` ('pre' or 'post'), an ordered dict made on first use."""
    name = f"_optimizer_step_{kind}_hooks"
    hooks = optimizer.__dict__.get(name)
    if hooks is None:
        hooks = optimizer.__dict__[name] = OrderedDict()
    return hooks


def with_hooks(step):
    """`step` with the step hooks run around its outermost call."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        self._opt_called = True   # read by the lr schedulers, which warn when they step before the optimizer
        if self.__dict__.get("_in_step") or not (_global_pre or _global_post or self.__dict__.get(
                "_optimizer_step_pre_hooks") or self.__dict__.get("_optimizer_step_post_hooks")):
            return step(self, *args, **kwargs)
        full = (self, *args)
        for hook in chain(_global_pre.values(), hooks_of(self, "pre").values()):
            result = hook(self, full, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{type(self).__name__}.step: a step pre-hook must return None or a tuple "
                                       f"(new_args, new_kwargs), got {result!r}")
                full, kwargs = result
        self.__dict__["_in_step"] = True
        try:
            out = step(*full, **kwargs)
        finally:
            self.__dict__["_in_step"] = False
        for hook in chain(hooks_of(self, "post").values(), _global_post.values()):
            hook(self, full, kwargs)
        return out
    wrapper._hooked = True
    return wrapper


def hook_class(cls):
    """Wrap the step that `cls` itself defines (once) so that the step hooks run around it."""
    method = cls.__dict__.get("step")
    if callable(method) and not getattr(method, "_hooked", False):
        setattr(cls, "step", with_hooks(method))
