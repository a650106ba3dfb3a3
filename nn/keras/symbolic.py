"""Symbolic tensors for the functional API: what `keras.Input` returns and what calling a layer on one gives.

A KerasTensor holds a shape (None for the batch and any unknown size), a dtype and the Node that made it.
A Node records one call of a layer on symbolic inputs; a functional Model replays its nodes in creation
order (always a valid order: a node's inputs exist before it).
"""
import itertools

import numpy as np

from .naming import unique_name

_node_ids = itertools.count()


class KerasTensor:
    """A placeholder with a shape and a dtype, standing for the values a model will receive or compute."""

    def __init__(self, shape, dtype="float32", name=None, node=None, index=0):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype_name(dtype)
        # as Keras: only an unnamed tensor takes a number, from the session's counters (clear_session resets them)
        self.name = name or unique_name("keras_tensor")
        self.node, self.index = node, index
        self.mask_shape = None   # the shape of the mask the values will carry (batch None), None for no mask

    @property
    def ndim(self):
        """The number of axes, the batch axis included."""
        return len(self.shape)

    # Keras's tensor kinds: nn.keras has dense tensors only (keras.Input refuses sparse and ragged)
    sparse = property(lambda self: False, doc="False: the values are a dense tensor.")
    ragged = property(lambda self: False, doc="False: every example has the same shape.")
    ragged_rank = property(lambda self: None, doc="None: not a ragged tensor.")
    row_splits_dtype = property(lambda self: None, doc="None: not a ragged tensor.")
    record_history = True   # Keras's flag: layers called on this tensor record nodes (a functional graph)

    @property
    def _keras_mask(self):
        """The symbolic boolean mask these values will carry (absent when they carry none), as Keras's."""
        if self.mask_shape is None:
            raise AttributeError("'KerasTensor' object has no attribute '_keras_mask'")
        mask = vars(self).get("_mask_tensor")
        if mask is None or mask.shape != tuple(self.mask_shape):
            mask = self._mask_tensor = KerasTensor(self.mask_shape, "bool")
        return mask

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, ragged=False, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise SymbolicValueError(f"{self!r} is symbolic: it holds no values. Build a keras.Model(inputs, outputs) "
                                 "from it and call the model on arrays")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean: it holds no values (compare with "
                        "`is None`, or use keras.ops.cond / ops.where inside the graph)")


class SymbolicValueError(ValueError, TypeError):
    """A KerasTensor was asked for values (np.asarray): Keras raises a ValueError (a TypeError as well, as
    this used to be)."""


class Node:
    """One call of `layer` on symbolic `args`/`kwargs`, giving the symbolic `outputs` (a structure)."""

    def __init__(self, layer, args, kwargs, outputs):
        self.id = next(_node_ids)
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs, outputs
        for k, tensor in enumerate(flatten(outputs)):
            tensor.node, tensor.index = self, k

    def parents(self):
        """The nodes that made this node's symbolic inputs."""
        return [t.node for t in flatten((self.args, self.kwargs)) if isinstance(t, KerasTensor) and t.node]


def dtype_name(dtype):
    """A dtype's name as Keras writes it: NumPy's name, or 'string' for text ('string', str, bytes)."""
    if isinstance(dtype, str) and dtype == "string" or dtype in (str, bytes):
        return "string"
    if isinstance(dtype, str) and dtype == "bfloat16":   # NumPy has no such name (ml_dtypes' dtype has it)
        return "bfloat16"
    dtype = np.dtype(dtype)
    return "string" if dtype.kind in "US" else dtype.name


def flatten(structure):
    """The leaves of nested lists, tuples and dicts (dicts in key order), left to right."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def flatten_sorted(structure):
    """The leaves as keras.tree.flatten lists them: dicts in sorted key order (how a functional model orders the
    tensors of dict inputs and outputs)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten_sorted(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten_sorted(structure[key])]
    return [structure]


def _same_sequence(structure, items):
    """A list or tuple of the same type as `structure` holding `items` (a namedtuple takes them as fields)."""
    items = list(items)
    return type(structure)(*items) if hasattr(structure, "_fields") else type(structure)(items)


def map_sorted(fn, structure):
    """map_structure with every dict rebuilt in sorted key order, as keras.tree.map_structure returns them (a
    functional model's dict outputs come back so)."""
    if isinstance(structure, (list, tuple)):
        return _same_sequence(structure, (map_sorted(fn, item) for item in structure))
    if isinstance(structure, dict):
        return {key: map_sorted(fn, structure[key]) for key in sorted(structure)}
    return fn(structure)


def flatten_as(template, structure):
    """The leaves of `structure` in the order flatten_sorted lists those of `template` (a nesting of the same
    shape): dict values are picked by the template's keys."""
    if isinstance(template, dict) and isinstance(structure, dict):
        return [leaf for key in sorted(template) for leaf in flatten_as(template[key], structure[key])]
    if isinstance(template, (list, tuple)) and isinstance(structure, (list, tuple)) and len(template) == len(structure):
        return [leaf for t, v in zip(template, structure) for leaf in flatten_as(t, v)]
    return flatten_sorted(structure)


def keyed_like(template, structure):
    """Whether `structure` is a dict with exactly the keys of the dict `template` (a model's inputs given by the
    keys the model was built with, which may hold nestings, e.g. {"tokens": x, "pair": (a, b)})."""
    return isinstance(template, dict) and isinstance(structure, dict) and set(template) == set(structure)


def map_structure(fn, structure):
    """The same nesting of lists, tuples and dicts with fn applied to each leaf."""
    if isinstance(structure, (list, tuple)):
        return _same_sequence(structure, (map_structure(fn, item) for item in structure))
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def is_symbolic(structure):
    """True when any leaf is a KerasTensor."""
    return any(isinstance(leaf, KerasTensor) for leaf in flatten(structure))
