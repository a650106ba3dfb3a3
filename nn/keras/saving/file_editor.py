"""keras.saving.KerasFileEditor: inspect, compare with a model, edit and resave the weights of a Keras 3 file
(a `.keras` archive's 'model.weights.h5', or a '.weights.h5' file), as Keras's editor does.

The weights are read into nested dicts in Keras's layout: the path of each saved object ('layers' -> 'dense'),
its variables under '0', '1', ... as NumPy arrays. Only plain numeric datasets are read (no links, no external
or virtual data), as keras_h5_weights reads them. h5py is needed and imported only here, when an editor is made.
Unlike Keras 3.15's editor, an object whose variables sit in a sub-object (an LSTM's 'cell') is kept: Keras's
drops it, so its save() loses those weights.
"""
import collections
import json
import math
import os
import zipfile

import numpy as np

from .keras_h5_weights import _NUMERIC_KINDS, _h5py

_MAX_BYTES = 1 << 32   # one dataset larger than this is refused (as Keras's editor: a damaged or hostile file)


class KerasFileEditor:
    """The weights of the Keras file `filepath` ('.keras' or '.weights.h5'), to inspect and edit: summary(),
    compare(model), rename_object, delete_object, add_object, delete_weight, add_weights, then save(path)."""

    def __init__(self, filepath):
        filepath = os.fspath(filepath)
        self.filepath, self.metadata, self.config, self.model = filepath, None, None, None
        h5py = _h5py("KerasFileEditor")
        if filepath.endswith(".keras"):
            with zipfile.ZipFile(filepath, "r") as archive:
                names = archive.namelist()
                if "model.weights.h5" not in names:
                    raise ValueError(f"KerasFileEditor({filepath!r}): the archive has no 'model.weights.h5' (it was "
                                     "written by nn.keras without h5py, as safetensors); install h5py and save the "
                                     "model again")
                raw = archive.read("model.weights.h5")
                self.config = json.loads(archive.read("config.json"))
                self.metadata = json.loads(archive.read("metadata.json")) if "metadata.json" in names else None
            source = _bytes_file(raw)
        elif filepath.endswith(".weights.h5"):
            from ..weights_file import is_hdf5
            if not is_hdf5(filepath):
                raise ValueError(f"KerasFileEditor({filepath!r}): not an HDF5 file (nn.keras's save_weights writes "
                                 "safetensors); the editor reads Keras 3's HDF5 weight files")
            source = filepath
        else:
            raise ValueError(f"Invalid filename: expected a `.keras` `.weights.h5` extension. Received: "
                             f"filepath={filepath}")
        with h5py.File(source, "r") as handle:
            self.weights_dict, self.object_metadata = _extract(handle, h5py, filepath)
        print(f"Keras model file '{filepath}'")
        if self.metadata is not None:
            print(f"Saved with Keras {self.metadata.get('keras_version')} - date: {self.metadata.get('date_saved')}")

    def summary(self):
        """Print the weight structure of the file."""
        print("Weights structure")
        _print_tree(self.weights_dict, prefix="  ")

    def compare(self, reference_model):
        """Print every difference between the file and `reference_model` (objects or weights missing on either
        side, shape mismatches) and return {'status': 'success' or 'error', 'error_count', 'match_count'}."""
        print("Running comparison")
        spec = weight_spec(reference_model)
        checked = set()
        errors, matches = _compare(self.weights_dict, spec, "", "saved file", "reference model", checked)
        back, _ = _compare(spec, self.weights_dict, "", "reference model", "saved file", checked)
        errors += back
        print("─────────────────────")
        if errors == 0:
            print("Comparison successful: saved file is compatible with the reference model")
            print(f"    Found {matches} matching weight{'' if matches == 1 else 's'}")
        else:
            print(f"Found {errors} error{'' if errors == 1 else 's'}: saved file is not compatible with the "
                  "reference model")
        return {"status": "success" if errors == 0 else "error", "error_count": errors, "match_count": matches}

    def rename_object(self, object_name, new_name):
        """Rename an object (a name found once in the file, or a path such as 'layers/dense_2')."""
        def rename(d, source, target):
            d[target] = d.pop(source)
        self._edit(rename, object_name, new_name)

    def delete_object(self, object_name):
        """Remove an object (a name or a path) and its weights."""
        self._edit(lambda d, source, target: d.pop(source), object_name)

    def add_object(self, object_path, weights):
        """Add an object at `object_path` (its parent must exist) holding `weights`, a dict such as
        {'0': kernel, '1': bias}."""
        _check_weights(weights)
        parts = object_path.split("/")
        d = self.weights_dict
        for part in parts[:-1]:
            if part not in d:
                raise ValueError(f"Path '{'/'.join(parts[:-1])}' not found in model.")
            d = d[part]
        d[parts[-1]] = weights

    def delete_weight(self, object_name, weight_name):
        """Remove one weight (e.g. '0') of an object."""
        def delete(d, source, target):
            if weight_name not in d[source]:
                raise ValueError(f"Weight {weight_name} not found in object {object_name}. Weights found: "
                                 f"{list(d[source].keys())}")
            d[source].pop(weight_name)
        self._edit(delete, object_name)

    def add_weights(self, object_name, weights):
        """Add weights (a dict such as {'2': value}) to an existing object."""
        _check_weights(weights)
        self._edit(lambda d, source, target: d[source].update(weights), object_name)

    def save(self, filepath):
        """Write the edited weights to a Keras 3 '.weights.h5' file."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"Invalid `filepath` argument: expected a `.weights.h5` extension. Received: "
                             f"filepath={filepath}")
        h5py = _h5py("KerasFileEditor.save")
        with h5py.File(filepath, "w") as handle:
            _write(handle, self.weights_dict, "")

    def resave_weights(self, filepath):
        """save(filepath), Keras's other name for it."""
        self.save(filepath)

    def _edit(self, edit, source, target=None):
        """Apply edit(parent dict, key, target) at `source`: a path, or a name found exactly once."""
        if target is not None and "/" in target:
            raise ValueError(f"Argument `target_name` should be a leaf name, not a full path name. Received: "
                             f"target_name='{target}'")
        if "/" in source:
            parts, d = source.split("/"), self.weights_dict
            for part in parts[:-1]:
                if part not in d:
                    raise ValueError(f"Path '{source}' not found in model.")
                d = d[part]
            if parts[-1] not in d:
                raise ValueError(f"Path '{source}' not found in model.")
            edit(d, parts[-1], target)
            return
        holders = _holders(self.weights_dict, source)
        if len(holders) > 1:
            raise ValueError(f"Name '{source}' occurs more than once in the model; try passing a complete path")
        if not holders:
            raise ValueError(f"Source name '{source}' does not appear in the model. Use `editor.summary()` to list "
                             "all objects.")
        edit(holders[0], source, target)


