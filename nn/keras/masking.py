"""Keras masks: a boolean (batch, steps) tensor that travels with a layer's output and tells later layers which
steps are padding (False) and which are data (True).

Keras attaches the mask to the output tensor (`_keras_mask`). deepgrad's Tensor has fixed slots, so the masks
live here in a table keyed by the tensor's identity, each entry dropped when its tensor is freed; a
`Tensor._keras_mask` property reads and writes that table. Masks are
ordinary tensors computed by tensor ops (no host reads), so they work inside compiled steps too.
"""
import weakref

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ShapeError

from .symbolic import flatten
from .weight_ranks import same_rank

_masks = {}   # id(tensor) -> (weak reference to the tensor, its mask)


def active():
    """Whether any live tensor carries a mask (False lets unmasked models skip every look-up)."""
    return bool(_masks)


def set_mask(tensor, mask):
    """Attach `mask` to `tensor` (None removes it)."""
    key = id(tensor)
    if mask is None:
        _masks.pop(key, None)
        return

    def forget(ref, key=key):
        entry = _masks.get(key)
        if entry is not None and entry[0] is ref:
            del _masks[key]
    _masks[key] = (weakref.ref(tensor, forget), mask)


def get_mask(value):
    """The mask attached to `value` (None when it has none, or is not a Tensor)."""
    if not isinstance(value, Tensor):
        return None
    entry = _masks.get(id(value))
    if entry is None or entry[0]() is not value:
        return None
    return entry[1]


def _keras_mask(tensor):
    mask = get_mask(tensor)
    if mask is None:   # as Keras, where the attribute exists only on tensors that carry a mask
        raise AttributeError(f"'{type(tensor).__name__}' object has no attribute '_keras_mask'")
    return mask


# Keras code reads (and sets) `tensor._keras_mask`; the property gives that spelling to every Tensor, backed by the
# table above. nn.keras adds it to autograd's class because autograd must not know of Keras.
Tensor._keras_mask = property(_keras_mask, lambda tensor, mask: set_mask(tensor, None if mask is None else
                                                                         as_bool(mask)),
                              lambda tensor: set_mask(tensor, None),
                              doc="The Keras mask this tensor carries (absent when it carries none).")


def masks_of(structure):
    """The masks of a Tensor or of a list/tuple of Tensors (a list), or None when none carries one."""
    if isinstance(structure, (list, tuple)):
        found = [get_mask(v) for v in structure]
        return found if any(m is not None for m in found) else None
    return get_mask(structure)


def attach(outputs, masks):
    """Attach `masks` (a mask or a structure of them, matching the outputs) to outputs that have none yet; as
    Keras pairs them in order, one mask goes to the first output only."""
    flat_outputs = flatten(outputs)
    flat_masks = flatten(masks) if isinstance(masks, (list, tuple)) else [masks]
    for tensor, mask in zip(flat_outputs, flat_masks):
        if mask is not None and isinstance(tensor, Tensor) and get_mask(tensor) is None:
            set_mask(tensor, mask)


def as_bool(mask):
    """A mask (a Tensor, or a NumPy array or list passed as `mask=`) as a boolean Tensor."""
    if not isinstance(mask, Tensor):
        mask = ag.tensor(np.asarray(mask))
    return mask if mask.dtype == ag.bool_ else mask != 0


def loss_weights(mask, sample_weight, reduction):
    """Keras's weighting of per-step losses by the prediction's mask: masked steps weigh 0 and, for averaging
    reductions, the others total/valid so that the mean runs over the valid steps only. Multiplied into
    `sample_weight` when there is one, lined up as Keras lines them up (`weight_ranks.same_rank`)."""
    keep = as_bool(mask)
    if reduction in ("sum_over_batch_size", "mean"):
        flags = keep.float()
        weight = flags * (float(keep.numel()) / flags.sum().clamp(min=1.0))
    else:
        weight = keep.float()
    if sample_weight is None:
        return weight
    sample_weight = sample_weight if isinstance(sample_weight, Tensor) else ag.tensor(sample_weight)
    weight, sample_weight = same_rank(weight, sample_weight.float())
    try:
        fits = np.broadcast_shapes(tuple(weight.shape), tuple(sample_weight.shape)) == tuple(sample_weight.shape)
    except ValueError:
        fits = False
    if not fits:   # Keras's torch backend multiplies the mask into the weights in place, so they must hold it
        raise ShapeError(f"sample_weight of shape {tuple(sample_weight.shape)} cannot take the output's mask of "
                         f"shape {tuple(mask.shape)}: Keras 3 (torch backend) multiplies the mask into the weights "
                         "in place, so with a masked output pass one weight per step, shaped as the mask")
    return weight * sample_weight
