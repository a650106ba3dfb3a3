"""PyTorch's `torch.autograd.Function`: a custom op whose forward and backward see Tensors.

deepgrad's own `ag.Function` hands forward/backward the raw backend arrays (what kernels want). A
subclass of this class is written exactly as for PyTorch instead: forward(ctx, *args) and
backward(ctx, *grads) receive and return Tensors, and `ctx.saved_tensors` gives back Tensors. Its
forward runs without recording a graph, as in PyTorch; its backward is differentiable again (for
create_graph) when it is written with differentiable ops.
"""
from .function import Function
from .grad_mode import no_grad
from .tensor import Tensor, wrap_array


def _as_tensor(value, device):
    return wrap_array(value, device) if value is not None and not isinstance(value, Tensor) else value


def _as_array(value):
    return value._data if isinstance(value, Tensor) else value


def _tensor_forward(user_forward):
    def forward(ctx, *args, **kwargs):
        ctx.needs_input_grad = tuple(ctx.needs_input_grad)   # a tuple of one flag per argument, as PyTorch's
        tensors = [_as_tensor(a, ctx.device) if ctx.device.is_array(a) else a for a in args]
        with no_grad():
            out = user_forward(ctx, *tensors, **kwargs)
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


class TensorFunction(Function):
    """Base class of PyTorch-style custom ops (`ag.autograd.Function`): subclass it, write forward(ctx, *args)
    and backward(ctx, *grads) on Tensors, call `.apply(...)`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "forward" in cls.__dict__:
            cls.forward = _tensor_forward(cls.__dict__["forward"].__func__
                                          if isinstance(cls.__dict__["forward"], staticmethod)
                                          else cls.__dict__["forward"])
        if "backward" in cls.__dict__:
            cls.backward = _tensor_backward(cls.__dict__["backward"].__func__
                                            if isinstance(cls.__dict__["backward"], staticmethod)
                                            else cls.__dict__["backward"])

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (e.g. indices) that never carry a gradient."""
        super().mark_non_differentiable(*(_as_array(o) for o in outputs))

    def set_materialize_grads(self, value):
        """Accepted for PyTorch code; unused outputs always get zero gradients here."""

    def mark_dirty(self, *tensors):
        """Accepted for PyTorch code; in-place changes are tracked by version counters."""
