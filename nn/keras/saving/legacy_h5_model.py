"""Whole models in Keras's legacy HDF5 format: `model.save('m.h5')` / `load_model('m.h5')` ('.hdf5' too), as
Keras 3 still writes and reads them.

The file's root carries the attributes 'keras_version', 'backend', 'model_config' (the model's config as JSON)
and, for a compiled model, 'training_config' (compile's arguments as JSON, the optimizer under
'optimizer_config'); the group 'model_weights' lists its layers in the attribute 'layer_names', one group per
layer named after it listing its weights in 'weight_names' (trainable ones first) with a dataset under each
name; the group 'optimizer_weights' lists the optimizer's variables the same way (step count, learning rate,
then the slots in Keras's order). Weights are matched to a model by position among the layers that have any,
as Keras does. Reading parses JSON and plain numeric datasets only: nothing in a file is unpickled or run, and
links (which could reach other files) are refused. h5py is optional and imported only here.
"""
import io
import json
import warnings

import numpy as np

from ...serialization.atomic_file import write_atomically
from .keras_h5_weights import UnreadableFileError

_NUMERIC_KINDS = "biuf"


def _h5py(who):
    try:
        import h5py
    except ImportError as error:
        raise ImportError(f"{who}: the legacy HDF5 whole-model format ('.h5' / '.hdf5') needs h5py; install it with "
                          "`pip install h5py`, or use a '.keras' file, which needs nothing more") from error
    return h5py


# ----- writing ----------------------------------------------------------------------------------------------------

def save_legacy_h5(model, filepath, include_optimizer=True):
    """Write `model` (config, weights and, with include_optimizer and when compiled, its compile arguments and
    optimizer state) to `filepath` in Keras's legacy HDF5 layout, atomically."""
    h5py = _h5py("save_model")
    from ..version import __version__
    from .serialization import serialize_keras_object
    if not model.built:
        raise ValueError(f"save_model({filepath!r}): {model.name} is not built yet, so it has no weights; call it on "
                         "data (or give it an Input) first")
    described = serialize_keras_object(model)
    attributes = {"keras_version": __version__.split("-")[0], "backend": "torch",
                  "model_config": {"class_name": described["class_name"], "config": described["config"]}}
    compiled = getattr(model, "_compiled", None) is not None
    if include_optimizer and compiled:
        attributes["training_config"] = _training_config(model)
    raw = io.BytesIO()
    with h5py.File(raw, "w") as handle:
        for key, value in attributes.items():
            handle.attrs[key] = json.dumps(value) if isinstance(value, dict) else value
        _write_layers(handle.create_group("model_weights"), model, filepath)
        if include_optimizer and compiled:
            _write_optimizer(handle, model, filepath)
    data = raw.getvalue()
    write_atomically(filepath, lambda f: f.write(data))


def _training_config(model):
    """Keras's 'training_config': compile's arguments, the optimizer's class name and config under
    'optimizer_config'."""
    config = dict(model.get_compile_config())
    optimizer = config.pop("optimizer", None)
    if isinstance(optimizer, dict):
        config["optimizer_config"] = {"class_name": optimizer["class_name"], "config": optimizer["config"]}
    elif optimizer is not None:   # a name, as compile may keep it
        config["optimizer_config"] = {"class_name": optimizer, "config": {}}
    return config


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _write_layers(group, model, filepath):
    from ..version import __version__
    group.attrs["layer_names"] = [layer.name for layer in model.layers]
    group.attrs["backend"] = "torch"
    group.attrs["keras_version"] = __version__.split("-")[0]
    for layer in sorted(model.layers, key=lambda layer: layer.name):   # as Keras: names in growing order
        _write_subset(group.create_group(layer.name), _legacy_weights(layer), filepath)
    in_layers = {id(w) for layer in model.layers for w in layer.weights}
    _write_subset(group.create_group("top_level_model_weights"),
                  [w for w in _legacy_weights(model) if id(w) not in in_layers], filepath)


def _write_subset(group, weights, filepath):
    names = _dataset_names([getattr(w, "path", None) or w.name for w in weights])
    group.attrs["weight_names"] = names
    for name, weight in zip(names, weights):
        group[name] = _plain_array(weight.numpy(), name, filepath)


def _dataset_names(names):
    """The names, made unique (a name seen before gets '_<k>'), as HDF5 needs one dataset per name."""
    out, seen = [], set()
    for name in names:
        unique, k = name, 1
        while unique in seen:
            unique, k = f"{name}_{k}", k + 1
        seen.add(unique)
        out.append(unique)
    return out


