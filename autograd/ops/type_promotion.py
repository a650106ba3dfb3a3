"""PyTorch's dtype rules as functions: promote_types (the smallest dtype both fit in), result_type (what an
arithmetic op on these operands returns) and can_cast (whether a same-kind cast is allowed)."""
import numbers

import numpy as np

from ..dtypes import castable, complex_dtype_of, get_default_complex_dtype, get_default_dtype
from ..dtypes import PROMOTION_CATEGORY as _CATEGORY, promoted as _promote, promotion_kind as _kind
from ..tensor import Tensor

def _dtype(op, name, value):
    if isinstance(value, (numbers.Number, Tensor)) or value is None:
        raise TypeError(f"{op}: {name} must be a dtype (e.g. ag.float32), got {type(value).__name__} {value!r}")
    try:
        return np.dtype(value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be a dtype (e.g. ag.float32), got {value!r}") from None


def promote_types(type1, type2):
    """The smallest dtype that holds values of both dtypes, as torch.promote_types."""
    return _promote(_dtype("promote_types", "type1", type1), _dtype("promote_types", "type2", type2))


def can_cast(from_, to):
    """True when torch allows casting from_ to `to` in an in-place op: never float to int, nor a non-bool to
    bool, as torch.can_cast."""
    return castable(_dtype("can_cast", "from_", from_), _dtype("can_cast", "to", to))


def _number_dtype(value):
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return np.dtype(get_default_dtype())
    if isinstance(value, numbers.Complex):
        return get_default_complex_dtype()
    raise TypeError(f"result_type: expects Tensors or numbers, got {type(value).__name__} {value!r}")


def _combine(higher, lower):
    """A higher-priority group's dtype combined with a lower one's: the lower counts only when it is of a
    higher category (an int tensor with a float number gives the float's default dtype)."""
    if higher is None:
        return lower
    if lower is None or higher.kind == "c":
        return higher
    if lower.kind == "c" and higher.kind == "f":   # the complex type of the float's precision
        return complex_dtype_of(higher)
    if _CATEGORY[_kind(lower)] > _CATEGORY[_kind(higher)]:
        return _promote(higher, lower)
    return higher


def result_type(tensor1, tensor2):
    """The dtype of an arithmetic op on tensor1 and tensor2 (Tensors or numbers) under PyTorch's promotion:
    dimensioned tensors first, then 0-d tensors, then numbers; a lower group changes the dtype only when its
    category (bool < integer < float) is higher."""
    return common_dtype((tensor1, tensor2))


def common_dtype(operands):
    """result_type over any number of Tensors and numbers (the dtype addcmul computes its three operands in)."""
    groups = [None, None, None]   # dimensioned tensors, 0-d tensors, numbers
    for value in operands:
        if isinstance(value, Tensor):
            slot, dtype = (0 if value.ndim else 1), value.dtype
        else:
            slot, dtype = 2, _number_dtype(value)
        groups[slot] = dtype if groups[slot] is None else _promote(groups[slot], dtype)
    return _combine(groups[0], _combine(groups[1], groups[2]))
