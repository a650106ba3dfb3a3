"""The identity whose backward raises: PyTorch's NotImplemented node, put after an op that has no derivative in
PyTorch so that the forward works as PyTorch's and backward fails where PyTorch's fails."""
from ..function import Function


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
