"""Optimizer steps as named ranges in a profile ('Optimizer.step#SGD.step', as PyTorch's profiler shows them)."""
import functools

from autograd import profile_state
from autograd.profiler import record_function


def profiled(method):
    """`method` (an optimizer's step or zero_grad), recorded as 'Optimizer.<name>#<Class>.<name>' while a
    profiler records; a call made from inside the same range (super().step()) is not recorded twice."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not profile_state.active:
            return method(self, *args, **kwargs)
        label = f"Optimizer.{name}#{type(self).__name__}.{name}"
        current = profile_state.recorder.current() if profile_state.recorder is not None else None
        if current is not None and current.name == label:
            return method(self, *args, **kwargs)
        with record_function(label):
            return method(self, *args, **kwargs)
    wrapper._profiled = True
    return wrapper


def wrap_class(cls):
    """Wrap the step and zero_grad that `cls` itself defines (once) so that profiles show them."""
    for name in ("step", "zero_grad"):
        method = cls.__dict__.get(name)
        if callable(method) and not getattr(method, "_profiled", False):
            setattr(cls, name, profiled(method))
