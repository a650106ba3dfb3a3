"""The identity whose backward raises: PyTorch's NotImplemented node, put after an op that has no derivative in
PyTorch so that the forward works as PyTorch's and backward fails where PyTorch's fails."""
from ..function import Function
from ..grad_mode import is_grad_enabled


class NoDerivative(Function):
    torch_name = "torch::autograd::NotImplemented"
    complex_ready = True   # the identity: complex values pass as they are

    def forward(ctx, x, op, advice):
        ctx.op, ctx.advice = op, advice
        return x

    def backward(ctx, gy):
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented (as in PyTorch); {ctx.advice}")


def without_derivative(out, op, advice):
    """`out` behind a NotImplemented node whose backward raises PyTorch's RuntimeError, naming `op` and `advice`
    (what to use instead)."""
    return NoDerivative.apply(out, op, advice)


class Underived(Function):
    """Results computed without a graph, put behind one node over the `sources` that require grad, as PyTorch
    records an op whose derivative it does not implement: the node shows PyTorch's name, and its backward raises
    PyTorch's error (NotImplementedError for the ops PyTorch marks not_implemented, else RuntimeError)."""
    torch_name = "torch::autograd::NotImplemented"

    def forward(ctx, *sources, results, op, node, missing):
        ctx.op, ctx.missing = op, missing
        if node is not None:
            ctx.torch_name = node
        return results

    def backward(ctx, *grads):
        if ctx.missing:
            raise NotImplementedError(f"the derivative for '{ctx.op}' is not implemented (as in PyTorch): its "
                                      "result is piecewise constant in the input; detach it first")
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented (as in PyTorch): detach its inputs "
                           "first")


def underived(results, sources, op, node=None, missing=False):
    """`results` (a Tensor or a tuple of them, computed without a graph) made by one node over those of `sources`
    that require grad, named `node` (PyTorch's NotImplemented when None), whose backward raises as PyTorch's does
    for `op`; `results` unchanged when no source requires grad or grad mode is off."""
    sources = [s for s in sources if s is not None and s.requires_grad]
    if not sources or not is_grad_enabled():
        return results
    several = isinstance(results, tuple)
    arrays = tuple(r._data for r in results) if several else results._data
    return Underived.apply(*sources, results=arrays, op=op, node=node, missing=missing)