def _plain_array(value, name, filepath):
    value = np.array(value, order="C")
    if value.dtype.kind not in _NUMERIC_KINDS or value.dtype.itemsize > 8 or value.dtype.name == "bfloat16":
        raise ValueError(f"save_model({filepath!r}): the weight {name} is {value.dtype}, which the legacy HDF5 format "
                         "does not store; save to a '.keras' file instead")
    return value


def _write_optimizer(handle, model, filepath):
    from .keras_h5_write import optimizer_variables
    found = optimizer_variables(model.optimizer, model)
    if found is None:   # the compile settings are kept: a load starts from a fresh optimizer, as Keras's would
        warnings.warn(f"save_model({filepath!r}): nn.keras does not write the state of a "
                      f"{type(model.optimizer).__name__} in Keras's HDF5 layout, so the file holds none (training "
                      "resumes from a fresh optimizer); a '.keras' file keeps it", stacklevel=4)
        return
    labels, values = found
    group = handle.create_group("optimizer_weights")
    names = _dataset_names(labels)
    group.attrs["weight_names"] = names
    for name, value in zip(names, values):
        group[name] = _plain_array(value, name, filepath)


# ----- reading ----------------------------------------------------------------------------------------------------

def load_legacy_h5_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in a legacy HDF5 file written by Keras (2 or 3) or by save_legacy_h5: rebuilt from its
    'model_config', its weights set, and compiled with its optimizer state restored when compile=True and the
    file has a 'training_config'."""
    h5py = _h5py("load_model")
    try:
        handle = h5py.File(filepath, "r")
    except OSError as error:
        raise UnreadableFileError(f"load_model({filepath!r}): not a readable HDF5 file ({error}); save the model "
                                  f"again with model.save(path), or check that the file was copied whole") from error
    with handle:
        model_config = _json_attribute(handle, "model_config", filepath)
        if model_config is None:
            raise ValueError(f"No model config found in the file at {filepath}. (load_model reads whole models; "
                             "a file of weights only loads with model.load_weights)")
        training_config = _json_attribute(handle, "training_config", filepath)
        weights_group = _group(handle, "model_weights", filepath, h5py)
        layers = [(name, _subset(_group(weights_group, name, filepath, h5py), filepath, h5py))
                  for name in _names(weights_group, "layer_names")]
        top_level = None   # the model's own weights (add_weight on the model)
        if "top_level_model_weights" in weights_group:
            top_level = _subset(_group(weights_group, "top_level_model_weights", filepath, h5py), filepath, h5py)
        optimizer_values = None
        if "optimizer_weights" in handle:
            optimizer_values = _subset(_group(handle, "optimizer_weights", filepath, h5py), filepath, h5py)
    model = _model_from_config(model_config, filepath, custom_objects, safe_mode)
    _assign_layers(model, [(name, values) for name, values in layers if values], filepath)
    from ..applications.legacy_h5 import assign_top_level
    assign_top_level(model, top_level, filepath)
    if compile and training_config is not None:
        _compile(model, training_config, optimizer_values, filepath, custom_objects)
    return model


def _names(group, attribute):
    from ..applications.legacy_h5 import _names as chunked_names
    return chunked_names(group, attribute)


def _json_attribute(handle, key, filepath):
    value = handle.attrs.get(key)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf8")
    if not isinstance(value, str):
        raise ValueError(f"load_model({filepath!r}): the attribute {key!r} is not JSON text; the file is damaged")
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"load_model({filepath!r}): the attribute {key!r} is not valid JSON ({error})") from error


def _group(parent, name, filepath, h5py):
    link = parent.get(name, getlink=True)
    if not isinstance(link, h5py.HardLink) or not isinstance(parent[name], h5py.Group):
        raise ValueError(f"load_model({filepath!r}): '{parent.name}/{name}' is missing or not a plain group; this is "
                         "not a Keras HDF5 model file")
    return parent[name]


def _subset(group, filepath, h5py):
    """The arrays a group's 'weight_names' lists, in that order (plain numeric datasets only)."""
    values = []
    for name in _names(group, "weight_names"):
        link = group.get(name, getlink=True)
        item = group.get(name) if isinstance(link, h5py.HardLink) else None
        if not isinstance(item, h5py.Dataset) or item.dtype.kind not in _NUMERIC_KINDS \
                or item.external or item.is_virtual:
            raise ValueError(f"load_model({filepath!r}): '{group.name}/{name}' is not a plain numeric dataset stored "
                             "in this file; the file is damaged or not a Keras model file")
        values.append(np.asarray(item[()]))
    return values


