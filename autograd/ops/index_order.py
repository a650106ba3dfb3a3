"""Where the dims of integer-array indexing land when the index also holds plain integers: PyTorch's rule, which
differs from NumPy's.

NumPy counts an integer in an index as an advanced index beside integer arrays and masks: in x[1, :, idx] the
integer and idx are then separated by a slice, so NumPy puts idx's dims first, (len(idx), 4) for x of shape
(3, 4, 5). PyTorch selects with the integer first and then indexes with the arrays, (4, len(idx)). Both put the
array dims as one block, and both keep every other dim in order, so PyTorch's result is NumPy's with that block
moved: `block_move` says from where to where, and GetItem and SetItem move it (a transpose, no copy).
"""


def _is_int(part):
    """A plain integer in an index: a Python or NumPy int, or a 0-d integer array."""
    if isinstance(part, bool):
        return False
    if isinstance(part, int):
        return True
    return getattr(part, "ndim", None) == 0 and getattr(part, "dtype", None) is not None and part.dtype.kind in "iu"


def _consumed(part):
    """How many of x's dims an index part uses up (a mask all of its own; None and Ellipsis none here)."""
    if part is None or part is Ellipsis:
        return 0
    return part.ndim if _is_array(part) and part.dtype.kind == "b" else 1


def _is_array(part):
    """An advanced index for both libraries: an integer array of one or more dims, or a mask."""
    return hasattr(part, "shape") and hasattr(part, "dtype") and not _is_int(part)


def _block_start(kinds, dropped):
    """Where the array dims go among the result's dims: at the first array's place when the arrays (and, for NumPy,
    the ints) sit side by side in the index, else first. `kinds` lists each index part's role in order."""
    advanced = [i for i, kind in enumerate(kinds) if kind == "array" or (kind == "int" and not dropped)]
    if not advanced:
        return None
    between = kinds[advanced[0]:advanced[-1] + 1]
    if any(kind == "basic" for kind in between):
        return 0
    return sum(kind == "basic" for kind in kinds[:advanced[0]])


def block_move(ndim, index):
    """(numpy_start, torch_start, basic_dims) when x[index] (x with `ndim` dims, `index` a tuple of ints, slices,
    None, Ellipsis and arrays) places its array dims elsewhere under PyTorch's rule than under NumPy's, else None.
    basic_dims counts the result dims that slices and None make; the rest of the result's dims are the block."""
    if not any(_is_array(p) for p in index) or not any(_is_int(p) for p in index):
        return None
    consumed = sum(_consumed(p) for p in index)
    kinds = []
    for part in index:
        if part is Ellipsis:
            kinds.extend(["basic"] * (ndim - consumed))
        elif part is None or isinstance(part, slice):
            kinds.append("basic")
        else:
            kinds.append("int" if _is_int(part) else "array")
    if not any(p is Ellipsis for p in index):   # dims the index leaves out are sliced whole, after it
        kinds.extend(["basic"] * (ndim - consumed))
    numpy_start, torch_start = _block_start(kinds, False), _block_start(kinds, True)
    if numpy_start == torch_start:
        return None
    return numpy_start, torch_start, sum(kind == "basic" for kind in kinds)


def _moved(moveaxis, value, move, to_torch):
    """`value` (an array, with moveaxis its library's, or a Tensor, with movedim) with the array block moved
    from NumPy's place to PyTorch's (`to_torch`) or back."""
    numpy_start, torch_start, basic = move
    block = value.ndim - basic
    source, destination = (numpy_start, torch_start) if to_torch else (torch_start, numpy_start)
    return moveaxis(value, tuple(range(source, source + block)), tuple(range(destination, destination + block)))


def to_torch_order(moveaxis, out, move):
    """NumPy's x[index] with its array block moved to where PyTorch puts it."""
    return _moved(moveaxis, out, move, True)


def to_numpy_order(moveaxis, value, move):
    """A value in PyTorch's layout of x[index] (a gradient, or a value broadcast to it) in NumPy's."""
    return _moved(moveaxis, value, move, False)


def value_in_numpy_order(xp, array, index, value, move):
    """`value` ready for NumPy's array[index] = value where PyTorch lays x[index] out otherwise (`move`, from
    block_move): broadcast to PyTorch's layout of the selection and moved to NumPy's."""
    shape = to_torch_order(xp.moveaxis, array[index], move).shape
    return to_numpy_order(xp.moveaxis, xp.broadcast_to(xp.asarray(value), shape), move)
