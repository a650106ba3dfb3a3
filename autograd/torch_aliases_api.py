"""More top-level names of PyTorch's namespace that spell existing things: absolute, detach, is_inference,
is_neg and the deprecated CPU autocast queries."""
import warnings

from .amp.autocast_mode import get_autocast_dtype, is_autocast_enabled
from .ops.elementwise import abs as absolute
from .tensor import Tensor

__all__ = ["absolute", "detach", "is_inference", "is_neg", "get_autocast_cpu_dtype", "is_autocast_cpu_enabled"]


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
