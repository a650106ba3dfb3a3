"""Collectives inside the graph: a sum over every rank whose gradient is the sum over every rank of the
gradients reaching it (each rank's loss depends on every rank's input), for layers such as SyncBatchNorm
that compute statistics over the global batch."""
from autograd.autograd_api import Function

from .collectives import all_reduce


class _AllReduceSum(Function):
    @staticmethod
    def forward(ctx, x):
        return all_reduce(x.detach().clone(), "sum")

    @staticmethod
    def backward(ctx, grad):
        return all_reduce(grad.detach().clone(), "sum")


def all_reduce_sum(x):
    """The elementwise sum of `x` over every rank, differentiable (every rank must call it in the same order,
    with the same shape and dtype, in forward and therefore in backward)."""
    return _AllReduceSum.apply(x)
