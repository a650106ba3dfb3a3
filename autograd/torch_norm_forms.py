"""PyTorch's older top-level norm and gamma spellings: torch.frobenius_norm, nuclear_norm,
norm_except_dim (kept by PyTorch for TorchScript; the first two warn that they are deprecated, as there),
torch.igamma / igammac (the regularized incomplete gamma functions, = special.gammainc / gammaincc) with their
Tensor methods, and the Tensor methods geqrf and orgqr."""
import numbers
import warnings

from .linalg_api import matrix_norm, vector_norm
from .methods_inplace import inplace
from .ops.dims import check_tensor
from .ops.linalg_householder import geqrf, orgqr
from .special_api import gammainc as igamma, gammaincc as igammac


def frobenius_norm(input, dim, keepdim=False):
    """Deprecated in PyTorch: the 2-norm over `dim` (one or two dims), as linalg.vector_norm(input, 2, dim)."""
    warnings.warn("frobenius_norm is deprecated (as in PyTorch); use linalg.vector_norm(A, 2, dim, keepdim)",
                  UserWarning, stacklevel=2)
    check_tensor("frobenius_norm", input)
    return vector_norm(input, 2, dim=(dim,) if isinstance(dim, numbers.Integral) else tuple(dim), keepdim=keepdim)


def nuclear_norm(input, dim=None, keepdim=False):
    """Deprecated in PyTorch: the sum of the singular values over the two dims `dim` (the last two when only
    keepdim is given), as linalg.matrix_norm(input, 'nuc', dim)."""
    warnings.warn("nuclear_norm is deprecated (as in PyTorch); use linalg.matrix_norm(A, 'nuc', dim, keepdim)",
                  UserWarning, stacklevel=2)
    check_tensor("nuclear_norm", input)
    if isinstance(dim, bool):   # nuclear_norm(input, keepdim) spelled positionally
        dim, keepdim = None, dim
    if dim is None and input.ndim != 2:
        raise RuntimeError(f"nuclear_norm: expects a 2-D tensor without dim, got shape {tuple(input.shape)}; "
                           "pass the two dims")
    return matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else tuple(dim), keepdim=keepdim)


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of each slice of v along `dim` over all other dims, keeping v's number of dims (dim=-1:
    the norm of all of v, 0-d), as weight normalisation uses it."""
    check_tensor("norm_except_dim", v)
    if dim == -1:
        return vector_norm(v, pow)
    others = tuple(d for d in range(v.ndim) if d != dim % v.ndim)
    return vector_norm(v, pow, dim=others, keepdim=True)


TENSOR_METHODS = {"igamma": igamma, "igammac": igammac, "igamma_": inplace(igamma, "igamma_"),
                  "igammac_": inplace(igammac, "igammac_"), "geqrf": geqrf, "orgqr": orgqr}
