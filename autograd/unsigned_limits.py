"""PyTorch's limits on the wide unsigned dtypes (uint16, uint32, uint64).

PyTorch (2.3 and later) holds these dtypes with "limited support": tensors of them can be made, copied,
converted, indexed, multiplied, summed, compared for equality, sorted and combined bitwise, but most other
CPU kernels are not compiled for them ("add_stub" not implemented for 'UInt16'), and promotion between one
of them and any other integer, bool or complex dtype is refused. deepgrad's NumPy arrays could compute all of
it, but a program that ran here would then fail under PyTorch, so deepgrad refuses the same ops with the same
exception types.

A program without such tensors pays nothing: Function.apply looks here only once one was made (`active`).
"""
import numpy as np

#: the dtypes PyTorch supports only in part
LIMITED = (np.dtype(np.uint16), np.dtype(np.uint32), np.dtype(np.uint64))
_NAMES = {np.dtype(np.uint16): "UInt16", np.dtype(np.uint32): "UInt32", np.dtype(np.uint64): "UInt64"}
#: PyTorch's names of the other dtypes, as its promotion error spells them
_OTHER_NAMES = {"bool": "Bool", "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble", "float16": "Half", "float32": "Float",
                "float64": "Double"}

#: True once a tensor of a LIMITED dtype was made in this process
active = False

#: deepgrad op class name -> the PyTorch CPU kernel that has no form for the LIMITED dtypes
_KERNELS = {"Add": "add_stub", "Sub": "add_stub", "Neg": "neg_cpu", "Lt": "lt_cpu", "Gt": "gt_cpu", "Le": "le_cpu",
            "Ge": "ge_cpu", "Argmax": "argmax_cpu", "Argmin": "argmin_cpu", "MatMul": "addmm_impl_cpu_",
            "Abs": "abs_cpu", "BitwiseLeftShift": "lshift_cpu", "BitwiseRightShift": "rshift_cpu",
            "Modulo": "remainder_cpu", "Pow": "pow", "Clip": "clamp_scalar_cpu", "Maximum": "maximum_cpu",
            "Minimum": "minimum_cpu", "Flip": "flip_cpu", "Sign": "sign_cpu", "BitwiseNot": "bitwise_not_cpu",
            "Nonzero": "nonzero_count_cpu", "Topk": "topk_cpu", "Cummax": "cummax_cpu", "Cummin": "cummin_cpu",
            "MedianAll": "median_cpu", "Kthvalue": "kthvalue_cpu", "Bincount": "bincount_cpu",
            "Div": "div_floor_cpu", "Scatter": "scatter_gather_tensor_cpu"}


class UnsignedUnsupportedError(NotImplementedError):
    """An op PyTorch has no CPU kernel for on uint16/uint32/uint64 tensors (a NotImplementedError, as PyTorch's)."""


def note(dtype):
    """Record that a tensor of `dtype` exists, so that ops start checking for the LIMITED dtypes."""
    global active
    if dtype in LIMITED:
        active = True


def is_limited(dtype):
    """True for uint16, uint32 and uint64."""
    return dtype in LIMITED


def promotion_error(a, b):
    """The RuntimeError PyTorch raises when promoting a LIMITED dtype with another integer, bool or complex one."""
    name_a = _NAMES.get(a) or _OTHER_NAMES.get(str(a), str(a))
    name_b = _NAMES.get(b) or _OTHER_NAMES.get(str(b), str(b))
    return RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {name_a} "
                        f"and {name_b} (as in PyTorch); convert one side first, e.g. x.to(ag.int64) or x.to(ag.float32)")


def refusal(kernel, dtype):
    """The UnsignedUnsupportedError for PyTorch's `kernel` on `dtype`."""
    return UnsignedUnsupportedError(f'"{kernel}" not implemented for \'{_NAMES[dtype]}\' (PyTorch supports uint16, '
                                    f"uint32 and uint64 only in part); convert first, e.g. x.to(ag.int64)")


def _computed_dtype(args):
    """The LIMITED dtype an op on `args` computes in, or None (a float or complex operand, or none LIMITED)."""
    found = None
    for a in args:
        if isinstance(a, float):
            return None
        dtype = getattr(a, "dtype", None)
        if dtype is None or not hasattr(a, "shape"):
            continue
        if dtype.kind in "fcV":
            return None
        if dtype in LIMITED:
            found = dtype
    return found


def check(cls, args, kwargs):
    """Raise PyTorch's NotImplementedError when op class `cls` runs on LIMITED integer arrays and PyTorch has no
    kernel for it; otherwise nothing."""
    name = cls.__name__
    if name == "Extremum":   # max/min/amax/amin: PyTorch names the whole-tensor and the per-dim kernels apart
        side = "max" if kwargs.get("largest", True) else "min"
        kernel = f"{side}_all" if kwargs.get("whole") or kwargs.get("axis") is None else f"{side}_values_cpu"
    else:
        kernel = _KERNELS.get(name)
    if kernel is None or not cls.__module__.startswith("autograd."):
        return
    dtype = _computed_dtype(args)
    if dtype is not None:
        raise refusal(kernel, dtype)


def refuse(kernel, *tensors):
    """Raise PyTorch's NotImplementedError for `kernel` when a tensor among `tensors` has a LIMITED dtype (for ops
    whose deepgrad class is shared with ops PyTorch does allow, such as gather's and sort's TakeAlongAxis)."""
    if active:
        dtype = _computed_dtype(tensors)
        if dtype is not None:
            raise refusal(kernel, dtype)
