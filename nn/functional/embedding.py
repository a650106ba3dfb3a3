"""Embedding lookup: rows of a weight matrix picked by integer indices, gradients scattered back."""
import numbers

from autograd import Function, Tensor


class EmbeddingOp(Function):
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


def embedding(input, weight, padding_idx=None):
    """The rows weight[input] for an integer tensor `input` of any shape -> shape input.shape + (D,).

    The row at padding_idx (if given) receives no gradient.
    """
    op = "embedding"
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"{op}: weight must be a 2-D Tensor (num_embeddings, embedding_dim), got "
                         f"{getattr(weight, 'shape', type(weight).__name__)}")
    if not isinstance(input, Tensor):
        input = Tensor(input, device=weight.device)
    num = weight.shape[0]
    if input.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be an integer tensor, got {input.dtype} (shape {input.shape}); "
                        f"convert them with .astype(ag.int64)")
    if input.size:
        xp = input.device.xp
        low, high = int(xp.min(input._data)), int(xp.max(input._data))
        if low < 0 or high >= num:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of range for num_embeddings={num} (valid indices are "
                             f"0 to {num - 1})")
    if padding_idx is not None:
        if not isinstance(padding_idx, numbers.Integral) or not -num <= padding_idx < num:
            raise ValueError(f"{op}: padding_idx={padding_idx!r} must be an int in [-{num}, {num})")
        padding_idx = int(padding_idx) % num
    return EmbeddingOp.apply(input, weight, padding_idx)
