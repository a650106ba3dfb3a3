"""Resample: separable resampling of trailing axes (nearest, linear and cubic interpolation) as one graph node.

Each resampled axis has a plan: ("repeat", k) repeats every element k times (an integer
nearest-neighbour upscale), ("take", index) gathers at index, and ("blend", indices, weights)
mixes gathers, out = sum over taps t of x[indices[t]] * weights[t] (two taps for linear, four for
cubic interpolation). Backward is each plan's transpose, axis by
axis in reverse: a reshape-and-sum for "repeat", and for the others a sum over the runs of equal
indices (every plan's indices are non-decreasing): one ufunc.reduceat where the array module has
it (NumPy), the backend's index_add scatter kernel otherwise (CuPy). On NumPy arrays, a plan of one
of the last two axes whose sizes make a small matrix transposes as a product with that matrix instead
(reduceat along an inner axis ran at 70 ms for a b32 64ch 64x64 gradient, the product in a few ms).
"""
import numpy

from ..function import Function
from ..type_objects import channels_last_like

#: a plan's transpose runs as a product with its dense (output size, input size) matrix up to this many entries
MAX_MATRIX_ENTRIES = 1 << 16


def _reduceat(xp):
    """xp.add.reduceat, or None where the array module lacks it (CuPy)."""
    return getattr(xp.add, "reduceat", None)


def _sum_runs(xp, device, src, index, size, axis):
    """out (src's shape with `size` along axis) with out[i] = sum of src[j] over j where index[j] == i."""
    reduceat = _reduceat(xp)
    if reduceat is not None:
        starts = xp.flatnonzero(xp.concatenate(([True], index[1:] != index[:-1])))
        summed = reduceat(src, starts, axis=axis)
        if starts.shape[0] == size:   # every source position was used: the runs are 0, 1, ..., size - 1
            return summed
        shape = list(src.shape)
        shape[axis] = size
        out = xp.zeros(shape, dtype=src.dtype)
        out[(slice(None),) * axis + (index[starts],)] = summed
        return out
    moved = xp.moveaxis(src, axis, 0)
    out = xp.zeros((size,) + moved.shape[1:], dtype=src.dtype)
    device.index_add(out, index, moved)
    return xp.moveaxis(out, 0, axis)


def _along(w, axis, ndim):
    """A 1-D weight shaped to broadcast along `axis` of an ndim-D array."""
    return w.reshape((-1,) + (1,) * (ndim - axis - 1))


class Resample(Function):
    op_name = "interpolate"
    differentiable_backward = False

    def forward(ctx, x, plans):
        xp = ctx.xp
        ctx.plans = plans
        ctx.sizes = []
        y = x
        for axis, plan in plans:
            ctx.sizes.append(y.shape[axis])
            kind = plan[0]
            if kind == "repeat":
                y = xp.repeat(y, plan[1], axis=axis)
            elif kind == "take":
                y = xp.take(y, plan[1], axis=axis)
            else:
                _, indices, weights = plan
                mixed = None
                for index, w in zip(indices, weights):
                    tap = xp.take(y, index, axis=axis) * _along(w, axis, y.ndim)
                    mixed = tap if mixed is None else mixed + tap
                y = mixed
        return channels_last_like(xp, y, x)   # PyTorch's CPU resampling keeps a channels-last layout

    def backward(ctx, gy):
        xp, device = ctx.xp, ctx.device
        g = gy
        for (axis, plan), size in zip(reversed(ctx.plans), reversed(ctx.sizes)):
            kind = plan[0]
            if kind == "repeat":
                shape = g.shape[:axis] + (size, plan[1]) + g.shape[axis + 1:]
                g = g.reshape(shape).sum(axis=axis + 1)
                continue
            if xp is numpy and axis >= g.ndim - 2 and g.shape[axis] * size <= MAX_MATRIX_ENTRIES:
                g = _transpose_product(g, _plan_matrix(plan, g.shape[axis], size, g.dtype), axis)
            elif kind == "take":
                g = _sum_runs(xp, device, g, plan[1], size, axis)
            else:
                _, indices, weights = plan
                summed = None
                for index, w in zip(indices, weights):
                    part = _sum_runs(xp, device, g * _along(w, axis, g.ndim), index, size, axis)
                    summed = part if summed is None else summed + part
                g = summed
        return xp.ascontiguousarray(g), None


def _plan_matrix(plan, out_size, in_size, dtype):
    """The (out_size, in_size) matrix of a "take" or "blend" plan: output j = sum over i of m[j, i] * x[i]."""
    m = numpy.zeros((out_size, in_size), dtype)
    rows = numpy.arange(out_size)
    if plan[0] == "take":
        numpy.add.at(m, (rows, numpy.asarray(plan[1])), 1)
    else:
        for index, w in zip(plan[1], plan[2]):
            numpy.add.at(m, (rows, numpy.asarray(index)), numpy.asarray(w, dtype))
    return m


def _transpose_product(g, m, axis):
    """The gradient g (output size along `axis`, one of its last two) sent back through matrix m."""
    if axis == g.ndim - 1:
        return (g.reshape(-1, g.shape[-1]) @ m).reshape(g.shape[:-1] + (m.shape[1],))
    return numpy.matmul(m.T, g)


def resample(x, plans):
    """x resampled along each (axis, plan) in `plans` in turn (plans as described in this module's doc;
    index and weight arrays on x's device, weights in x's dtype)."""
    return Resample.apply(x, tuple(plans))
