"""Turning what fit/evaluate/predict are given (arrays, Tensors, datasets, DataLoaders) into DataLoaders."""
import math

import numpy as np

from autograd import Tensor

from ..data.dataset import TensorDataset
from ..data.loader import DataLoader


def model_device(model):
    """The device of the model's first parameter (None for a model without parameters)."""
    for p in model.parameters():
        return p.device
    return None


def model_float_dtype(model):
    """The dtype of the model's first floating-point parameter (None for a model without one): the dtype
    fit/evaluate/predict give float inputs, since layers take inputs of their parameters' dtype only."""
    for p in model.parameters():
        if p.dtype.kind == "f":
            return p.dtype
    return None


def as_array(data, who, name):
    """`data` as a NumPy array with one row per example; float64 becomes float32 (the default float)."""
    array = np.asarray(data)   # a Tensor's host values, bfloat16 ones too (numpy() refuses those)
    if array.ndim == 0:
        raise ValueError(f"{who}: {name} is a single value ({array!r}); it needs one row per example")
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    elif array.dtype.kind in "iu" and array.dtype != np.int64 and name.startswith("y"):
        array = array.astype(np.int64)
    elif array.dtype == object:
        raise TypeError(f"{who}: {name} has dtype object (ragged lists?); pad it to one shape first")
    return array


def is_loader_like(x):
    """True for a DataLoader or a dataset object (anything but arrays, Tensors and sequences)."""
    if isinstance(x, DataLoader):
        return True
    return (hasattr(x, "__getitem__") and hasattr(x, "__len__")
            and not isinstance(x, (np.ndarray, Tensor, list, tuple)))


def make_loader(x, y, batch_size, shuffle, who, device, seed=None, need_y=True):
    """A DataLoader over (x, y) (or x alone when y is None and not needed); an existing DataLoader as is."""
    if isinstance(x, DataLoader):
        if y is not None:
            raise ValueError(f"{who}: x is a DataLoader, which yields the targets too; do not pass y")
        return x
    if is_loader_like(x):
        if y is not None:
            raise ValueError(f"{who}: x is a dataset ({type(x).__name__}), which holds the targets too; do not "
                             "pass y")
        return DataLoader(x, batch_size=batch_size, shuffle=shuffle, seed=seed, device=device)
    if y is None:
        if need_y:
            raise ValueError(f"{who}: y (the targets) is missing; pass fit(x, y) with one target per example, or a "
                             "DataLoader that yields (inputs, targets)")
        return DataLoader(TensorDataset(as_array(x, who, "x")), batch_size=batch_size, device=device)
    xs, ys = as_array(x, who, "x"), as_array(y, who, "y")
    if len(xs) != len(ys):
        raise ValueError(f"{who}: x has {len(xs)} examples (shape {xs.shape}) but y has {len(ys)} (shape "
                         f"{ys.shape}); give exactly one target per example")
    if len(xs) == 0:
        raise ValueError(f"{who}: x and y are empty; there is nothing to train on")
    return DataLoader(TensorDataset(xs, ys), batch_size=batch_size, shuffle=shuffle, seed=seed, device=device)


def split_validation(x, y, fraction, who):
    """Keras's validation_split: the last `fraction` of the examples (before any shuffling) for validation.
    Returns (x_train, y_train, x_val, y_val)."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"{who}: validation_split must be between 0 and 1 (a fraction of the examples), got "
                         f"{fraction!r}")
    if is_loader_like(x):
        raise ValueError(f"{who}: validation_split needs x and y as arrays; with a DataLoader or dataset pass "
                         "validation_data instead")
    if y is None:
        raise ValueError(f"{who}: y (the targets) is missing")
    xs, ys = as_array(x, who, "x"), as_array(y, who, "y")
    if len(xs) != len(ys):
        raise ValueError(f"{who}: x has {len(xs)} examples (shape {xs.shape}) but y has {len(ys)} (shape "
                         f"{ys.shape}); give exactly one target per example")
    cut = int(math.floor(len(xs) * (1.0 - fraction)))  # Keras's rule: 90 examples, 0.3 -> 62 to train on
    if cut <= 0 or cut >= len(xs):
        raise ValueError(f"{who}: validation_split={fraction} of {len(xs)} examples leaves an empty training or "
                         "validation set")
    return xs[:cut], ys[:cut], xs[cut:], ys[cut:]


def validation_loader(validation_data, batch_size, who, device):
    """A DataLoader for fit's validation_data: (x_val, y_val), a DataLoader or a dataset."""
    if is_loader_like(validation_data):
        return make_loader(validation_data, None, batch_size, False, who, device)
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise ValueError(f"{who}: validation_data must be a pair (x_val, y_val), a DataLoader or a dataset, got "
                         f"{type(validation_data).__name__}"
                         + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list))
                            else ""))
    return make_loader(validation_data[0], validation_data[1], batch_size, False, f"{who} (validation_data)",
                       device)


