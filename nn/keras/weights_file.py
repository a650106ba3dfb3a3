"""save_weights / load_weights. A '.weights.h5' name gets real Keras's HDF5 layout (saving/keras_h5_write.py),
which Keras reads; other names, and models that layout cannot carry or machines without h5py, get every weight
in one safetensors file (nn.save), matched by position as Keras matches .weights.h5 files, with the weight names
kept in the metadata. load tells the two apart by the file's first bytes, so the safetensors files older
nn.keras wrote under '.weights.h5' names still load, as do the HDF5 files real Keras writes
(saving/keras_archive.py)."""
import errno
import json
import os
import warnings

import numpy as np

from ..serialization import load as load_file
from ..serialization import load_metadata
from ..serialization import save as save_file
from ..serialization.atomic_file import write_atomically
from ..serialization.safetensors_file import CheckpointFileError
from .saving.keras_h5_weights import UnreadableFileError
from .saving.write_checks import check_writable


def save(model, filepath, overwrite=True):
    """Write model.weights to `filepath`: in Keras's HDF5 layout for a '.weights.h5' name (with the optimizer's
    variables, as Keras), as safetensors tensors 'weight_0', 'weight_1', ... for a '.safetensors' name (or when
    the HDF5 layout cannot be written); any other name is refused, as Keras refuses it."""
    filepath = os.fspath(filepath)
    check_writable(model, filepath, overwrite)
    refuse_hdf5_name(filepath, "save_weights")
    if filepath.endswith(".keras"):   # load_weights would read it back as a whole-model archive
        raise ValueError(f"save_weights: the filename must end in `.weights.h5`, received filepath={filepath}; a "
                         "'.keras' file holds a whole model: write it with model.save(filepath)")
    if not filepath.endswith((".weights.h5", ".safetensors")):   # Keras refuses any other name
        raise ValueError(f"save_weights: the filename must end in `.weights.h5` (Keras's format; '.safetensors' "
                         f"writes nn.keras's own), received filepath={filepath}; e.g. 'model.weights.h5'")
    if filepath.endswith(".weights.h5") and _save_keras_h5(model, filepath):
        return
    tensors, metadata = weight_arrays(model)
    save_file(tensors, filepath, metadata=metadata)


def _save_keras_h5(model, filepath):
    """Write `filepath` in real Keras's '.weights.h5' layout (HDF5, the optimizer's variables included when
    compiled) atomically and return True; warn and return False when that cannot be done (h5py missing, or
    weights Keras's layout does not carry), so that save writes the safetensors file load_weights also reads."""
    from .saving.keras_h5_write import keras_weights_h5
    from .saving.own_variables import own_arrays
    try:
        import h5py  # noqa: F401 (only asked whether it is there)
    except ImportError:
        reason = "h5py is not installed (`pip install h5py`)"
    else:
        reason = "the model holds state Keras's HDF5 layout does not carry here (own variables or a dtype HDF5 " \
                 "lacks)"
        raw = None if own_arrays(model) else keras_weights_h5(model)
        if raw is not None:
            write_atomically(filepath, lambda f: f.write(raw))
            return True
    warnings.warn(f"save_weights({filepath!r}): {reason}, so the file holds the weights as safetensors: "
                  "nn.keras's load_weights reads it, real Keras cannot", stacklevel=4)
    return False


def weight_arrays(model):
    """({'weight_0': array, ...}, metadata with the weight names): model.weights as save_weights stores them."""
    from .saving.own_variables import own_arrays
    weights, merged = _file_weights(model)
    names = [_weight_name(model, w) for w in weights]
    tensors = {f"weight_{k}": np.array(merged.get(id(w), w.numpy()), order="C")   # 0-d stays 0-d
               for k, w in enumerate(weights)}
    tensors.update(own_arrays(model))   # what layers overriding save_own_variables keep besides weights
    return tensors, {"format": "nn.keras weights", "names": json.dumps(names)}


def _file_weights(model):
    """(the weights a file holds, in model.weights order, {id: value stored in a weight's place}): all of them,
    but a LoRA layer's A and B left out and its kernel stored merged with them, as Keras saves (layers/lora.py)."""
    from .layers.lora import saved_weights
    weights, merged = saved_weights(model, model.weights)
    return (model.weights if weights is None else weights), merged


def refuse_hdf5_name(filepath, who):
    """A ValueError for names ending in .h5/.hdf5 other than Keras 3's '.weights.h5' (legacy HDF5 files)."""
    if filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(".weights.h5"):
        raise ValueError(f"{who}({filepath!r}): Keras 3 requires weight files to end in '.weights.h5' (legacy "
                         "whole-model .h5 files need h5py and are not written by nn.keras); use a name ending "
                         "in '.weights.h5' (nn.keras writes safetensors into it) or '.safetensors'")


def is_hdf5(filepath):
    """Whether `filepath` is an HDF5 file (a weights file written by real Keras)."""
    with open(filepath, "rb") as f:
        return f.read(8) == HDF5_SIGNATURE


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class UnsupportedWeightsFile(ValueError, FileNotFoundError):
    """load_weights of a missing file whose name is not one it reads: a ValueError, as Keras raises, and a
    FileNotFoundError, as before (the file is missing too)."""


