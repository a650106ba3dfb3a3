"""The lower and upper triangles of matrices (tril, triu): the input with the rest set to zero."""
import numpy as np

from .. import unsigned_limits
from ..shown_nodes import shown_over
from .dims import check_tensor, int_argument
from .elementwise import where
from ..errors import ShapeError


def _triangle(op, input, diagonal, lower):
    check_tensor(op, input)
    diagonal = int_argument(op, "diagonal", diagonal)
    unsigned_limits.refuse(op, input)
    if input.ndim < 2:
        raise ShapeError(f"{op}: input must have at least 2 dims (a matrix or a batch of them), got shape "
                         f"{input.shape}")
    rows, cols = input.shape[-2:]
    keep = (np.tri(rows, cols, int(diagonal), dtype=bool) if lower
            else ~np.tri(rows, cols, int(diagonal) - 1, dtype=bool))
    return shown_over(where(keep, input, input.new_zeros(())), "TrilBackward0" if lower else "TriuBackward0", input)


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (at and below `diagonal`); the rest zero. Gradients flow
    to the kept elements."""
    return _triangle("tril", input, diagonal, True)


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (at and above `diagonal`); the rest zero."""
    return _triangle("triu", input, diagonal, False)
