"""torch.linalg.vander: the Vandermonde matrices of a batch of vectors, powers increasing along the last dim
(a composite of cumprod, so its gradient comes with it, exact at zeros)."""
import numbers

import numpy as np

from .dims import check_tensor
from .joining import cat
from .no_grad_op import no_grad_op
from .scan import cumprod
from .shape import broadcast_to, reshape, unsqueeze
from ..errors import DtypeError


def vander(x, *, N=None):
    """x of shape (*, n) -> (*, n, N) with [..., i, j] = x[..., i] ** j (N defaults to n; a 0-d x counts as one
    element). Float and complex tensors keep their dtype, integer ones give int64."""
    check_tensor("linalg.vander", x, "x")
    if x.dtype.kind == "b" or x.dtype.kind not in "fciu":
        raise DtypeError(f"linalg.vander: supports floating point, complex and integer tensors, got {x.dtype}; "
                         "convert it first, e.g. x.long() or x.double()")
    if x.ndim == 0:
        x = reshape(x, (1,))
    n = x.shape[-1] if N is None else N
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"linalg.vander: N must be an int, got {N!r}")
    if n <= 1:
        raise RuntimeError(f"linalg.vander: N must be greater than 1, got N={n}"
                           + (f" (the size of x's last dim, shape {tuple(x.shape)})" if N is None else ""))
    if x.dtype.kind in "iu":
        x = x.astype(np.int64)
    column = unsqueeze(x, -1)
    ones = no_grad_op("vander", lambda xp, a: xp.ones(a.shape, a.dtype), column)
    powers = cumprod(broadcast_to(column, tuple(x.shape) + (n - 1,)), -1)
    return cat([ones, powers], -1)