def _model_from_config(model_config, filepath, custom_objects, safe_mode):
    from . import registration
    from .keras_config_compat import from_keras_config
    from .keras_operations import operation_objects
    from .serialization import deserialize_keras_object
    config = _with_keras_modules(from_keras_config(model_config))
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(f"load_model({filepath!r}): its 'model_config' does not describe a model (no 'class_name' "
                         "and 'config')")
    custom_objects = {**operation_objects(config), **(custom_objects or {})}   # keras.ops nodes (mask_zero's)
    with registration.CustomObjectScope(custom_objects):
        model = deserialize_keras_object(config, custom_objects, safe_mode)
    if not model.built:
        raise ValueError(f"load_model({filepath!r}): the model {model.name!r} could not be built from its config (the "
                         "legacy format keeps no input shape for a subclassed model); save it as '.keras'")
    return model


def _with_keras_modules(value):
    """`value` with the module Keras's own classes are found under added to each object config that names one of
    them without a module, as the legacy format writes them (Keras looks such names up among its layers and
    models), and keras.ops nodes marked as such (Keras 3.15 itself cannot read those back: 'Unknown layer')."""
    from .serialization import _BUILTIN_CLASSES, is_object_config
    if isinstance(value, list):
        return [_with_keras_modules(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_keras_modules(v) for k, v in value.items()}
    if is_object_config(out) and "module" not in out:
        if out["class_name"] in _BUILTIN_CLASSES:
            out["module"] = "keras"
        elif "inbound_nodes" in out and _names_an_operation(out["class_name"]):
            out["module"] = "keras.src.ops"   # a keras.ops node of a functional graph (Embedding's mask_zero)
    return out


def _names_an_operation(class_name):
    """Whether `class_name` (not a registered custom object) is a keras.ops operation's class ('NotEqual')."""
    from .. import ops
    from ..naming import snake_case
    from .registration import get_registered_object
    return get_registered_object(class_name) is None and callable(getattr(ops, snake_case(class_name), None))


def _assign_layers(model, stored, filepath):
    owners = [layer for layer in model.layers if _legacy_weights(layer)]
    if len(stored) != len(owners):
        raise ValueError(f"load_model({filepath!r}): Layer count mismatch when loading weights from file. Model "
                         f"expected {len(owners)} layers, found {len(stored)} saved layers")
    values = {}
    for k, (layer, (name, arrays)) in enumerate(zip(owners, stored)):
        weights = _legacy_weights(layer)
        if len(arrays) != len(weights):
            raise ValueError(f"load_model({filepath!r}): Weight count mismatch for layer #{k} (named {layer.name} in "
                             f"the current model, {name} in the save file). Layer expects {len(weights)} weight(s). "
                             f"Received {len(arrays)} saved weight(s)")
        for weight, array in zip(weights, arrays):
            if tuple(weight.shape) != tuple(array.shape):
                raise ValueError(f"load_model({filepath!r}): Shape mismatch in layer #{k} (named {layer.name}) for "
                                 f"weight {weight.path}. Weight expects shape {tuple(weight.shape)}. Received saved "
                                 f"weight with shape {tuple(array.shape)}")
            values[id(weight)] = array
    model.set_weights([values.get(id(w), w.numpy()) for w in model.weights])


def _compile(model, training_config, optimizer_values, filepath, custom_objects):
    from . import registration
    from .keras_config_compat import from_keras_config
    from .keras_h5_assign import restore_keras_optimizer
    from .keras_h5_weights import WeightGroup
    config = dict(_with_keras_modules(from_keras_config(training_config)))
    optimizer = config.pop("optimizer_config", None)
    if optimizer is not None:
        config["optimizer"] = optimizer
    with registration.CustomObjectScope(custom_objects):
        model.compile_from_config(config)
    if not model.compiled or not optimizer_values:
        return
    try:
        restore_keras_optimizer(model.optimizer, model, WeightGroup("optimizer_weights", optimizer_values, {}),
                                filepath, "load_model")
    except ValueError as error:   # as Keras: a state that does not fit leaves a fresh optimizer, with a warning
        warnings.warn(f"{error}. Error in loading the saved optimizer state. As a result, your model is starting "
                      "with a freshly initialized optimizer.", stacklevel=3)
