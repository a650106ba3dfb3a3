"""Combinations of a vector's elements (torch.combinations) and the Vandermonde matrix of its powers
(torch.vander), composites of indexing and cumprod, so their gradients come with them."""
import itertools
import numbers

import numpy as np

from ..bf16_dtype import is_bf16
from ..errors import ArgumentRangeError, ShapeError, SizeTypeError
from ..function import named
from .dims import check_tensor
from .joining import cat
from .no_grad_op import no_grad_op
from .scan import cumprod
from .shape import broadcast_to, flip, reshape


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of the 1-D `input`'s elements as the rows of an (n_combinations, r) tensor, in
    itertools.combinations order (combinations_with_replacement with `with_replacement`); r = 0 gives an empty
    1-D tensor."""
    check_tensor("combinations", input)
    if input.ndim != 1:
        raise ShapeError(f"combinations: expects a 1-D tensor, got shape {tuple(input.shape)}; flatten it first")
    if not isinstance(r, numbers.Integral) or isinstance(r, bool):
        raise SizeTypeError(f"combinations: r must be a non-negative int, got {type(r).__name__} {r!r}; pass int(r)")
    if r < 0:
        raise ArgumentRangeError(f"combinations: r must be a non-negative int, got {r!r} (input shape "
                                 f"{tuple(input.shape)}); pass the length of each combination, r >= 0")
    if r == 0:
        return input[:0].detach()   # a new empty tensor, outside the graph, as PyTorch's
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.asarray(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return named(input[input.device.xp.asarray(rows)], "StackBackward0")   # PyTorch stacks r columns


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D `x`: column j holds x ** (N - 1 - j) (x ** j with `increasing`), N
    columns (default len(x)); integer and bool inputs give int64, as PyTorch."""
    check_tensor("vander", x)
    if x.ndim != 1:
        raise ShapeError(f"vander: x must be a one-dimensional tensor, got shape {tuple(x.shape)}; flatten it first")
    n = x.shape[0] if N is None else N
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise SizeTypeError(f"vander: N must be a non-negative int, got {type(n).__name__} {N!r}; pass int(N)")
    if n < 0:
        raise ArgumentRangeError(f"vander: N must be a non-negative int, got {N!r} (x shape {tuple(x.shape)}); pass "
                                 f"the number of columns, N >= 0")
    if x.dtype.kind not in "fc" and not is_bf16(x.dtype):
        x = x.astype(np.int64)
    column = reshape(x, (-1, 1))
    ones = no_grad_op("vander", lambda xp, a: xp.ones((a.shape[0], 1), a.dtype), x)
    if n == 0:
        return ones[:, :0]
    powers = [ones]
    if n > 1:
        powers.append(cumprod(broadcast_to(column, (x.shape[0], n - 1)), 1))
    out = cat(powers, 1)
    return out if increasing else flip(out, 1)
