"""Embedding lookup as users call it (index checks); the op lives in autograd/ops/embedding.py."""
import numbers

from autograd import Tensor, arrays
from autograd.ops.embedding import Embedding, check_indices
from autograd.ops.embedding_renorm import renorm_rows_
from autograd.ops.dims import check_tensor
from autograd.errors import ArgumentError, DtypeError, ShapeError
from autograd.nested_dispatch import nested_dispatch


@nested_dispatch
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows weight[input] for an integer tensor `input` of any shape -> shape input.shape + (D,).

    The row at padding_idx (if given) receives no gradient. With max_norm, each looked-up row whose
    norm_type-norm exceeds max_norm is first rescaled to that norm, in place in `weight` (as PyTorch).
    scale_grad_by_freq divides each row's gradient by how many times its index occurs in `input`. With
    sparse=True the weight's gradient is a sparse COO tensor holding only the looked-up rows (for SGD,
    Adagrad and SparseAdam).
    """
    check_tensor("embedding", input)
    check_tensor("embedding", weight, "weight")
    op = "embedding"
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ShapeError(f"{op}: 'weight' must be 2-D (num_embeddings, embedding_dim), got "
                         f"{getattr(weight, 'shape', type(weight).__name__)}; reshape it, e.g. weight.unsqueeze(1)")
    if not isinstance(input, Tensor):
        input = Tensor(input, device=weight.device)
    num = weight.shape[0]
    if input.dtype.kind not in "iu":
        raise DtypeError(f"{op}: indices must be an integer tensor, got {input.dtype} (shape {input.shape}); "
                         f"convert them with .astype(ag.int64)")
    # the op checks host indices itself (in ag.jit replays too); max_norm's renormalisation reads rows first
    if not input.device.host_memory or max_norm is not None:
        check_indices(input.device.xp, arrays.array(input), num)
    if padding_idx is not None:
        if not isinstance(padding_idx, numbers.Integral) or not -num <= padding_idx < num:
            raise ArgumentError(f"{op}: padding_idx={padding_idx!r} must be an int in [-{num}, {num}) for a weight of "
                                f"{num} rows (shape {tuple(weight.shape)}); pick a row of the table")
        padding_idx = int(padding_idx) % num
    if max_norm is not None:
        if weight.dtype.kind not in "fc" and str(weight.dtype) != "bfloat16":
            raise DtypeError(f"{op}: max_norm renormalises rows by their norm, which needs a floating weight; got "
                             f"{weight.dtype} (shape {tuple(weight.shape)}); use a float weight (weight.float()) or "
                             "drop max_norm")
        renorm_rows_(weight, input, max_norm, norm_type)
    if sparse:   # the weight's gradient is a sparse COO tensor of the looked-up rows
        return Embedding.apply(input, weight, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq),
                               sparse=True)
    # the options as keywords: next_functions lists the weight only, as PyTorch's
    return Embedding.apply(input, weight, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq))
