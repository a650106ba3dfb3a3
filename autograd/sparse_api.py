"""torch.sparse: products, sums and softmaxes of sparse COO tensors (autograd/ops/sparse_ops.py)."""
from .ops.products import addmm as _dense_addmm
from .ops.sparse_build import sparse_coo_tensor
from .ops.sparse_ops import log_softmax, mm, softmax, sparse_sum as sum  # noqa: F401  (PyTorch's names)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2) for a sparse COO mat1 (torch.sparse.addmm)."""
    return _dense_addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def spmm(mat1, mat2):
    """mat1 @ mat2 for a sparse COO mat1 and a dense mat2 (torch.spmm)."""
    return mm(mat1, mat2)


def _legacy(name, dtype):
    def make(indices, values, size=None, *, device=None):
        return sparse_coo_tensor(indices, values, size, dtype=dtype, device=device)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"A sparse COO tensor of {dtype} (PyTorch's legacy torch.sparse.{name}(indices, values, size))."
    return make


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
LongTensor = _legacy("LongTensor", "int64")

__all__ = ["addmm", "log_softmax", "mm", "softmax", "spmm", "sum"]
