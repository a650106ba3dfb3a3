"""More top-level names of PyTorch's namespace that spell existing things: absolute, detach, is_inference,
is_neg, det and slogdet (torch's `input=` spelling of linalg's), the deprecated CPU/GPU autocast queries and
setters, and the
functions PyTorch removed in 1.9 (solve, eig, symeig, lstsq, matrix_rank), which raise its RuntimeError naming
their torch.linalg replacements."""
import warnings

from .amp.autocast_mode import get_autocast_dtype, is_autocast_enabled, set_autocast_dtype, set_autocast_enabled
from .ops import linalg_det
from .ops.elementwise import abs as absolute
from .tensor import Tensor

__all__ = ["absolute", "detach", "is_inference", "is_neg", "get_autocast_cpu_dtype", "is_autocast_cpu_enabled",
           "set_autocast_cpu_dtype", "set_autocast_cpu_enabled", "get_autocast_gpu_dtype", "set_autocast_gpu_dtype",
           "det", "slogdet", "REMOVED"]


def _tensor_argument(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


def detach(input):
    """A new tensor sharing `input`'s memory, outside the graph (as input.detach())."""
    return _tensor_argument("detach", input).detach()


def is_inference(input):
    """True when `input` was made under ag.inference_mode() (as input.is_inference())."""
    return _tensor_argument("is_inference", input).is_inference()


def is_neg(input):
    """False: deepgrad never keeps a lazy negation bit (as input.is_neg())."""
    return _tensor_argument("is_neg", input).is_neg()


def get_autocast_cpu_dtype():
    """Deprecated in PyTorch: the dtype of CPU autocast regions; use get_autocast_dtype('cpu')."""
    warnings.warn("get_autocast_cpu_dtype() is deprecated (as in PyTorch); use get_autocast_dtype('cpu')",
                  DeprecationWarning, stacklevel=2)
    return get_autocast_dtype("cpu")


def is_autocast_cpu_enabled():
    """Deprecated in PyTorch: whether a CPU autocast region is active; use is_autocast_enabled('cpu')."""
    warnings.warn("is_autocast_cpu_enabled() is deprecated (as in PyTorch); use is_autocast_enabled('cpu')",
                  DeprecationWarning, stacklevel=2)
    return is_autocast_enabled("cpu")


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated (as in PyTorch); use torch.{new} instead", DeprecationWarning,
                  stacklevel=3)


def set_autocast_cpu_dtype(dtype):
    """Deprecated in PyTorch: set the dtype of CPU autocast regions; use set_autocast_dtype('cpu', dtype)."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def set_autocast_cpu_enabled(enabled):
    """Deprecated in PyTorch: turn CPU autocast on or off; use set_autocast_enabled('cpu', enabled)."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_gpu_dtype():
    """Deprecated in PyTorch: the dtype of CUDA autocast regions; use get_autocast_dtype('cuda')."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    """Deprecated in PyTorch: set the dtype of CUDA autocast regions; use set_autocast_dtype('cuda', dtype)."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def det(input):
    """The determinant of each square matrix of `input` (..., n, n), as torch.det (torch.linalg.det's A)."""
    return linalg_det.det(input)


slogdet = linalg_det.torch_slogdet


#: the functions PyTorch 1.9 deprecated and later removed -> the replacement its error names
_REPLACEMENTS = {
    "solve": "torch.linalg.solve(A, B) (arguments reversed; it returns only the solution)",
    "eig": "torch.linalg.eig(A) (complex results) or torch.linalg.eigvals(A)",
    "symeig": "torch.linalg.eigh(A) (the lower triangle by default) or torch.linalg.eigvalsh(A)",
    "lstsq": "torch.linalg.lstsq(A, B) (arguments reversed; it returns a named tuple without the QR part)",
    "matrix_rank": "torch.linalg.matrix_rank(A) ('symmetric' is now 'hermitian')",
}


def _removed(name):
    def removed(*args, **kwargs):
        raise RuntimeError(f"{name}: this function was deprecated in PyTorch 1.9 and is now removed (as in "
                           f"PyTorch); use {_REPLACEMENTS[name]}")
    removed.__name__ = removed.__qualname__ = name
    removed.__doc__ = f"Removed in PyTorch: raises RuntimeError naming {_REPLACEMENTS[name].split(' ')[0]}."
    return removed


#: name -> a function (and Tensor method) that raises PyTorch's RuntimeError for the removed function
REMOVED = {name: _removed(name) for name in _REPLACEMENTS}
