"""A gradient tap: identity on a group of tensors whose backward shows their gradients to a callback first.

nn's module backward hooks are built on it: one tap on a module's inputs and one on its outputs
give the gradients with respect to exactly that call of the module, all at once.
"""
from ..function import Function
from ..errors import ShapeError
from ..tensor import Tensor, wrap_array


class GradientTap(Function):
    """Outputs views of the input arrays; backward calls `callback(grads)` with the gradients of the
    outputs as a tuple of Tensors and passes on what it returns (None keeps the gradients as they are)."""

    op_name = "gradient_tap"
    runs_without_gradient = True   # as PyTorch's BackwardHookFunction: module hooks see an output that got None

    def forward(ctx, callback, materialize, *arrays):
        ctx.callback = callback
        ctx.materialize_grads = materialize   # False: an output that got no gradient reaches the callback as None
        ctx.shapes = tuple(a.shape for a in arrays)
        return tuple(a.view() for a in arrays)  # new array objects, so each output is a graph value of its own

    def backward(ctx, *grads):
        graph_mode = any(isinstance(g, Tensor) for g in grads)
        given = grads if graph_mode else tuple(None if g is None else wrap_array(g, ctx.device) for g in grads)
        replaced = ctx.callback(given)
        if replaced is None:
            return (None, None) + tuple(grads)
        replaced = tuple(replaced)
        if len(replaced) != len(grads):
            raise ValueError(f"gradient_tap: the hook returned {len(replaced)} gradients for {len(grads)} tensors")
        out = []
        for k, (new, shape) in enumerate(zip(replaced, ctx.shapes)):
            if new is None:
                out.append(None)
                continue
            if not isinstance(new, Tensor):
                raise TypeError(f"gradient_tap: the hook returned a {type(new).__name__} for gradient {k}; "
                                "return Tensors (or None)")
            if new.shape != shape:
                raise ShapeError(f"backward hook: has changed the size of value: it returned gradient {k} of shape "
                                 f"{tuple(new.shape)}, expected {tuple(shape)}; return gradients of the shapes it "
                                 "was given")
            out.append(new if graph_mode else new._data)
        return (None, None) + tuple(out)


def tap(callback, *tensors, materialize=True):
    """`tensors` passed through unchanged (as new graph values); in backward, `callback` receives the tuple
    of their gradients (zeros for a tensor that got none, or None when `materialize` is False) and may return
    a replacement tuple (None entries drop that gradient)."""
    if not tensors:
        raise ValueError("tap: needs at least one tensor")
    return GradientTap.apply(callback, materialize, *tensors)
