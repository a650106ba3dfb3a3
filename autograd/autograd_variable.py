"""torch.autograd.Variable, the legacy wrapper: calling it gives a plain Tensor, and every Tensor is an
instance of it, as in PyTorch."""
from . import engine
from .tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy: Variable(t, requires_grad=False) is a Tensor sharing t's values, detached from t's graph, a leaf
    with the given requires_grad (new code uses tensors directly). isinstance(t, Variable) is True for every
    Tensor."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            from .creation import empty
            return empty(0, requires_grad=requires_grad)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}; wrap it with "
                            "ag.tensor(...) first")
        return data.detach().requires_grad_(bool(requires_grad))


class _ExecutionEngine:
    """torch.autograd.Variable._execution_engine, the backward engine as user code reaches it: hooks call its
    queue_callback to run a function once the backward pass now running has finished."""

    @staticmethod
    def queue_callback(fn):
        """Run `fn()` once when the backward pass now running has finished."""
        engine.queue_callback(fn)


Variable._execution_engine = _ExecutionEngine()
