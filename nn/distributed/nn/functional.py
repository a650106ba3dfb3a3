"""torch.distributed.nn.functional: all_reduce, all_gather and broadcast as graph nodes that return new tensors
(the input is left as it is) and send gradients back across the ranks, as PyTorch's functional collectives do.
Every rank must make the same calls in the same order, in forward and so in backward."""
import warnings

from autograd.autograd_api import Function

from .. import collectives
from ..collectives import ReduceOp
from ..world import current


def _deprecated(name, suggestion):
    warnings.warn(f"torch.distributed.nn.functional.{name} is deprecated, use "
                  f"torch.distributed._functional_collectives.{suggestion} instead.", FutureWarning, stacklevel=3)


class _AllReduce(Function):
    @staticmethod
    def forward(ctx, op, group, x):
        ctx.op, ctx.group = op, group
        return collectives.all_reduce(x.detach().clone(), op, group)

    @staticmethod
    def backward(ctx, grad):
        # PyTorch reduces the gradient with the forward's op, whatever it is
        return None, None, _AllReduce.apply(ctx.op, ctx.group, grad)


class _AllGather(Function):
    @staticmethod
    def forward(ctx, group, x):
        ctx.group = group
        ctx.rank = current("torch.distributed.nn.all_gather").rank
        return tuple(collectives.all_gather(x.detach().contiguous(), group=group))

    @staticmethod
    def backward(ctx, *grads):
        # this rank's input reached slot `rank` of every rank's output: its gradient sums those slots
        summed = [collectives.all_reduce(g.detach().clone(), "sum", ctx.group) for g in grads]
        return None, summed[ctx.rank]


class _Broadcast(Function):
    @staticmethod
    def forward(ctx, src, group, x):
        ctx.src, ctx.group = src, group
        ctx.rank = current("torch.distributed.nn.broadcast").rank
        return collectives.broadcast(x.detach().clone(), src, group)

    @staticmethod
    def backward(ctx, grad):
        total = collectives.all_reduce(grad.detach().clone(), "sum", ctx.group)
        return None, None, total if ctx.rank == ctx.src else total * 0


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """`tensor` reduced with `op` over every rank, as a new tensor whose gradient is the gradients reduced with the
    same op."""
    _deprecated("all_reduce", "all_reduce")
    return _AllReduce.apply(op, group, tensor)


def all_gather(tensor, group=None):
    """Every rank's `tensor`, a tuple in rank order; the gradient of this rank's input sums what each rank's
    output at this rank's slot received."""
    _deprecated("all_gather", "all_gather_single")
    return _AllGather.apply(group, tensor)


def broadcast(tensor, src, group=None):
    """Rank `src`'s `tensor` on every rank, as a new tensor; `src` receives the summed gradient, the others zero."""
    _deprecated("broadcast", "broadcast")
    return _Broadcast.apply(src, group, tensor)
