"""bfloat16 (PyTorch's torch.bfloat16) as ml_dtypes' NumPy dtype, an optional dependency.

NumPy has no bfloat16; the `ml_dtypes` package (the one JAX and Keras use) adds it. It is imported on first use
(`ag.bfloat16`, a 'bfloat16' dtype name, CPU autocast's default, a BF16 checkpoint), never by `import autograd`:
its import takes about half a second. Without the package every use of bfloat16 raises one clear ImportError
naming how to install it. ml_dtypes' dtype has NumPy kind 'V', so code that asks "is this a float?" must also
ask `is_bf16` (tensors hold no other 'V' dtype).
"""
import numpy as np

from . import dtype_attributes

_F32 = np.dtype(np.float32)
#: the names a bfloat16 dtype goes by (a str dtype argument, PyTorch's printed name)
NAMES = ("bfloat16", "torch.bfloat16")
#: the ml_dtypes module once imported; False when it cannot be; None before the first try
_ml = None


class MissingBFloat16(ImportError):
    """bfloat16 was asked for but the optional ml_dtypes package is not installed."""


def missing(what="bfloat16"):
    """The error for a use of bfloat16 (`what`) without ml_dtypes."""
    return MissingBFloat16(f"{what}: deepgrad's bfloat16 dtype needs the optional ml_dtypes package (NumPy has no "
                           "bfloat16); install it with `pip install ml_dtypes` (or the extra: "
                           "`pip install -e \".[bfloat16]\"` from a checkout)")


def _ml_dtypes():
    """The ml_dtypes module (imported on the first call), or None when it is not installed."""
    global _ml
    if _ml is None:
        try:
            import ml_dtypes
        except ImportError:
            _ml = False
        else:
            _ml = ml_dtypes
            dtype_attributes.install(ml_dtypes.bfloat16)
    return _ml or None


def bfloat16_available():
    """True when the optional ml_dtypes package, which holds bfloat16, can be imported (it is, on the first call)."""
    return _ml_dtypes() is not None


def bfloat16_type(what="bfloat16"):
    """The bfloat16 scalar type (ml_dtypes.bfloat16, as np.float32 is float32's); MissingBFloat16 without
    ml_dtypes."""
    module = _ml_dtypes()
    if module is None:
        raise missing(what)
    return module.bfloat16


def bfloat16_dtype(what="bfloat16"):
    """The bfloat16 NumPy dtype (what ag.bfloat16 is); MissingBFloat16 without ml_dtypes."""
    return np.dtype(bfloat16_type(what))


def is_half(dtype):
    """True when the NumPy dtype `dtype` is float16 or bfloat16 (read from its fields: no name lookup)."""
    return dtype.itemsize == 2 and dtype.kind in "fV"   # bfloat16's kind is 'V', and tensors hold no other


def is_bf16(dtype):
    """True when `dtype` (a NumPy dtype or type) is bfloat16 (never imports ml_dtypes)."""
    if not isinstance(dtype, np.dtype):
        if dtype is None or getattr(dtype, "__module__", None) != "ml_dtypes":
            return False
        dtype = np.dtype(dtype)
    return dtype.kind == "V" and dtype.name == "bfloat16"


def names_bf16(value):
    """True when `value` names bfloat16 as a string ('bfloat16' or 'torch.bfloat16')."""
    return isinstance(value, str) and value in NAMES


def float32_if_bf16(dtype):
    """float32 for bfloat16 (the accumulation type PyTorch's CPU kernels use for it), else `dtype` unchanged."""
    return _F32 if is_bf16(dtype) else dtype


def bfloat16_finfo():
    """ml_dtypes' finfo of bfloat16 (NumPy's np.finfo does not take it)."""
    bfloat16_type("finfo")
    return _ml.finfo(_ml.bfloat16)


def from_torch_bf16(value):
    """A PyTorch bfloat16 tensor's values as a bfloat16 NumPy array (its numpy() refuses them), else None."""
    if str(getattr(value, "dtype", "")) != "torch.bfloat16" or not hasattr(value, "float"):
        return None
    return value.detach().cpu().float().numpy().astype(bfloat16_dtype("loading a torch.bfloat16 tensor"))
