"""Keras's output-shape rules of the core layers: Dense and EinsumDense, the layers that keep their input's shape
(normalisations, activations, dropout and noise, rescaling), the merges and Dot, Reshape, Flatten, Permute,
RepeatVector, Embedding, and Lambda given an `output_shape`.

Each rule answers for the layer's own class only (see nn/keras/static_shapes.py) and gives None for inputs the
layer would refuse, so that running the layer raises its own error. A layer with weights or an axis keeps its
shape only for inputs shaped as the ones it was built for (another shape: the probe decides, and may refuse).
"""
import math

import numpy as np

from ..static_shapes import register
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .core import Activation, Dense, Dropout, Flatten, Lambda, Reshape, Rescaling
from .dot import Dot
from .einsum_dense import EinsumDense
from .embedding import Embedding
from .merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from .noise import (ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                    SpatialDropout2D, SpatialDropout3D)
from .norm_wrappers import RMSNormalization
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .normalization_more import GroupNormalization, UnitNormalization
from .output_shape_rules_windows import keras_activation
from .reshaping import Identity, Permute, RepeatVector


@register(Dropout, GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D, SpatialDropout2D,
          SpatialDropout3D, ActivityRegularization, Identity, ReLU, LeakyReLU, ELU)
def _same_shape(layer, shape):
    return shape


@register(BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization, RMSNormalization,
          Normalization, PReLU, Softmax)
def _same_shape_as_built(layer, shape):
    built = getattr(layer, "_build_input_shape", None)
    if not isinstance(built, (tuple, list)) or tuple(built)[1:] != tuple(shape)[1:]:
        return None
    return shape


@register(Rescaling)
def _rescaling(layer, shape):
    # a scale or offset with axes broadcasts against the inputs, and may widen them
    return shape if np.ndim(layer.scale) == 0 and np.ndim(layer.offset) == 0 else None


@register(Activation)
def _activation(layer, shape):
    return shape if keras_activation(layer.activation) else None


@register(Dense)
def _dense(layer, shape):
    if len(shape) < 2 or layer.quantization_mode or not keras_activation(layer.activation) \
            or shape[-1] != layer._kernel.shape[0]:
        return None
    return tuple(shape[:-1]) + (layer.units,)


@register(EinsumDense)
def _einsum_dense(layer, shape):
    built = getattr(layer, "_build_input_shape", None)
    if layer.quantization_mode or not keras_activation(layer.activation) \
            or not isinstance(built, (tuple, list)) or tuple(built)[1:] != tuple(shape)[1:]:
        return None
    return tuple(layer.compute_output_shape(shape))


def _broadcast(sizes):
    """One axis of an elementwise merge: the size every input has or broadcasts to (1 broadcasts), None where
    one input's size is unknown (Keras's rule: the run decides), or False for sizes that would not broadcast."""
    known = {n for n in sizes if n is not None and n != 1}
    if None in sizes:
        return None
    if len(known) > 1:
        return False
    return known.pop() if known else 1


def broadcast_shape(shapes):
    """The shape of an elementwise op of inputs of `shapes` (one rank, one batch axis), or None when unsure."""
    if len({len(s) for s in shapes}) != 1:
        return None
    axes = [_broadcast([s[k] for s in shapes]) for k in range(1, len(shapes[0]))]
    if any(n is False for n in axes):
        return None
    return (shapes[0][0], *axes)


@register(Add, Subtract, Multiply, Average, Maximum, Minimum, several=True)
def _elementwise_merge(layer, shapes):
    if isinstance(layer, Subtract) and len(shapes) != 2:
        return None
    return broadcast_shape(shapes)


@register(Concatenate, several=True)
def _concatenate(layer, shapes):
    if len({len(s) for s in shapes}) != 1:
        return None
    rank = len(shapes[0])
    axis = layer.axis % rank if -rank <= layer.axis < rank else None
    if not axis:
        return None
    result = []
    for k in range(rank):
        sizes = [s[k] for s in shapes]
        if k == axis:
            result.append(None if None in sizes else sum(sizes))
        elif len({n for n in sizes if n is not None}) > 1:   # sizes that cannot be joined: the probe says so
            return None
        else:   # Keras's rule: the first input's size, known or not
            result.append(sizes[0])
    return tuple(result)


@register(Dot, several=True)
def _dot(layer, shapes):
    if len(shapes) != 2 or min(len(s) for s in shapes) < 2:
        return None
    x, y = shapes
    axes = (layer.axes, layer.axes) if isinstance(layer.axes, int) else layer.axes
    ax, ay = axes[0] % len(x), axes[1] % len(y)
    if 0 in (ax, ay) or x[ax] is None or x[ax] != y[ay]:
        return None
    return tuple(layer.compute_output_shape([x, y]))


@register(Flatten)
def _flatten(layer, shape):
    rest = shape[1:]
    return (shape[0], None if None in rest else math.prod(rest))


@register(Reshape)
def _reshape(layer, shape):
    target, rest = layer.target_shape, shape[1:]
    if None in rest:   # only with a -1 in target_shape (Reshape._probe answers the other case)
        return (shape[0],) + tuple(None if n == -1 else n for n in target)
    per_example = math.prod(rest)
    known = math.prod(n for n in target if n != -1)
    if -1 not in target:
        return (shape[0],) + tuple(target) if known == per_example else None
    if not known or per_example % known:
        return None
    return (shape[0],) + tuple(per_example // known if n == -1 else n for n in target)


@register(Permute)
def _permute(layer, shape):
    if len(shape) != len(layer.dims) + 1:
        return None
    return (shape[0],) + tuple(shape[d] for d in layer.dims)


@register(RepeatVector)
def _repeat_vector(layer, shape):
    return (shape[0], layer.n, shape[1]) if len(shape) == 2 else None


@register(Embedding, ids=True)
def _embedding(layer, shape):
    if layer.mask_zero or layer.quantization_mode:
        return None
    return tuple(shape) + (layer.output_dim,)


@register(Lambda)
def _lambda(layer, shape):
    # as Keras: a given output_shape is the output's shape, the function is not run to find it
    declared = layer._constructor_arguments.get("output_shape") if layer._constructor_arguments else None
    if declared is None or layer.mask is not None:
        return None
    result = declared(shape) if callable(declared) else (shape[0],) + tuple(declared)
    if not isinstance(result, (tuple, list)) or not all(n is None or isinstance(n, int) for n in result):
        return None
    return tuple(result)
