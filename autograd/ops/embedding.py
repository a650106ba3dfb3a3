"""Embedding lookup: rows of a weight matrix picked by integer indices, gradients scattered back."""
from ..function import Function


class Embedding(Function):
    op_name = "embedding"
    differentiable_backward = False

    def forward(ctx, indices, weight, padding_idx, scale_grad_by_freq=False):
        ctx.save_for_backward(indices)
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        ctx.weight_shape = weight.shape
        return ctx.xp.take(weight, indices, axis=0)

    def backward(ctx, gy):
        indices, = ctx.saved_tensors
        shape = ctx.weight_shape
        gw = ctx.xp.zeros(shape, gy.dtype)
        flat = indices.reshape(-1)
        ctx.device.index_add(gw, flat, gy.reshape((-1,) + shape[1:]))
        if ctx.scale_grad_by_freq:   # each row's gradient divided by how often its index occurs in the batch
            counts = ctx.xp.bincount(flat, minlength=shape[0])
            gw /= ctx.xp.maximum(counts, 1).astype(gw.dtype)[:, None]
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return None, gw, None, None