def _bytes_file(raw):
    import io
    return io.BytesIO(raw)


def _check_weights(weights):
    if not isinstance(weights, dict):
        raise ValueError("Argument `weights` should be a dict where keys are weight names (usually '0', '1', etc.) "
                         f"and values are NumPy arrays. Received: type(weights)={type(weights)}")


def _holders(d, name):
    """The dicts (at any depth) that hold the key `name`."""
    found = [d] if name in d else []
    for value in d.values():
        if isinstance(value, dict):
            found += _holders(value, name)
    return found


def _extract(group, h5py, filename, path=""):
    """(nested dict of the group's objects and weights, {'/path': the object's attributes})."""
    result, metadata = collections.OrderedDict(), {}
    attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in group.attrs.items()}
    if attrs:
        metadata[path] = attrs
    for key in group.keys():
        here = f"{path}/{key}"
        if group.get(key, getlink=True).__class__ is not h5py.HardLink:
            raise ValueError(f"KerasFileEditor({filename!r}): '{here}' is an HDF5 link; Keras weight files hold "
                             "only groups and numeric datasets")
        item = group[key]
        if isinstance(item, h5py.Group):
            content, inner = _extract_object(item, h5py, filename, here)
            metadata.update(inner)
            if content:
                result[key] = content
        elif isinstance(item, h5py.Dataset):
            result[key] = _dataset(item, filename, here)
    return result, metadata


