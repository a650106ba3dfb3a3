"""Embedding lookup as users call it (index checks); the op lives in autograd/ops/embedding.py."""
import numbers

from autograd import Tensor, arrays
from autograd.ops.embedding import Embedding
from autograd.ops.dims import check_tensor


def embedding(input, weight, padding_idx=None):
    """The rows weight[input] for an integer tensor `input` of any shape -> shape input.shape + (D,).

    The row at padding_idx (if given) receives no gradient.
    """
    check_tensor("embedding", input)
    check_tensor("embedding", weight, "weight")
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
        indices = arrays.array(input)
        low, high = int(xp.min(indices)), int(xp.max(indices))
        if low < 0 or high >= num:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of range for num_embeddings={num} (valid indices are "
                             f"0 to {num - 1})")
    if padding_idx is not None:
        if not isinstance(padding_idx, numbers.Integral) or not -num <= padding_idx < num:
            raise ValueError(f"{op}: padding_idx={padding_idx!r} must be an int in [-{num}, {num})")
        padding_idx = int(padding_idx) % num
    return Embedding.apply(input, weight, padding_idx)
