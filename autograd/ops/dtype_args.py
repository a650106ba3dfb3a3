"""PyTorch's refusal of a `dtype=` argument that is not a dtype: a string ('float32'), which NumPy would read as a
dtype without a word. deepgrad's dtypes (ag.float32, ...: NumPy dtype objects) and Python's float, int, bool and
complex stay accepted, as torch takes them; so do NumPy scalar types (np.float32), which deepgrad's own modules and
tests pass (Tensor.type refuses them, as PyTorch's). The refusal is for the user's own calls: nn.keras speaks Keras,
whose dtypes are names ('float32', a Keras Variable's dtype), and its layers and ops hand those names to these
functions."""
import sys

import numpy as np


def torch_spelling(dtype):
    """The torch.<name> spelling of a dtype given as a string or a NumPy scalar type, or a generic one."""
    try:
        found = np.dtype(dtype.rpartition(".")[2] if isinstance(dtype, str) else dtype)
    except TypeError:
        return "torch.float32"
    if found.kind not in "biufcV":   # strings, objects, dates: no torch dtype of that name ('U1' is not torch.str32)
        return "torch.float32"
    return f"torch.{found.name}"


def _shown(dtype):
    if isinstance(dtype, str):
        return f"str ({dtype!r})"
    return f"type ({dtype.__module__}.{dtype.__name__})"


def is_refused(dtype):
    """True for a NumPy scalar type (np.float32), a dtype spelling PyTorch's argument parser refuses."""
    return isinstance(dtype, type) and issubclass(dtype, np.generic)


def _module_of(frame):
    return frame.f_globals.get("__name__", "")


def _passes_calls_on(frame):
    """Whether `frame` is a wrapper that only hands a call on: torch-function dispatch, nested-tensor dispatch (its
    wrappers are compiled from source, with a module of no name), out= handling, functools."""
    return (_module_of(frame) in ("autograd.overrides", "autograd.nested_dispatch", "autograd.ops.out", "functools")
            or frame.f_code.co_filename.startswith("<nested_dispatch"))


def _in_package(module, package):
    return module == package or module.startswith(package + ".")


def _caller(depth):
    """The frame that called the public function `depth` frames above the caller of check_dtype_arg."""
    return sys._getframe(depth + 4)   # past _caller, its asker, check_dtype_arg and the public function


def _called_from_nn(depth):
    """Whether the nearest caller of the public function outside the autograd package is deepgrad's own nn package
    (nn.keras above all), but not its PyTorch layers (nn.layers), which pass on the dtype= their user gave them."""
    frame = _caller(depth)
    while frame is not None and (_in_package(_module_of(frame), "autograd") or _passes_calls_on(frame)):
        frame = frame.f_back
    module = "" if frame is None else _module_of(frame)
    return _in_package(module, "nn") and not _in_package(module, "nn.layers")


def check_dtype_arg(op, dtype, depth=0, error=TypeError):
    """`dtype` as given when PyTorch takes it as a dtype; `error` (TypeError) naming `op` and the fix for a string
    given by the user's code (deepgrad's nn package passes Keras's dtype names). `depth` is the number of frames
    between the public function and this call (helpers it calls the check through). A NumPy scalar type
    (np.float32), which PyTorch refuses too, stays accepted: deepgrad's own code and tests pass them as dtypes."""
    if isinstance(dtype, str) and not _called_from_nn(depth):
        raise error(f"{op}(): argument 'dtype' must be torch.dtype, not {_shown(dtype)}; pass the dtype itself, "
                    f"e.g. dtype={torch_spelling(dtype)}")
    return dtype
