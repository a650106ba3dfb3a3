"""Orthogonal parametrization, PyTorch's torch.nn.utils.parametrizations.orthogonal (real matrices only).

`module.<name>` (a matrix, or a batch of them, m x n) reads as a matrix with orthonormal columns (m >= n) or rows
(m < n). Working on the tall form (n x k, n >= k; a wide matrix is transposed first), the original X maps to:
  - "matrix_exp" / "cayley": A = L - L^T with L the lower triangle of X padded with zero columns to n x n;
    Q = exp(A) or the Cayley map (I - A/2)^-1 (I + A/2), then its first k columns;
  - "householder": the product of the reflectors in X's strictly lower triangle with tau = 2 / (1 + |v|^2)
    (each v has a 1 on the diagonal), its columns multiplied by X's diagonal truncated to integers (+-1).
With use_trivialization=True (the default) the result is multiplied on the left by the buffer `base` (n x n,
orthogonal): registering or assigning a matrix stores it (orthogonalised by QR with a non-negative diagonal of R
when it is not orthogonal, completed with random columns when it is not square) as `base`, and sets the original
to -I, which every map sends to the identity's first k columns. Without it, only "householder" can be assigned:
the original becomes the reflectors of the matrix's QR factorisation.
"""
import autograd as ag

from ..module import Module
from .parametrize import register_parametrization

MAPS = ("matrix_exp", "cayley", "householder")


def _is_orthogonal(Q):
    """Whether the columns of the tall Q (..., n, k) are orthonormal within 10 n eps."""
    n, k = Q.shape[-2:]
    eye = ag.eye(k, dtype=Q.dtype, device=Q.device)
    return ag.allclose(Q.mT @ Q, eye, rtol=1e-5, atol=10.0 * n * ag.finfo(Q.dtype).eps)


def _make_orthogonal(A):
    """The Q factor of the tall A = QR, signed so that R's diagonal is non-negative."""
    X, tau = ag.geqrf(A)
    Q = ag.linalg.householder_product(X, tau)
    return Q * X.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _diagonal_mask(n, k, device):
    return ag.eye(n, k, dtype=ag.bool_, device=device)


class _Orthogonal(Module):
    """The parametrization: original X -> an orthogonal matrix (see the module docstring)."""

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        _check_real("orthogonal", weight)
        if orthogonal_map not in MAPS:
            raise ValueError(f'orthogonal: orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                             f"Got: {orthogonal_map}")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        """The orthogonal matrix the original X stands for."""
        n, k = X.shape[-2:]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            X = X.tril()
            if n != k:
                X = ag.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mT     # skew-symmetric
            if self.orthogonal_map == "matrix_exp":
                Q = ag.matrix_exp(A)
            else:
                eye = ag.eye(n, dtype=A.dtype, device=A.device)
                Q = ag.linalg.solve(eye - 0.5 * A, eye + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = ag.linalg.householder_product(A, tau)
            # X's diagonal (+-1) picks each column's sign; truncated, as PyTorch, so it carries no gradient
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if transposed else Q

    def right_inverse(self, Q):
        """The original that gives Q (see the module docstring); with trivialization, also sets `base`."""
        with ag.no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if tuple(Q.shape) != tuple(self.shape):
            raise ValueError(f"orthogonal: Expected a matrix or batch of matrices of shape {tuple(self.shape)}. "
                             f"Got a tensor of shape {tuple(Q.shape)}.")
        _check_real("orthogonal", Q)
        Q_init = Q
        n, k = Q.shape[-2:]
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map != "householder":
                raise NotImplementedError("orthogonal: It is not possible to assign to the matrix exponential or "
                                          "the Cayley parametrizations when use_trivialization=False; register "
                                          "with use_trivialization=True or orthogonal_map='householder'")
            A, tau = ag.geqrf(Q)
            # R's diagonal made positive (the reflectors' diagonal holds the signs), and flipped where LAPACK
            # used no reflection (tau exactly 0)
            signs = A.diagonal(dim1=-2, dim2=-1).sign() * ag.where(tau == 0.0, -1.0, 1.0).to(A.dtype)
            A = ag.where(_diagonal_mask(n, k, A.device), signs.unsqueeze(-2), A)
            return A.mT if transpose else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            extra = ag.randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(ag.cat([Q, extra], dim=-1))
        self.base = Q
        # -I: every map sends it to the identity (householder reads the signs from the diagonal)
        eye = _diagonal_mask(*Q_init.shape[-2:], Q_init.device)
        return ag.where(eye, -1.0, 0.0).to(Q_init.dtype).expand(*Q_init.shape).clone()


def _check_real(who, weight):
    if weight.dtype.kind == "c":
        raise TypeError(f"{who}: complex (unitary) parametrizations are not supported by deepgrad; got a weight of "
                        f"dtype {weight.dtype}; use a real float32/float64 weight")


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Make `module.<name>` (a matrix or batch of matrices) orthogonal through a parametrization: orthonormal
    columns when it is tall or square, orthonormal rows when it is wide. orthogonal_map is "matrix_exp",
    "cayley" or "householder" (default: "matrix_exp" for square matrices, else "householder");
    use_trivialization keeps an orthogonal `base` buffer the map's output is multiplied by. The initial value
    is the weight itself when orthogonal, else the Q of its QR factorisation. Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, ag.Tensor):
        raise ValueError(f"orthogonal: Module '{type(module).__name__}' has no parameter or buffer with name "
                         f"'{name}'; pass name= one of {list(module._parameters) + list(module._buffers)}")
    if weight.ndim < 2:
        raise ValueError(f"orthogonal: Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} "
                         "dimensions; orthogonal applies to weights with at least 2 dimensions")
    _check_real("orthogonal", weight)
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    return register_parametrization(module, name, orth, unsafe=True)
