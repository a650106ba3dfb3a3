"""How PyTorch reads the key of t[key] before indexing, where NumPy reads it otherwise: a short list holding a
sequence, a tensor, a slice, None or Ellipsis is a tuple of indices (t[[[0, 1], [1, 2]]] is t[[0, 1], [1, 2]]),
and a slice's bounds must be whole numbers."""
import operator

import numpy as np

from ..errors import ShapeError, SizeTypeError
from ..tensor import Tensor

_TUPLE_LIMIT = 32   # a longer list is always one index, as in PyTorch (and NumPy before 1.23)


def _holds_an_index_part(part):
    return isinstance(part, (Tensor, np.ndarray, list, tuple, str, bytes, slice)) or part is None or part is Ellipsis


def as_torch_key(key):
    """`key` as a tuple of index parts, read as PyTorch reads it; slices checked as PyTorch checks them."""
    if isinstance(key, list) and len(key) < _TUPLE_LIMIT and any(map(_holds_an_index_part, key)):
        key = tuple(key)
    elif not isinstance(key, tuple):
        key = (key,)
    for part in key:
        if isinstance(part, slice):
            _check_slice(part)
    return key


def _check_slice(part):
    for bound in (part.start, part.stop, part.step):
        if bound is not None and not hasattr(bound, "__index__"):
            raise SizeTypeError(f"indexing with {part!r}: slice indices must be integers or None or have an "
                                f"__index__ method; give whole numbers, e.g. slice(int(start), int(stop))")
    # a negative step stays accepted (NumPy's reading; the README lists it), and deepgrad's own ops use it
    if part.step is not None and operator.index(part.step) == 0:
        raise ShapeError(f"indexing with {part!r}: slice step cannot be zero")
