"""save_weights / load_weights: every weight of a model in one safetensors file (nn.save), matched by
position as Keras matches .weights.h5 files, with the weight names kept in the metadata."""
import json
import os

import numpy as np

from ..serialization import load as load_file
from ..serialization import save as save_file


def save(model, filepath, overwrite=True):
    """Write model.weights to `filepath` as tensors 'weight_0', 'weight_1', ..."""
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False")
    if not model.built:
        raise ValueError(f"save_weights: {model.name} is not built yet, so it has no weights; call it on data first")
    weights = model.weights
    names = [_weight_name(model, w) for w in weights]
    save_file({f"weight_{k}": np.ascontiguousarray(w.numpy()) for k, w in enumerate(weights)}, filepath,
              metadata={"format": "nn.keras weights", "names": json.dumps(names)})


def load(model, filepath, skip_mismatch=False):
    """Set model.weights from a file written by `save` (same architecture, weights in the same order)."""
    stored = load_file(os.fspath(filepath))
    if not model.built:
        raise ValueError(f"load_weights: build {model.name} first (call it on data, or give it an Input) so it has "
                         "weights to load into")
    values = [stored[f"weight_{k}"] for k in range(len(stored)) if f"weight_{k}" in stored]
    weights = model.weights
    if len(values) != len(weights) and not skip_mismatch:
        raise ValueError(f"load_weights: {filepath} holds {len(values)} weights but {model.name} has {len(weights)}; "
                         "the architecture differs")
    chosen = []
    for w, v in zip(weights, values):
        v = np.asarray(v)
        if tuple(v.shape) != tuple(w.shape):
            if skip_mismatch:
                v = w.numpy()
            else:
                raise ValueError(f"load_weights: {_weight_name(model, w)} has shape {tuple(w.shape)} but the file holds "
                                 f"{v.shape}")
        chosen.append(v)
    chosen += [w.numpy() for w in weights[len(chosen):]]
    model.set_weights(chosen)


def _weight_name(model, weight):
    for name, value in list(model.named_parameters()) + list(model.named_buffers()):
        if value is weight:
            return name
    return "?"
