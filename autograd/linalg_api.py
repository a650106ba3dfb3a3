"""`ag.linalg`: the names PyTorch code reaches through `torch.linalg`, so that `torch.linalg.X` ports as
`ag.linalg.X` (`import autograd.linalg` works too). float32/float64 and complex64/complex128 tensors, batched
over leading dims, on every device (eig / eigvals: the CPU devices only); the ops live in
autograd/ops/linalg_*.py and matrix_exp.py, their complex forms and eig in linalg_complex.py.

The LDL family (ldl_factor, ldl_factor_ex, ldl_solve; ops/linalg_ldl.py) has no gradient, as in PyTorch.
"""
from .ops.linalg import matmul
from .ops.linalg_checks import LinAlgError
from .ops.linalg_cholesky import cholesky, cholesky_ex
from .ops.linalg_complex import eig, eigvals
from .ops.linalg_det import det, slogdet
from .ops.linalg_eigh import eigh, eigvalsh
from .ops.linalg_householder import householder_product
from .ops.linalg_lu import lu, lu_factor, lu_factor_ex, lu_solve
from .ops.linalg_ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.linalg_norms import cond, matrix_norm, norm, vector_norm
from .ops.linalg_pinv import lstsq, matrix_rank, pinv
from .ops.linalg_products import cross, diagonal, matrix_power, multi_dot, tensorinv, tensorsolve, vecdot
from .ops.linalg_qr import qr
from .ops.linalg_solve import inv, inv_ex, solve, solve_ex, solve_triangular
from .ops.linalg_svd import svd, svdvals
from .ops.linalg_vander import vander
from .ops.matrix_exp import matrix_exp
from .ops.out import with_out

vector_norm = with_out(vector_norm)   # torch.linalg.vector_norm(x, out=y)

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq",
           "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "matmul",
           "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular",
           "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
