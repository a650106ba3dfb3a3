"""Writing values at positions with PyTorch's names: index_put (at index tensors, optionally accumulating),
masked_scatter (a mask's True positions filled from a source in order) and fill_diagonal. Composed of
indexing, setitem, index_add and where, so their gradients are those ops'."""
import numbers

import numpy as np

from ..errors import DtypeError, ShapeError
from ..capture import state as capture
from ..function import named
from ..shown_nodes import shown_over
from ..tensor import Tensor
from .arrange import broadcast_tensors
from .dims import check_tensor
from .elementwise import where
from .gather import _index_array, masked_fill
from .index_update import index_add
from .indexing import getitem, on_device_of
from .no_grad_op import no_grad_op
from .pointwise import remainder
from .rounding import clamp_min
from .scan import cumsum
from .setitem import setitem
from .shape import broadcast_checked, broadcast_to, reshape


def _same_dtype(op, input, values, what):
    if values.dtype != input.dtype:
        raise DtypeError(f"{op}: {what} is {values.dtype} and input is {input.dtype}; they must match, as in "
                         f"PyTorch: convert first, e.g. {what}.to(input.dtype)")


def index_put(input, indices, values, accumulate=False):
    """A copy of `input` with input[indices] = values (`indices` a tuple of index tensors, integer or bool, for
    the leading dims; `values` broadcast to the indexed shape); accumulate=True adds them, repeats summing."""
    check_tensor("index_put", input)
    if not isinstance(indices, (tuple, list)) or not all(isinstance(i, Tensor) for i in indices):
        raise TypeError("index_put: indices must be a tuple of tensors, e.g. (rows, cols)")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put: values must be a tensor, got {type(values).__name__}")
    if not isinstance(accumulate, (bool, np.bool_)):   # a truthy 1.5 would add silently
        raise TypeError(f"index_put(): argument 'accumulate' must be bool, not {type(accumulate).__name__} "
                        f"({accumulate!r}); pass accumulate=True to add the values, False to write them")
    if values.dtype != input.dtype and _fills_a_mask(input, indices, values, accumulate):
        # PyTorch runs this call as masked_fill(mask, values.item()), which takes a value of any dtype
        mask = indices[0]
        return masked_fill(input, reshape(mask, tuple(mask.shape) + (1,) * (input.ndim - mask.ndim)), values.item())
    _same_dtype("index_put", input, values, "values")
    # CPU index tensors and a 0-d value serve a tensor on any device, as in PyTorch
    indices = [on_device_of(input, index) for index in indices]
    values = on_device_of(input, values) if values.ndim == 0 else values
    if not accumulate:
        try:
            return setitem(input, tuple(indices), values)
        except (IndexError, ValueError, RuntimeError) as exc:   # the same type, named after the op that was called
            message = str(exc)
            raise type(exc)("index_put: " + message.removeprefix("setitem: ")) from None
    positions = []
    for index in indices:   # a mask stands for the positions of its True elements, one index per dim it covers
        positions += list(index.nonzero(as_tuple=True)) if index.dtype == np.bool_ else [index]
    if len(positions) > input.ndim:
        raise IndexError(f"index_put: {len(positions)} indices for a tensor of shape {input.shape}")
    lead, rest = input.shape[:len(positions)], input.shape[len(positions):]
    positions = broadcast_tensors(*positions)
    flat = 0
    for d, (position, n) in enumerate(zip(positions, lead)):
        raw = _index_array("index_put", position, input.device)
        if raw.size and (int(raw.min()) < -n or int(raw.max()) >= n):
            raise IndexError(f"index_put: an index is out of range for dim {d} of length {n} (shape {input.shape}; "
                             f"indices from {int(raw.min())} to {int(raw.max())})")
        flat = flat * n + remainder(position, n)   # negative indices count from the end
    spread = reshape(broadcast_checked("index_put", values, positions[0].shape + rest, "values"), (-1,) + rest)
    rows = index_add(reshape(input, (-1,) + rest), 0, reshape(flat, (-1,)), spread)
    return named(reshape(rows, input.shape), "IndexPutBackward0")


def _fills_a_mask(input, indices, values, accumulate):
    """Whether PyTorch's index_put runs as a masked_fill: one bool mask over input's leading dims, a 0-d value
    that needs no gradient, no accumulation."""
    if accumulate or values.ndim or values.requires_grad or len(indices) != 1:
        return False
    mask = indices[0]   # (a 0-d mask of a 0-d input is PyTorch's IndexError, on the usual path)
    return mask.dtype == np.bool_ and mask.ndim > 0 and tuple(mask.shape) == tuple(input.shape[:mask.ndim])


def masked_scatter(input, mask, source):
    """A copy of `input` whose elements where the bool `mask` (broadcast to input) is True are source's first
    elements, in row-major order; the other elements of source are not used."""
    check_tensor("masked_scatter", input)
    check_tensor("masked_scatter", mask, "mask")
    check_tensor("masked_scatter", source, "source")
    if mask.dtype != np.bool_:
        raise DtypeError(f"masked_scatter: mask must be a bool tensor, got {mask.dtype}; compare first, e.g. x > 0")
    _same_dtype("masked_scatter", input, source, "source")
    mask = broadcast_to(on_device_of(input, mask), input.shape)
    if capture.recorder is None or not source.numel():   # a compiled step reads no count: it could not replay it
        count = int(mask.sum().item())
        if count > source.numel():
            raise ShapeError(f"masked_scatter: the mask of shape {mask.shape} has {count} True elements but source "
                             f"of shape {source.shape} has only {source.numel()}; source needs one per True element")
        if not source.numel():
            return input.clone()
    # the k-th True element takes source's k-th element: its position is the count of Trues up to it, minus one
    position = clamp_min(cumsum(reshape(mask, (-1,)).long(), 0) - 1, 0)
    return shown_over(where(mask, reshape(getitem(reshape(source, (-1,)), position), input.shape), input),
                      "MaskedScatterBackward0", input, source)


def fill_diagonal(input, fill_value, wrap=False):
    """A copy of `input` (2-D, or every dim of one length) with `fill_value` on its main diagonal; a tall
    matrix's diagonal starts again after each N+1 rows when `wrap` (NumPy's and PyTorch's rule)."""
    check_tensor("fill_diagonal_", input)
    if input.ndim < 2 or (input.ndim > 2 and len(set(input.shape)) != 1):
        raise ShapeError(f"fill_diagonal_: the tensor must be 2-D or have every dim of one length, got shape "
                         f"{input.shape}; fill a 2-D slice of it, or use diagonal_scatter")
    if not isinstance(fill_value, (numbers.Number, Tensor)):
        raise TypeError(f"fill_diagonal_: fill_value must be a number, got {type(fill_value).__name__}")

    def compute(xp, data):
        diagonal = xp.zeros(data.shape, dtype=bool)
        xp.fill_diagonal(diagonal, True, wrap=wrap)
        return diagonal
    diagonal = no_grad_op("fill_diagonal", compute, input)
    if isinstance(fill_value, numbers.Number) and input.dtype.kind in "iub":
        fill_value = input.dtype.type(fill_value).item()   # wrapped into the dtype, as a Python number
    return where(diagonal, fill_value, input)
