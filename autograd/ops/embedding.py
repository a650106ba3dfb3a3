"""Embedding lookup: rows of a weight matrix picked by integer indices, gradients scattered back."""
from ..function import Function


class Embedding(Function):
    op_name = "embedding"
    differentiable_backward = False

    def forward(ctx, indices, weight, padding_idx):
        ctx.save_for_backward(indices)
        ctx.padding_idx = padding_idx
        ctx.weight_shape = weight.shape
        return ctx.xp.take(weight, indices, axis=0)

    def backward(ctx, gy):
        indices, = ctx.saved_tensors
        shape = ctx.weight_shape
        gw = ctx.xp.zeros(shape, gy.dtype)
        ctx.device.index_add(gw, indices.reshape(-1), gy.reshape((-1,) + shape[1:]))
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return None, gw, None
