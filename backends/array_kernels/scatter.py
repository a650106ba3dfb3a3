"""The argument checks of the scatter kernels, one message on every device."""


def checked_index(xp, out, index):
    """index_add's `index` as an array of `xp`, after checking it is a 1-D integer array and that
    `out` has an axis 0 to index."""
    index = xp.asarray(index)
    if index.ndim != 1 or index.dtype.kind not in "iu":
        raise ValueError(f"index_add: index must be a 1-D integer array, got {index.dtype} array "
                         f"of shape {index.shape}")
    if out.ndim == 0:
        raise ValueError("index_add: out must have at least one axis to index")
    return index


def out_of_bounds(op, value, axis, size, shape):
    """The IndexError for an index `value` outside [-size, size) on `axis` of an array of `shape`."""
    return IndexError(f"{op}: index {value} is out of bounds for axis {axis} with size {size} "
                      f"(out has shape {tuple(shape)})")
