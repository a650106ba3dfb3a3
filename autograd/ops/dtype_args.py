"""PyTorch's refusal of a `dtype=` argument that is not a dtype: a string ('float32'), which NumPy would read as a
dtype without a word. deepgrad's dtypes (ag.float32, ...) and Python's float, int, bool and complex stay accepted,
as torch takes them; so do NumPy scalar types (np.float32), which deepgrad's own modules pass (Tensor.type refuses
them, as PyTorch's). The refusal is for the user's own calls: nn.keras speaks Keras, whose dtypes are names
('float32', a Keras Variable's dtype), and its layers and ops hand those names to these functions."""
import sys

import numpy as np


def torch_spelling(dtype):
    """The torch.<name> spelling of a dtype given as a string or a NumPy scalar type, or a generic one."""
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


def _called_from_nn():
    """Whether the nearest caller outside the autograd package is deepgrad's own nn package (nn.keras above all)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != "autograd" and not module.startswith("autograd."):
            return module == "nn" or module.startswith("nn.")
        frame = frame.f_back
    return False


def check_dtype_arg(op, dtype):
    """`dtype` as given when PyTorch takes it as a dtype; TypeError naming `op` and the fix for a string given by the
    user's code (deepgrad's nn package passes Keras's dtype names). A NumPy scalar type, which PyTorch refuses too,
    stays accepted: deepgrad's own code passes np.float32 and the like."""
    if isinstance(dtype, str) and not _called_from_nn():
        raise TypeError(f"{op}(): argument 'dtype' must be torch.dtype, not {_shown(dtype)}; pass the dtype itself, "
                        f"e.g. dtype={torch_spelling(dtype)}")
    return dtype
