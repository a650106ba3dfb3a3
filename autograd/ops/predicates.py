"""PyTorch's module-level questions about a tensor: is_tensor, is_floating_point, is_complex, is_nonzero, numel."""
from ..tensor import Tensor
from .dims import check_tensor


def is_tensor(obj):
    """True when obj is a Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """True when input holds floating-point numbers (bfloat16 too)."""
    check_tensor("is_floating_point", input)
    return input.dtype.kind in "fV"   # 'V': bfloat16, the only such dtype a tensor holds


def numel(input):
    """The number of elements of input."""
    check_tensor("numel", input)
    return input.numel()


def is_complex(input):
    """True when input holds complex numbers (never, for the dtypes deepgrad tensors hold)."""
    check_tensor("is_complex", input)
    return input.dtype.kind == "c"


def is_nonzero(input):
    """The truth of a single-element tensor (0, 0.0 and False are False); an error for any other size."""
    check_tensor("is_nonzero", input)
    n = input.numel()
    if n != 1:
        raise RuntimeError(f"is_nonzero: the truth of a tensor with {'no values' if n == 0 else f'{n} values'} "
                           f"(shape {tuple(input.shape)}) is ambiguous; pass a tensor with exactly one element")
    return bool(input.item() != 0)