def load(model, filepath, skip_mismatch=False, by_name=False):
    """Set model.weights from a file written by `save`, or from a '.weights.h5' file written by real Keras
    (HDF5, read with h5py), for the same architecture; `by_name` (a legacy '.h5' file only) matches layers by
    name instead."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath) and not filepath.endswith((".weights.h5", ".weights.json", ".h5", ".hdf5",
                                                                ".safetensors")):
        # Keras refuses the name before looking for the file (an existing file of any name is still read)
        raise UnsupportedWeightsFile(f"File format not supported: filepath={filepath}. load_weights reads "
                                     "'.weights.h5' files (written by save_weights), '.keras' files (written by save) "
                                     "or '.safetensors' files")
    if not os.path.exists(filepath):
        raise FileNotFoundError(errno.ENOENT, "load_weights: no such file; check the path, or write it first with "
                                "model.save_weights(filepath)", filepath)
    if filepath.endswith(".weights.json"):   # Keras's sharded weights: an index and its shard files
        from .saving.keras_archive import load_keras_weights
        from .saving.sharded_weights import read_sharded_weights
        load_keras_weights(model, filepath, filepath, skip_mismatch, tree=read_sharded_weights(filepath))
        return
    if os.path.exists(filepath) and is_hdf5(filepath):
        from .applications.legacy_h5 import is_legacy_h5, load_legacy_h5, load_legacy_h5_by_name
        if is_legacy_h5(filepath):   # Keras 2's layout, as the published keras.applications weights have it
            (load_legacy_h5_by_name if by_name else load_legacy_h5)(model, filepath, skip_mismatch)
            return
        if by_name:
            raise ValueError(f"load_weights({filepath!r}, by_name=True): the file is not in the legacy HDF5 layout "
                             "(no 'layer_names'), so it has no layer names to match; load it without by_name")
        from .saving.keras_archive import load_keras_weights
        load_keras_weights(model, filepath, filepath, skip_mismatch)
        return
    try:
        stored = load_file(filepath)
    except CheckpointFileError as error:
        if not filepath.endswith((".h5", ".hdf5")):   # the same type, named after the call the user made
            raise type(error)(f"load_weights({filepath!r}): the file is not one load_weights reads ('.weights.h5', "
                              f"'.keras' or '.safetensors'): {str(error).removeprefix('nn.load: ')}") from None
        raise UnreadableFileError(f"load_weights({filepath!r}): not a readable HDF5 file (file signature not found) "
                                  f"nor a safetensors file ({error}); write it again with model.save_weights, or "
                                  f"check that the file was copied whole") from error
    assign(model, stored, filepath, skip_mismatch, stored_names(load_metadata(filepath)))


def stored_names(metadata):
    """The weight names a file written by `save` lists in its metadata, or None."""
    names = metadata.get("names")
    return json.loads(names) if names else None


def stored_order(model, names):
    """For each of model.weights, the position of its weight in a file whose weights are named `names`; None
    when the names do not cover the model's exactly (then weights go by position, as Keras's files).

    Files keep the weights in the model's order at saving time; deepgrad before stop 30 listed a functional
    model's layers in creation order, not Keras's graph order, so for residual and multi-input graphs the
    names, not the positions, say which weight is which."""
    if not names:
        return None
    ours = [_weight_name(model, w) for w in _file_weights(model)[0]]
    if len(set(names)) != len(names) or sorted(ours) != sorted(names):
        return None
    where = {name: k for k, name in enumerate(names)}
    return [where[name] for name in ours]


def trainable_position(model, names):
    """{position among a file's trainable weights: position among model.trainable_weights}, following the
    names as stored_order does (identity when the names do not cover the model)."""
    trainable = model.trainable_weights
    order = stored_order(model, names)
    if order is None or _file_weights(model)[1]:   # LoRA layers: the slots of A and B have no file weights
        return {k: k for k in range(len(trainable))}
    ids = {id(w) for w in trainable}
    weights = model.weights
    by_stored = sorted((order[k], w) for k, w in enumerate(weights) if id(w) in ids)
    now = {id(w): k for k, w in enumerate(trainable)}
    return {k: now[id(w)] for k, (_, w) in enumerate(by_stored)}


def assign(model, stored, filepath, skip_mismatch=False, names=None):
    """Set model.weights from the 'weight_<k>' entries of `stored` (a loaded safetensors dict), matched by the
    weight `names` the file lists when they cover the model, by position otherwise."""
    if not model.built:
        raise ValueError(f"load_weights: build {model.name} first (call it on data, or give it an Input) so it has "
                         "weights to load into")
    values = [stored[f"weight_{k}"] for k in range(len(stored)) if f"weight_{k}" in stored]
    weights, _ = _file_weights(model)
    order = stored_order(model, names) if len(values) == len(weights) else None
    if order is not None:
        values = [values[k] for k in order]
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
    by_id = {id(w): v for w, v in zip(weights, chosen)}
    model.set_weights([by_id.get(id(w), w.numpy()) for w in model.weights])
    from .layers.lora import lora_layers, zero_adapters
    for layer in lora_layers(model):
        zero_adapters(layer)
    from .saving.own_variables import restore_own
    restore_own(model, stored)


def _weight_name(model, weight):
    for name, value in list(model.named_parameters()) + list(model.named_buffers()):
        if value is weight:
            return name
    return "?"
