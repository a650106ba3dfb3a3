"""PyTorch's module-level questions about a tensor: is_tensor, is_floating_point, numel."""
from ..tensor import Tensor
from .dims import check_tensor


def is_tensor(obj):
    """True when obj is a Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """True when input holds floating-point numbers."""
    check_tensor("is_floating_point", input)
    return input.dtype.kind == "f"


def numel(input):
    """The number of elements of input."""
    check_tensor("numel", input)
    return input.numel()
