"""PyTorch's `torch.autograd.Function`: a custom op whose forward and backward see Tensors.

deepgrad's own `ag.Function` hands forward/backward the raw backend arrays (what kernels want). A
subclass of this class is written exactly as for PyTorch instead: forward(ctx, *args) and
backward(ctx, *grads) receive and return Tensors, and `ctx.saved_tensors` gives back Tensors. Its
forward runs without recording a graph, as in PyTorch; its backward is differentiable again (for
create_graph) when it is written with differentiable ops.
"""
import inspect

from .func_levels import check_function, levels
from .function import Function
from .grad_mode import no_grad
from .tensor import Tensor, wrap_array


def _as_tensor(value, device):
    return wrap_array(value, device) if value is not None and not isinstance(value, Tensor) else value


def _as_array(value):
    return value._data if isinstance(value, Tensor) else value


def _tensor_forward(user_forward, setup_context=None):
    def forward(ctx, *args, **kwargs):
        if levels.any:   # inside a torch.func transform
            check_function(type(ctx))
        ctx.needs_input_grad = tuple(ctx.needs_input_grad)   # a tuple of one flag per argument, as PyTorch's
        tensors = [_as_tensor(a, ctx.device) if ctx.device.is_array(a) else a for a in args]
        with no_grad():
            if setup_context is None:
                out = user_forward(ctx, *tensors, **kwargs)
            else:   # PyTorch's newer form: forward(*args) computes, setup_context(ctx, inputs, output) saves
                out = user_forward(*tensors)
                setup_context(ctx, tuple(tensors), out)
        ctx.saved_tensors = tuple(_as_array(t) for t in ctx.saved_tensors)
        if isinstance(out, tuple):
            return tuple(_as_array(o) for o in out)
        return _as_array(out)
    return staticmethod(forward)


def _tensor_backward(user_backward):
    def backward(ctx, *grads):
        saved = ctx.saved_tensors
        ctx.saved_tensors = tuple(_as_tensor(s, ctx.device) for s in saved)
        try:
            out = user_backward(ctx, *[_as_tensor(g, ctx.device) for g in grads])
        finally:
            ctx.saved_tensors = saved
        graph_mode = any(isinstance(s, Tensor) for s in saved) or any(isinstance(g, Tensor) for g in grads)
        if graph_mode:
            return out
        if isinstance(out, tuple):
            return tuple(_as_array(o) for o in out)
        return _as_array(out)
    return staticmethod(backward)


def _plain(method):
    return method.__func__ if isinstance(method, staticmethod) else method


def _bound_apply(signature):
    """apply for a Function with setup_context: keyword and default arguments bound to forward's positions
    first, as PyTorch does, so that setup_context sees every input."""
    def apply(cls, *args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return Function.apply.__func__(cls, *bound.args)
    return apply


class TensorFunction(Function):
    """Base class of PyTorch-style custom ops (`ag.autograd.Function`): subclass it, write forward(ctx, *args)
    and backward(ctx, *grads) on Tensors, call `.apply(...)`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "forward" in cls.__dict__:
            user_forward = _plain(cls.__dict__["forward"])
            setup_context = getattr(cls, "setup_context", None)
            cls.forward = _tensor_forward(user_forward, setup_context)
            if setup_context is not None:
                cls.apply = classmethod(_bound_apply(inspect.signature(user_forward)))
        if "backward" in cls.__dict__:
            cls.backward = _tensor_backward(cls.__dict__["backward"].__func__
                                            if isinstance(cls.__dict__["backward"], staticmethod)
                                            else cls.__dict__["backward"])

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (e.g. indices) that never carry a gradient."""
        super().mark_non_differentiable(*(_as_array(o) for o in outputs))

    def set_materialize_grads(self, value):
        """With False, backward receives None (not zeros) for the outputs that got no gradient, as PyTorch's."""
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        """Accepted for PyTorch code; in-place changes are tracked by version counters."""
