"""keras.ops.image.map_coordinates: the values of an array at fractional coordinates, by nearest-neighbour
(order=0) or linear (order=1) interpolation, with Keras's fill modes for coordinates outside the array
('constant' uses fill_value; 'nearest', 'wrap', 'mirror' and 'reflect' fold them back in). Gradients reach the
array and, through the linear weights, the coordinates."""
import functools
import itertools
import operator

import numpy as np

import autograd as ag

from .ops_args import _t, convert_to_numpy


def _mirror(index, size):
    span = size - 1   # half the period of the triangle wave
    return np.zeros_like(index) if span == 0 else np.abs((index + span) % (2 * span) - span)


_FIXERS = {"constant": lambda index, size: np.clip(index, 0, size - 1),
           "nearest": lambda index, size: np.clip(index, 0, size - 1),
           "wrap": lambda index, size: index % size,
           "mirror": _mirror,
           "reflect": lambda index, size: (_mirror(2 * index + 1, 2 * size + 1) - 1) // 2}


def _nodes(coordinate, order):
    """[(integer index array, weight)] of one axis's interpolation."""
    values = convert_to_numpy(coordinate)   # bfloat16 coordinates too
    if order == 0:
        return [((values if values.dtype.kind in "iu" else np.round(values)).astype(np.int64), 1)]
    lower = np.floor(values)
    upper_weight = coordinate - ag.tensor(lower.astype(values.dtype))
    return [(lower.astype(np.int64), 1 - upper_weight), (lower.astype(np.int64) + 1, upper_weight)]


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """`inputs` sampled at `coordinates` (one array of positions per axis of `inputs`, all of one shape, which
    the output has)."""
    x = _t(inputs)
    coords = [_t(c) for c in coordinates]
    if len(coords) != x.ndim:
        raise ValueError("First dim of `coordinates` must be the same as the rank of `inputs`. Received inputs "
                         f"with shape: {tuple(x.shape)} and coordinate leading dim of {len(coords)}")
    if coords[0].ndim < 1:
        raise ValueError("Invalid coordinates rank: expected at least rank 2. Received input with shape: "
                         f"{(len(coords),) + tuple(coords[0].shape)}")
    fixer = _FIXERS.get(fill_mode)
    if fixer is None:
        raise ValueError(f"Invalid value for argument `fill_mode`. Expected one of {set(_FIXERS)}. Received: "
                         f"fill_mode={fill_mode}")
    if order not in (0, 1):
        raise NotImplementedError("map_coordinates currently requires order<=1")
    axes = []
    for coordinate, size in zip(coords, x.shape):
        axes.append([(fixer(index, size), (index >= 0) & (index < size) if fill_mode == "constant" else None, weight)
                     for index, weight in _nodes(coordinate, order)])
    integer = x.dtype.kind in "iub"
    fill = int(fill_value) if integer and isinstance(fill_value, (int, float)) else fill_value
    total = None
    for items in itertools.product(*axes):
        indices, validities, weights = zip(*items)
        contribution = x[tuple(indices)]
        masks = [v for v in validities if v is not None]
        if masks and not all(m.all() for m in masks):
            contribution = ag.where(ag.tensor(functools.reduce(operator.and_, masks)), contribution,
                                    ag.tensor(np.asarray(fill, dtype=x.dtype)))
        term = functools.reduce(operator.mul, weights) * contribution
        total = term if total is None else total + term
    if integer and total.dtype.kind == "f":
        total = total.round()
    return total.astype(x.dtype)
