"""`ag.autograd.function` (torch.autograd.function): the custom-Function base class and `once_differentiable`.

    from autograd.autograd.function import once_differentiable

A backward decorated with once_differentiable runs without recording a graph. When it is reached by a
create_graph backward whose incoming gradients require grad, its results are handed on through a node that
refuses to be differentiated: a later backward through them raises, naming the decorator, as PyTorch's does.
"""
import functools

from .function import Function as _Op
from .grad_mode import is_grad_enabled, no_grad
from .tensor import Tensor
from .tensor_function import TensorFunction as Function

_TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"


class DelayedError(_Op):
    """The identity whose backward raises: PyTorch's DelayedError node behind once_differentiable."""

    torch_name = "torch::autograd::Error"   # what PyTorch's node answers to name(); reprs show 'Error'

    def forward(ctx, x, message):
        ctx.message = message
        return x

    def backward(ctx, gy):
        raise RuntimeError(ctx.message)


def once_differentiable(fn):
    """Decorate a custom Function's backward that must not be differentiated again: it runs under no_grad,
    and a create_graph backward gets results whose own backward raises a clear RuntimeError."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not is_grad_enabled() or not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        marked = tuple(None if o is None else DelayedError.apply(o.detach().requires_grad_(), _TWICE)
                       if isinstance(o, Tensor) else o for o in ((outputs,) if single else outputs))
        return marked[0] if single else marked
    return wrapper


__all__ = ["Function", "once_differentiable"]
