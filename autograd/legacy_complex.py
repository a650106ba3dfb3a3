"""Complex values given to PyTorch's legacy constructors (torch.Tensor([...]), FloatTensor([...]), t.new([...])),
which make real tensors: a Python complex number is refused with PyTorch's TypeError, a NumPy complex scalar or a
complex tensor in the list is read as PyTorch reads it. `torch.tensor([1j])` is the constructor that makes a complex
tensor."""
import warnings

import numpy as np


def _leaves(data):
    for item in data:
        if isinstance(item, (list, tuple)):
            yield from _leaves(item)
        else:
            yield item


def real_items(who, data, dtype):
    """The values of the nested list `data`, which holds complex numbers, as the real `dtype` PyTorch's legacy
    constructor `who` makes of them: TypeError for a Python complex (PyTorch's own message first), RuntimeError for
    a complex tensor item, the real part of a NumPy complex scalar (with NumPy's ComplexWarning); a bool dtype takes
    each value's truth."""
    dtype = np.dtype(dtype)
    values = np.asarray(data)
    if dtype.kind == "b":
        return values.astype(dtype)
    for leaf in _leaves(data):
        if type(leaf) is complex:
            reason = ("'complex' object cannot be interpreted as an integer" if dtype.kind in "iu"
                      else "must be real number, not complex")
            raise TypeError(f"{reason}: {who} makes {dtype} tensors and the data holds the complex number {leaf!r};"
                            f" for a complex tensor use torch.tensor(data) (or give the real parts)")
        if isinstance(leaf, np.ndarray) and leaf.dtype.kind == "c":
            raise RuntimeError(f"value cannot be converted to type {'double' if dtype.kind == 'f' else 'int64_t'} "
                               f"without overflow: {who} makes {dtype} tensors and the data holds a complex tensor; "
                               "use torch.stack for complex tensors")
    warnings.warn("Casting complex values to real discards the imaginary part", np.exceptions.ComplexWarning,
                  stacklevel=4)
    return values.real.astype(dtype)