def split_batch(batch, who, need_y=True):
    """(inputs, target) of a batch: inputs a tuple of Tensors (the model's arguments), target a Tensor or None."""
    if isinstance(batch, Tensor):
        fields = (batch,)
    elif isinstance(batch, (tuple, list)):
        fields = tuple(batch)
    else:
        raise TypeError(f"{who}: batches must be Tensors or tuples (inputs, targets), got {type(batch).__name__}")
    if not need_y:
        return fields[:1], None
    if len(fields) < 2:
        raise ValueError(f"{who}: each batch needs inputs and targets, but the data yields {len(fields)} field(s); "
                         "use a dataset of (x, y) pairs")
    return fields[:-1], fields[-1]


def on_device(tensors, device, float_dtype=None):
    """The tensors moved to `device` where they are elsewhere (nested tuples and lists too), and float ones
    converted to `float_dtype` when given (Keras casts a model's inputs to its dtype the same way)."""
    if device is None and float_dtype is None:
        return tensors
    return tuple(_moved(t, device, float_dtype) for t in tensors)


def _moved(t, device, float_dtype=None):
    if isinstance(t, (tuple, list)):
        return type(t)(_moved(u, device, float_dtype) for u in t)
    if not isinstance(t, Tensor):
        return t
    if float_dtype is not None and t.dtype.kind == "f" and t.dtype != float_dtype:
        t = t.astype(float_dtype)
    return t if device is None or t.device == device else t.to(device)


class RawInputs(tuple):
    """A batch's model inputs (a tuple) that also carry `raw`: the batch in the structure its source gave it,
    for steps that take the batch whole (Keras's custom train_step on a loader's or generator's batches)."""

    raw = None


def _moved_raw(structure, device):
    """`structure` (lists, tuples, dicts of Tensors) with every Tensor on `device`."""
    if isinstance(structure, (tuple, list)):
        return type(structure)(_moved_raw(item, device) for item in structure)
    if isinstance(structure, dict):
        return {key: _moved_raw(value, device) for key, value in structure.items()}
    return structure if device is None or not isinstance(structure, Tensor) or structure.device == device \
        else structure.to(device)


class Batches:
    """What the training loop iterates: per batch `(inputs, target, weight)`, on the model's device.

    `inputs` is the tuple of the model's arguments, `target` a Tensor (or a tuple of them for a model with
    several outputs, None when not needed), `weight` the per-example weights or None. `split(batch)` turns
    one item of `source` (a DataLoader, or any iterable with a length) into that triple; `steps` caps the
    number of batches per pass.
    """

    def __init__(self, source, split, device, steps=None, float_dtype=None):
        self.source, self.split, self.device, self.steps = source, split, device, steps
        self.float_dtype = float_dtype

    def __len__(self):
        if self.steps is not None:
            return int(self.steps)
        return len(self.source)

    def __iter__(self):
        for step, batch in enumerate(self.source):
            if self.steps is not None and step >= self.steps:
                break
            yield self.prepared(batch)

    def prepared(self, batch):
        """One item of `source` as (inputs, target, weight) on the device."""
        inputs, target, weight = self.split(batch)
        raw = getattr(inputs, "raw", None)
        inputs = on_device(tuple(inputs), self.device, self.float_dtype)
        if raw is not None:
            inputs = RawInputs(inputs)
            inputs.raw = _moved_raw(raw, self.device)
        target = None if target is None else on_device((target,), self.device)[0]
        weight = None if weight is None else on_device((weight,), self.device)[0]
        return inputs, target, weight


def nn_batches(loader, who, device, need_y=True, float_dtype=None):
    """Batches over a DataLoader whose items are Tensors or tuples (inputs..., target), as nn's fit reads them;
    float inputs become `float_dtype` (the model's) when given."""
    def split(batch):
        inputs, target = split_batch(batch, who, need_y)
        return inputs, target, None
    return Batches(loader, split, device, float_dtype=float_dtype)
