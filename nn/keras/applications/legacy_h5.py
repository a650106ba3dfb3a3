"""Reading Keras's legacy HDF5 weight files (the layout of the published keras.applications weights): the root
lists 'layer_names', each layer's group lists 'weight_names', and the layers that own weights are matched to the
model's in order; a model's own weights (add_weight on the model) are in 'top_level_model_weights'. h5py is optional and imported only here, only when such a file is read."""


def _h5py(path):
    try:
        import h5py
    except ImportError as error:
        raise ImportError(f"reading the HDF5 weights file {path} needs h5py; install it with `pip install h5py` "
                          "(real Keras installs it too)") from error
    return h5py


def _names(group, attribute):
    """A string-list attribute, joined from its numbered chunks ('layer_names0', ...) when Keras split it."""
    if attribute in group.attrs:
        raw = list(group.attrs[attribute])
    else:
        raw, k = [], 0
        while f"{attribute}{k}" in group.attrs:
            raw.extend(group.attrs[f"{attribute}{k}"])
            k += 1
    return [n.decode("utf8") if hasattr(n, "decode") else str(n) for n in raw]


def is_legacy_h5(path):
    """Whether `path` is an HDF5 file in the legacy layout (root 'layer_names', or a 'model_weights' group); False
    for a file HDF5 cannot read (the Keras 3 reader then names the damage)."""
    h5py = _h5py(path)
    try:
        with h5py.File(path, "r") as handle:
            return bool(_names(handle, "layer_names")) or "model_weights" in handle
    except OSError:
        return False


def read_layers(path):
    """[(layer name, [arrays])] for the file's layers that hold weights, in the file's layer order."""
    import numpy as np
    h5py = _h5py(path)
    with h5py.File(path, "r") as handle:
        root = handle
        if not _names(handle, "layer_names") and "model_weights" in handle:
            root = handle["model_weights"]
        layers = []
        for name in _names(root, "layer_names"):
            group = root[name]
            weight_names = _names(group, "weight_names")
            if weight_names:
                layers.append((name, [np.asarray(group[w]) for w in weight_names]))
        return layers


def read_top_level(path):
    """The arrays of the file's 'top_level_model_weights' group (a model's own weights, made by its add_weight), in
    the order its 'weight_names' lists them; None when the file has no such group."""
    import numpy as np
    h5py = _h5py(path)
    with h5py.File(path, "r") as handle:
        root = handle
        if not _names(handle, "layer_names") and "model_weights" in handle:
            root = handle["model_weights"]
        if "top_level_model_weights" not in root:
            return None
        group = root["top_level_model_weights"]
        return [np.asarray(group[w]) for w in _names(group, "weight_names")]


def own_weights(model):
    """The weights `model` holds itself, not through one of its layers: trainable first, as Keras stores them."""
    in_layers = {id(w) for layer in model.layers for w in layer.weights}
    return [w for w in list(model.trainable_weights) + list(model.non_trainable_weights) if id(w) not in in_layers]


def assign_top_level(model, values, path, skip_mismatch=False, by_name=False):
    """Set `model`'s own weights from a file's top-level `values` (None: the file has none, nothing changes), by
    position; a count or shape that differs raises Keras's ValueError, or, with skip_mismatch, is skipped with a
    warning (a count only when matching by name, as Keras)."""
    import warnings
    if values is None:
        return
    weights = own_weights(model)
    if len(values) != len(weights):
        counts = (f"Model expects {len(weights)} top-level weight(s). Received {len(values)} saved top-level "
                  f"weight(s) (file {path})")
        if by_name and skip_mismatch:
            warnings.warn("Skipping loading top-level weights for model due to mismatch in number of weights. "
                          + counts, stacklevel=3)
            return
        raise ValueError("Weight count mismatch for top-level weights when loading weights from file. " + counts
                         + "; the file is for a model with other weights of its own")
    for weight, value in zip(weights, values):
        if tuple(weight.shape) != tuple(value.shape):
            _mismatch(f"Shape mismatch in top-level model for weight {weight.path}. Weight expects shape "
                      f"{tuple(weight.shape)}. Received saved weight with shape {tuple(value.shape)}",
                      skip_mismatch, "weights", "Skipping loading weights")
            continue
        weight.assign(value)


def _mismatch(message, skip_mismatch, what, skipping):
    """Keras's answer to a weight that does not fit: ValueError(message), or with skip_mismatch a warning that it is
    skipped (`skipping: message`), pointing at the load_weights call."""
    import warnings
    if not skip_mismatch:
        raise ValueError(f"{message}; pass skip_mismatch=True to leave such {what} as they are")
    warnings.warn(f"{skipping}: {message}", stacklevel=4)


def load_legacy_h5(model, path, skip_mismatch=False):
    """Set the weights of `model`'s layers from a legacy HDF5 file, the k-th layer with weights from the file's
    k-th layer with weights (each layer's trainable weights first, then the others, as Keras stores them)."""
    stored = read_layers(path)
    owners = [layer for layer in model.layers if layer.trainable_weights + layer.non_trainable_weights]
    if len(stored) != len(owners):
        raise ValueError(f"Layer count mismatch when loading weights from file {path}. Model {model.name} expected "
                         f"{len(owners)} layers, found {len(stored)} saved layers; the file is for another "
                         "architecture (check include_top, alpha and the other arguments)")
    for k, (layer, (name, values)) in enumerate(zip(owners, stored)):
        weights = layer.trainable_weights + layer.non_trainable_weights
        if len(values) != len(weights):
            raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name} in the current model, {name} "
                             f"in the save file). Layer expects {len(weights)} weight(s). Received {len(values)} "
                             "saved weight(s)")
        for weight, value in zip(weights, values):
            if tuple(weight.shape) != tuple(value.shape):
                if skip_mismatch:
                    continue
                raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name}) for weight {weight.path}: the "
                                 f"model has {tuple(weight.shape)}, the file {name} holds {tuple(value.shape)}")
            weight.assign(value)
    assign_top_level(model, read_top_level(path), path, skip_mismatch)


def load_legacy_h5_by_name(model, path, skip_mismatch=False):
    """Set the weights of each of `model`'s layers that shares its name with a layer of a legacy HDF5 file (the
    others keep theirs), as Keras's load_weights(by_name=True): a layer whose weight count differs, and a weight
    whose shape differs, raise a ValueError, or are skipped with a warning when skip_mismatch is set."""
    index = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    for k, (name, values) in enumerate(read_layers(path)):
        for layer in index.get(name, []):
            weights = layer.trainable_weights + layer.non_trainable_weights
            if len(values) != len(weights):
                _mismatch(f"Weight count mismatch for layer #{k} (named {layer.name}). Layer expects {len(weights)} "
                          f"weight(s). Received {len(values)} saved weight(s)",
                          skip_mismatch, "layers", "Skipping loading of weights")
                continue
            for weight, value in zip(weights, values):
                if tuple(weight.shape) != tuple(value.shape):
                    _mismatch(f"Shape mismatch in layer #{k} (named {layer.name}) for weight {weight.path}. Weight "
                              f"expects shape {tuple(weight.shape)}. Received saved weight with shape "
                              f"{tuple(value.shape)}", skip_mismatch, "weights", "Skipping loading weights")
                    continue
                weight.assign(value)
    assign_top_level(model, read_top_level(path), path, skip_mismatch, by_name=True)
