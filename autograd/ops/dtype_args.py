"""PyTorch's refusal of a `dtype=` argument that is not a dtype: a string ('float32'), which NumPy would read as a
dtype without a word. deepgrad's dtypes (ag.float32, ...) and Python's float, int, bool and complex stay accepted,
as torch takes them; so do NumPy scalar types (np.float32), which deepgrad's own modules pass (Tensor.type refuses
them, as PyTorch's)."""
import numpy as np


def _suggestion(dtype):
    """The torch.<name> spelling of what the caller meant, or a generic one."""
    try:
        name = np.dtype(dtype.rpartition(".")[2] if isinstance(dtype, str) else dtype).name
    except TypeError:
        return "torch.float32"
    return f"torch.{name}"


def _shown(dtype):
    if isinstance(dtype, str):
        return f"str ({dtype!r})"
    return f"type ({dtype.__module__}.{dtype.__name__})"


def is_refused(dtype):
    """True for a NumPy scalar type (np.float32), a dtype spelling PyTorch's argument parser refuses."""
    return isinstance(dtype, type) and issubclass(dtype, np.generic)


def check_dtype_arg(op, dtype):
    """`dtype` as given when PyTorch takes it as a dtype; TypeError naming `op` and the fix for a string. (A NumPy
    scalar type, which PyTorch refuses too, stays accepted: deepgrad's own code passes np.float32 and the like.)"""
    if isinstance(dtype, str):
        raise TypeError(f"{op}(): argument 'dtype' must be torch.dtype, not {_shown(dtype)}; pass the dtype itself, "
                        f"e.g. dtype={_suggestion(dtype)}")
    return dtype
