"""One-hot encoding of class indices."""
import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentKindError, ArgumentRangeError, DtypeError, ShapeError


def one_hot(tensor, num_classes=-1):
    """Class indices (an int64 tensor of any shape) as int64 one-hot vectors along a new last dimension
    of length num_classes (-1: one more than the largest index)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot: expects an integer Tensor of class indices, got {type(tensor).__name__}")
    if tensor.dtype != ag.int64:   # PyTorch takes only LongTensor indices (int32 and uint8 included)
        raise DtypeError(f"one_hot: expects integer class indices of dtype int64 (a LongTensor, as PyTorch), got dtype "
                         f"{tensor.dtype} (shape {tuple(tensor.shape)}); convert with tensor.long()")
    if num_classes is None or isinstance(num_classes, (float, str, bytes)):   # PyTorch's parser: a TypeError
        raise ArgumentKindError(f"one_hot(): argument 'num_classes' must be int, not {type(num_classes).__name__} "
                                f"({num_classes!r}); pass the number of classes as an int, e.g. num_classes=3")
    if num_classes == -1:
        if 0 in tensor.shape:
            raise ShapeError(f"one_hot: can not infer the number of classes from an empty tensor (shape "
                             f"{tuple(tensor.shape)}); pass num_classes")
        num_classes = int(ag.max(tensor).item()) + 1
    if num_classes < 0:
        raise ArgumentRangeError(f"one_hot: num_classes must be -1 (infer it) or >= 0, got {num_classes}")
    return ag.one_hot(tensor, num_classes, dtype=ag.int64)
