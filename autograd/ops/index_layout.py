"""The memory layout (strides) of an advanced-indexing result as PyTorch lays it out.

PyTorch computes x[idx] with its TensorIterator: the source, viewed through the index's ints, slices and Nones,
is restrided so that the indexed dims become the index arrays' broadcast dims (stride 0 there), and the output
takes the dims' order that the operands' strides suggest (source first, then each index array). So the result of
indexing a permuted or transposed tensor follows the source's memory order, where NumPy's result is row-major or
in an order of its own. `torch_index_strides` replays that rule; GetItem copies its result into that layout.
"""
import numpy as np


def _contiguous_steps(shape):
    steps, step = [], 1
    for n in reversed(shape):
        steps.insert(0, step)
        step *= max(n, 1)
    return steps


def _view_entries(x, index):
    """x viewed through the index's basic parts, as PyTorch applies them before the arrays: a list of
    ('dim', size, step) for each kept dim and ('array', shape, steps) for each index array, in order; None where
    the rule is not replayed here (a 0-d bool index)."""
    shape, steps = x.shape, [s // x.itemsize for s in x.strides]
    consumed = 0
    for part in index:
        if getattr(part, "ndim", None) == 0 and part.dtype.kind == "b":
            return None
        if part is not None and part is not Ellipsis:
            consumed += part.ndim if getattr(part, "dtype", None) is not None and part.dtype.kind == "b" else 1
    entries, dim = [], 0
    for part in index:
        if part is Ellipsis:
            for _ in range(len(shape) - consumed):
                entries.append(("dim", shape[dim], steps[dim]))
                dim += 1
        elif part is None:   # unsqueeze: PyTorch's stride for a new dim before `dim`
            entries.append(("dim", 1, shape[dim] * steps[dim] if dim < len(shape) else 1))
        elif isinstance(part, slice):
            start, stop, step = part.indices(shape[dim])
            entries.append(("dim", len(range(start, stop, step)), steps[dim] * step))
            dim += 1
        elif getattr(part, "ndim", 0) == 0:   # an int selects (drops the dim)
            dim += 1
        elif part.dtype.kind == "b":   # a mask: one index array of its true positions per dim it covers
            count = int(part.sum())
            entries.extend(("array", (count,), (part.ndim,)) for _ in range(part.ndim))
            dim += part.ndim
        else:
            entries.append(("array", tuple(part.shape), tuple(s // part.itemsize for s in part.strides)))
            dim += 1
    entries.extend(("dim", shape[d], steps[d]) for d in range(dim, len(shape)))
    return entries


def _operand_steps(entries):
    """(the output's shape, each operand's steps per output dim: the restrided source, then each index array)."""
    arrays = [i for i, e in enumerate(entries) if e[0] == "array"]
    if arrays != list(range(arrays[0], arrays[-1] + 1)):   # arrays apart: PyTorch moves their dims to the front
        entries = [entries[i] for i in arrays] + [e for e in entries if e[0] != "array"]
        arrays = list(range(len(arrays)))
    before, after = entries[:arrays[0]], entries[arrays[-1] + 1:]
    block = np.broadcast_shapes(*(entries[i][1] for i in arrays))
    shape = [e[1] for e in before] + list(block) + [e[1] for e in after]
    source = [e[2] for e in before] + [0] * len(block) + [e[2] for e in after]
    operands = [source]
    for i in arrays:
        _, own_shape, own_steps = entries[i]
        pad = len(block) - len(own_shape)
        steps = [0] * pad + [st if n == b else 0 for n, st, b in zip(own_shape, own_steps, block[pad:])]
        # the array is reshaped to 1s + block + 1s: a view, whose new 1-long dims take the strides a view gives
        # them; dims of length 1 in the output keep those, the others are broadcast (0)
        lead, trail = (steps[0] * block[0], steps[-1]) if block else (1, 1)
        operands.append([lead if e[1] == 1 else 0 for e in before] + steps +
                        [trail if e[1] == 1 else 0 for e in after])
    return shape, operands


def dims_order(shape, operands):
    """PyTorch's TensorIterator order of the dims, fastest first: an insertion sort in which the first operand
    with a strict stride difference decides, equal strides put the shorter dim first, and broadcast (0) strides
    leave it to the next operand."""
    def should_swap(d0, d1):
        for steps in operands:
            s0, s1 = steps[d0], steps[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(len(shape)))[::-1]
    for i in range(1, len(shape)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            comparison = should_swap(perm[d0], perm[d1])
            if comparison > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif comparison < 0:
                break
    return perm


def torch_index_strides(x, index, out_shape):
    """The strides (in elements) PyTorch gives x[index] for the array `x` and an index holding at least one
    index array, or None where the rule is not replayed (the caller keeps its own layout)."""
    entries = _view_entries(x, index)
    if entries is None or not any(e[0] == "array" for e in entries):
        return None
    shape, operands = _operand_steps(entries)
    if tuple(shape) != tuple(out_shape):
        return None
    if len(shape) <= 1:
        return tuple(_contiguous_steps(shape))
    strides, step = [0] * len(shape), 1
    for d in dims_order(shape, operands):
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


def laid_out(xp, out, strides):
    """`out`'s values in a new array with the given strides (in elements)."""
    buffer = xp.empty(max(out.size, 1), dtype=out.dtype)
    result = xp.lib.stride_tricks.as_strided(buffer, out.shape, tuple(s * out.itemsize for s in strides))
    result[...] = out
    return result
