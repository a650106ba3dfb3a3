"""torch.norm's matrix form p='nuc' (the nuclear norm, the sum of the singular values) over a pair of dims
(all dims of a 2-D tensor when dim is None). Every other p, 'fro' included, is the vector norm of
ops/linalg.py: 'fro' over more dims than two, which PyTorch refuses, is the 2-norm over all of them, as
deepgrad's norm computed it before (the same numbers PyTorch gives for one or two dims)."""
import numbers

from .dims import check_tensor, every_dim_if_empty
from .dtype_args import check_dtype_arg
from .linalg import norm as _vector_norm
from .linalg_norms import matrix_norm


def norm(input, p="fro", dim=None, keepdim=False, *, ord=None, axis=None, keepdims=None, dtype=None):
    """torch.norm: the vector p-norm over `dim` (all elements when None; 'fro' is the 2-norm), or for
    p='nuc' the nuclear norm of the matrices in the two dims `dim` (a 2-D input's own dims when None),
    differentiable (gradient U V^H from the SVD), real or complex input."""
    check_tensor("norm", input)
    check_dtype_arg("norm", dtype)
    dim = every_dim_if_empty(dim)
    chosen = p if ord is None else ord
    over = dim if dim is not None else axis
    if isinstance(chosen, str) and not _vector_fro(chosen, over):
        dims = tuple(range(input.ndim)) if over is None else (
            (over,) if isinstance(over, numbers.Integral) else tuple(over))
        if chosen not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {chosen} not supported; torch.norm takes 'fro' or "
                               "'nuc' as strings")
        if len(dims) != 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))} "
                               f"(torch.norm's p={chosen!r} is a matrix norm: pass two dims)")
        return matrix_norm(input, chosen, dims, keepdim if keepdims is None else keepdims, dtype=dtype)
    return _vector_norm(input, p, dim, keepdim, ord=ord, axis=axis, keepdims=keepdims, dtype=dtype)


def _vector_fro(p, dim):
    """True when p is computed as a vector norm: 'fro' over every dim (dim None), one dim or two, as
    torch.norm; over more, torch.norm hands it to the matrix norm, which refuses them."""
    return p == "fro" and (dim is None or isinstance(dim, numbers.Integral) or len(tuple(dim)) <= 2)
