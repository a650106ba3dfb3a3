"""The memory order PyTorch's TensorIterator gives an elementwise result (`cl + c` of a channels_last and a
contiguous image batch is channels_last; `c + cl` is contiguous).

PyTorch orders the result's dimensions by its operands' strides, taken in order: the first operand whose strides
order two dims decides (a broadcast dim, stride 0, leaves them to the next operand; equal strides put the larger
size outside). NumPy's default order agrees when the operands agree and falls back to C order when they do not,
so `torch_order` copies such a result into PyTorch's order. Ops ask it only for results of 4 or more dims (image
batches): the check would cost a contiguous 2-D `a + b` a few percent, and a transposed matrix's sum stays C order.
"""
import numpy as np

from .index_layout import dims_order


def _strides(op, shape):
    """op's strides over the broadcast `shape`: 0 for a broadcast dim, as TensorIterator reads them."""
    lead = len(shape) - op.ndim
    return (0,) * lead + tuple(0 if n == 1 and shape[lead + k] != 1 else s
                               for k, (n, s) in enumerate(zip(op.shape, op.strides)))


def torch_order(out, *operands):
    """`out`, an elementwise result of `operands` (arrays or numbers, in the op's argument order), in the memory
    order PyTorch gives it: itself when NumPy's order is that one (always when every array operand is
    C-contiguous), else a copy laid out as PyTorch's."""
    for op in operands:
        flags = getattr(op, "flags", None)
        if flags is not None and not flags.c_contiguous:
            break
    else:
        return out   # every array C-contiguous: NumPy's C order is PyTorch's
    arrays = [op for op in operands if getattr(op, "ndim", 0) > 0]
    shape = out.shape
    inner_first = dims_order(shape, [_strides(op, shape) for op in arrays])
    wanted, step = [0] * len(shape), out.itemsize
    for d in inner_first:
        wanted[d] = step
        step *= shape[d]
    if all(n == 1 or s == w for n, s, w in zip(shape, out.strides, wanted)):
        return out
    outer_first = inner_first[::-1]
    laid = np.empty([shape[d] for d in outer_first], out.dtype) if isinstance(out, np.ndarray) else \
        type(out)([shape[d] for d in outer_first], out.dtype)
    laid = laid.transpose(np.argsort(outer_first))
    laid[...] = out
    return laid