def _extract_object(group, h5py, filename, path):
    """A saved object's dict: its 'vars' datasets, then the objects below it."""
    content, metadata = collections.OrderedDict(), {}
    if "vars" in group.keys():
        own, metadata = _extract(group["vars"], h5py, filename, path)
        content.update(own)
        children = [k for k in group.keys() if k != "vars"]
        for key in children:   # Keras 3.15's editor drops these (an LSTM's 'cell'); kept here
            sub, inner = _extract_object(group[key], h5py, filename, f"{path}/{key}")
            metadata.update(inner)
            if sub:
                content[key] = sub
        return content, metadata
    return _extract(group, h5py, filename, path)


def _dataset(dataset, filename, path):
    if dataset.external or dataset.is_virtual:
        raise ValueError(f"KerasFileEditor({filename!r}): '{path}' keeps its data outside the file; only data "
                         "stored in the file itself is read")
    if dataset.dtype.kind not in _NUMERIC_KINDS or dataset.dtype.fields is not None:
        raise ValueError(f"KerasFileEditor({filename!r}): '{path}' holds {dataset.dtype} values; only numeric "
                         "weights are read")
    if math.prod(dataset.shape) * dataset.dtype.itemsize > _MAX_BYTES:
        raise ValueError(f"KerasFileEditor({filename!r}): the dataset '{path}' is larger than 4 GiB; refused")
    return np.array(dataset[()])


def _print_tree(d, prefix, path=""):
    items = list(d.items())
    for k, (key, value) in enumerate(items):
        connector = "> " if not path and k == 0 else "└─ " if k == len(items) - 1 else "├─ "
        if isinstance(value, dict):
            print(f"{prefix}{connector}{key}")   # no object names: Keras 3.15's summary shows none either
            _print_tree(value, prefix + ("    " if k == len(items) - 1 else "│   "), f"{path}/{key}")
        elif hasattr(value, "shape"):
            print(f"{prefix}{connector}{key}: shape={tuple(value.shape)}, dtype={value.dtype}")
        else:
            print(f"{prefix}{connector}{key}: {value}")


def _compare(target, reference, path, target_name, reference_name, checked):
    """(errors, matches) for `reference`'s entries missing from or differing in `target`."""
    errors = matches = 0
    for key, value in reference.items():
        here = f"{path}/{key}"
        if here in checked:
            continue
        if key not in target:
            errors += 1
            checked.add(here)
            if isinstance(value, dict):
                print(f"...Object {here} present in {reference_name}, missing from {target_name}")
                print(f"    In {reference_name}, {here} contains the following keys: {list(value.keys())}")
            else:
                print(f"...Weight {here} present in {reference_name}, missing from {target_name}")
        elif isinstance(value, dict):
            more_errors, more_matches = _compare(target[key], value, here, target_name, reference_name, checked)
            errors, matches = errors + more_errors, matches + more_matches
        elif tuple(target[key].shape) != tuple(value.shape):
            errors += 1
            checked.add(here)
            print(f"...Weight shape mismatch for {here}\n    In {reference_name}: shape={tuple(value.shape)}\n"
                  f"    In {target_name}: shape={tuple(target[key].shape)}")
        else:
            matches += 1
    return errors, matches


def weight_spec(model):
    """The nested dict a Keras file of `model` holds, each weight as an array of its shape and dtype (zeros
    stand in for the values: only shapes are compared)."""
    from .keras_h5_write import model_node
    node = model_node(model)

    def spec(n):
        out = collections.OrderedDict((str(k), np.zeros(v.shape, v.dtype)) for k, v in enumerate(n.values))
        for key, child in n.children.items():
            sub = spec(child)
            if sub:
                out[key] = sub
        return out
    return spec(node)


def _write(handle, d, path):
    arrays = {k: v for k, v in d.items() if not isinstance(v, dict)}
    for key, value in d.items():
        if isinstance(value, dict) and value:
            _write(handle, value, f"{path}/{key}" if path else key)
    if arrays:
        group = handle.require_group(path) if path else handle
        vars_group = group.create_group("vars")
        for key, value in arrays.items():
            vars_group[key] = np.asarray(value)
