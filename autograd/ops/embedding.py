"""Embedding lookup: rows of a weight matrix picked by integer indices, gradients scattered back."""
from ..function import Function


def check_indices(xp, indices, num, op="embedding"):
    """Raise IndexError naming the first bad index unless every index lies in [0, num)."""
    if indices.size:
        low, high = int(xp.min(indices)), int(xp.max(indices))
        if low < 0 or high >= num:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of range for num_embeddings={num} (valid indices are "
                             f"0 to {num - 1})")


class Embedding(Function):
    """Rows of `weight` at `indices`; on host devices the forward checks the indices itself, so that an
    ag.jit replay checks each step's indices too."""
    op_name = "embedding"
    differentiable_backward = False

    def forward(ctx, indices, weight, padding_idx, scale_grad_by_freq=False):
        if ctx.device.host_memory:
            check_indices(ctx.xp, indices, weight.shape[0])
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
