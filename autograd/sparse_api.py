"""torch.sparse: products, sums and softmaxes of sparse COO tensors (autograd/ops/sparse_ops.py), sampled_addmm
and spdiags (autograd/ops/sparse_products.py), and the check_sparse_tensor_invariants switch."""
import functools

from .bf16_dtype import bfloat16_dtype
from .warn_once import warn_once
from .ops.products import addmm as _dense_addmm
from .ops.sparse_build import sparse_coo_tensor
from .ops.sparse_ops import log_softmax, mm, softmax, sparse_sum as sum  # noqa: F401  (PyTorch's names)
from .ops.sparse_products import sampled_addmm, spdiags  # noqa: F401
from .tensor import Tensor


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2) for a sparse COO mat1 (torch.sparse.addmm)."""
    return _dense_addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def spmm(mat1, mat2):
    """mat1 @ mat2 for a sparse COO mat1 and a dense mat2 (torch.spmm)."""
    return mm(mat1, mat2)


def _legacy(name, dtype):
    def make(indices, values, size=None, *, device=None):
        shape = "" if size is None else "shape, "
        # PyTorch gives each form's deprecation warning once per process
        warn_once(("legacy sparse constructor", shape),
                  f"torch.sparse.SparseTensor(indices, values, {shape}*, device=) is deprecated.  Please use "
                  f"torch.sparse_coo_tensor(indices, values, {shape}dtype=, device=).")
        if isinstance(values, Tensor):   # PyTorch keeps a values tensor's own dtype, whatever the type's name says
            return sparse_coo_tensor(indices, values, size, device=device)
        kind = bfloat16_dtype(f"torch.sparse.{name}") if dtype == "bfloat16" else dtype
        return sparse_coo_tensor(indices, values, size, dtype=kind, device=device)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = (f"A sparse COO tensor (PyTorch's legacy torch.sparse.{name}(indices, values, size)): a values "
                    f"tensor keeps its dtype, as PyTorch's; other values become {dtype}.")
    return make


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
LongTensor = _legacy("LongTensor", "int64")
IntTensor = _legacy("IntTensor", "int32")
ShortTensor = _legacy("ShortTensor", "int16")
CharTensor = _legacy("CharTensor", "int8")
ByteTensor = _legacy("ByteTensor", "uint8")
HalfTensor = _legacy("HalfTensor", "float16")
BFloat16Tensor = _legacy("BFloat16Tensor", "bfloat16")

class check_sparse_tensor_invariants:
    """PyTorch's switch for checking the invariants of the sparse tensors its constructors build (off by default):
    is_enabled / enable / disable, and a context manager (or decorator) that turns it on (enable=True) for a
    block. deepgrad's constructors always check, so the switch only records what was asked."""
    _enabled = [False]

    @staticmethod
    def is_enabled():
        """Whether the switch is on."""
        return check_sparse_tensor_invariants._enabled[0]

    @staticmethod
    def enable():
        """Turn the switch on."""
        check_sparse_tensor_invariants._enabled[0] = True

    @staticmethod
    def disable():
        """Turn the switch off."""
        check_sparse_tensor_invariants._enabled[0] = False

    def __init__(self, enable=True):
        self.state, self.saved = bool(enable), None

    def __enter__(self):
        self.saved = self._enabled[0]
        self._enabled[0] = self.state

    def __exit__(self, *exc):
        self._enabled[0] = self.saved
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with check_sparse_tensor_invariants(self.state):
                return fn(*args, **kwargs)
        return run


__all__ = ["addmm", "check_sparse_tensor_invariants", "log_softmax", "mm", "sampled_addmm", "softmax", "spdiags",
           "spmm", "sum"]
