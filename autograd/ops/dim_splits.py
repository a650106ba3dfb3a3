"""Splitting along the first, second or third dim (torch.hsplit, vsplit, dsplit) and row_stack, NumPy's
spellings of tensor_split and vstack with PyTorch's checks."""
import numbers

from ..errors import ShapeError
from ..tensor import Tensor
from .arrange import vstack
from .dims import check_tensor
from .joining import tensor_split


def _split(op, input, indices_or_sections, dim, min_dims):
    check_tensor(op, input)
    if input.ndim < min_dims:
        raise ShapeError(f"{op}: requires a tensor with at least {min_dims} dimension{'s' * (min_dims > 1)}, got "
                         f"a tensor with {input.ndim} (shape {tuple(input.shape)})")
    sections = indices_or_sections
    if isinstance(sections, Tensor) and sections.ndim == 0:
        sections = int(sections.item())
    if isinstance(sections, numbers.Integral) and not isinstance(sections, bool):
        size = input.shape[dim]
        if sections <= 0 or size % sections:
            raise ShapeError(f"{op}: attempted to split along dimension {dim}, but its size {size} is not divisible "
                             f"by the split_size {sections}; pass a divisor of {size} or a list of split indices")
    return tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """Split column-wise: along dim 1 (dim 0 for a 1-D tensor) into equal sections (an int that divides the
    size) or at the given indices, as a tuple of tensors."""
    return _split("hsplit", input, indices_or_sections, 0 if getattr(input, "ndim", 0) == 1 else 1, 1)


def vsplit(input, indices_or_sections):
    """Split row-wise: along dim 0 of a tensor with at least 2 dims, into equal sections or at indices."""
    return _split("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """Split depth-wise: along dim 2 of a tensor with at least 3 dims, into equal sections or at indices."""
    return _split("dsplit", input, indices_or_sections, 2, 3)


def row_stack(tensors):
    """torch.row_stack: vstack's other name (1-D tensors become rows, then all join along dim 0)."""
    return vstack(tensors)


def as_method(split):
    """The Tensor method form of hsplit / vsplit / dsplit: t.hsplit(2), t.hsplit([1, 3]) or t.hsplit(1, 3)."""
    def method(self, *indices_or_sections):
        arg = indices_or_sections[0] if len(indices_or_sections) == 1 else list(indices_or_sections)
        return split(self, arg)
    method.__name__, method.__doc__ = split.__name__, split.__doc__
    return method
