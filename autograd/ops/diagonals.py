"""Building tensors from diagonals, with PyTorch's names: diag_embed (the last dim of a batch onto the
diagonals of matrices) and diagflat (a flattened tensor onto one matrix's diagonal). Both are composites,
so gradients flow back to the diagonal entries."""
import numpy as np

from ..errors import ShapeError
from ..function import named
from ..tensor import Tensor
from .arrange import diag
from .dims import check_tensor, normalize
from .elementwise import where
from .shape import flatten, movedim, pad, unsqueeze


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) planes are matrices with input's last dim on their `offset`-th diagonal
    (above the main one for offset > 0), and zeros elsewhere; one dim more than input."""
    check_tensor("diag_embed", input)
    if input.ndim == 0:
        raise ValueError("diag_embed: expects a tensor with at least 1 dim, got a 0-d tensor")
    d1, d2 = normalize("diag_embed", dim1, input.ndim + 1), normalize("diag_embed", dim2, input.ndim + 1)
    if d1 == d2:
        raise ShapeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2} (input shape "
                         f"{tuple(input.shape)}); pass two different dims, e.g. dim1=-2, dim2=-1")
    n = input.shape[-1]
    on_diagonal = Tensor(np.eye(n, dtype=bool), device=input.device)
    # a select, not a product: inf stays off the zeros; a zero of input's dtype keeps a bool input bool
    square = where(on_diagonal, unsqueeze(input, -1), False if input.dtype == np.bool_ else 0)
    k = abs(offset)
    corner = ((0, k), (k, 0)) if offset >= 0 else ((k, 0), (0, k))
    square = pad(square, ((0, 0),) * (input.ndim - 1) + corner)
    return named(movedim(square, (-2, -1), (d1, d2)), "DiagEmbedBackward0")


def diagflat(input, offset=0):
    """The flattened input on the `offset`-th diagonal of a square matrix, zeros elsewhere."""
    check_tensor("diagflat", input)
    return diag(flatten(input), offset)
