"""Keras's sharded weights: `model.save_weights('m.weights.json', max_shard_size=GB)` writes the weights in
Keras's HDF5 layout split over 'm_00000.weights.h5', 'm_00001.weights.h5', ... (each at most max_shard_size GB of
values) and a JSON index, 'm.weights.json', mapping each object's 'vars' group to the shard(s) holding it; and
`load_weights('m.weights.json')` reads them back. The split follows Keras's ShardedH5IOStore, so the files are the
ones Keras writes and either library reads the other's. Reading takes only shard names that are plain file
names beside the index, so an index can never make load_weights open another file."""
import io
import json
import os
import warnings

import numpy as np

from ...serialization.atomic_file import write_atomically
from .write_checks import check_writable
from .keras_h5_weights import WeightGroup, _h5py, _member, read_dataset, walk_order


def _sharded_name(filepath, who):
    """The index file's name for `filepath`: Keras takes names ending in 'weights.h5' or 'weights.json' and
    turns the first into the second with a warning."""
    path = os.fspath(filepath)
    if not path.endswith(("weights.h5", "weights.json")):
        raise ValueError(f"The filename must end in `.weights.json` when `max_shard_size` is specified. Received: "
                         f"filepath={path} ({who} writes sharded weights as 'name.weights.json' and "
                         "'name_00000.weights.h5', ...)")
    root, suffix = os.path.splitext(path)
    if suffix != ".json":
        new = root + ".json"
        warnings.warn(f"Saving sharded weights requires `*.json` as the extension. The original path: {path} will "
                      f"be renamed to {new}.", stacklevel=4)
        path = new
    return path


class _ShardPlan:
    """Where each value goes, deciding shard by shard as Keras's store does: a value joins the current shard
    unless that would take it past the cap, and then opens the next one."""

    def __init__(self, base, cap):
        self.base, self.cap = base, cap
        self.shards = []   # per shard: its file name and [(vars path, name attribute or None, key, value)]
        self.current = 0.0
        self.total = 0
        self.weight_map = {}
        self._open_shard()

    def _open_shard(self):
        self.shards.append((f"{self.base}_{len(self.shards):05}.weights.h5", []))

    def group(self, vars_path, name):
        """An object's 'vars' group, created with its name in the shard open now (even if it stays empty)."""
        self.shards[-1][1].append((vars_path, name, None, None))

    def value(self, vars_path, key, value, who):
        """One variable of the group at `vars_path`."""
        bits = 1 if value.dtype == np.bool_ else value.dtype.itemsize * 8   # Keras counts a bool as one bit
        size = value.size * bits / 8
        self.total += size
        if size > self.cap:
            raise ValueError(f"The size of {key} is {_readable(size)} which exceeds the maximum shard size "
                             f"{_readable(self.cap)}. You can increase the `max_shard_size` parameter to "
                             f"accommodate the size. ({who}: the variable '{vars_path}/{key}')")
        self.current += size
        if self.current > self.cap:
            self._open_shard()
            self.current = size
        name = self.shards[-1][0]
        self.shards[-1][1].append((vars_path, None, key, value))
        listed = self.weight_map.get(vars_path)
        if listed is None:
            self.weight_map[vars_path] = name
        else:   # as Keras's index: a group's second value turns its entry into a list, even of one shard
            listed = listed if isinstance(listed, list) else [listed]
            if name not in listed:
                listed.append(name)
            self.weight_map[vars_path] = listed


def _readable(size):
    """A byte count as Keras's messages print it ('1.50 MB')."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1 or unit == "PB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _plan(node, path, plan, who):
    """Walk the weight tree as Keras's saving walks the objects: an object's own variables, then its attributes
    in Keras's order (a list of layers in list order)."""
    if node.name is not None:
        vars_path = f"/{path}/vars" if path else "/vars"
        plan.group(vars_path, node.name)
        for k, value in enumerate(node.values):
            plan.value(vars_path, str(k), value, who)
        names = walk_order(node.children)
    else:
        names = list(node.children)
    for name in names:
        _plan(node.children[name], f"{path}/{name}" if path else name, plan, who)


def _shard_bytes(entries):
    """The HDF5 file holding one shard's groups and values."""
    h5py = _h5py("save_weights")
    raw = io.BytesIO()
    with h5py.File(raw, "w") as handle:
        for vars_path, name, key, value in entries:
            group = handle.require_group(vars_path)
            if name is not None:
                group.attrs["name"] = name
            if key is not None:
                group[key] = value
    return raw.getvalue()


def save_sharded_weights(model, filepath, max_shard_size, overwrite=True):
    """Write `model`'s weights (and a compiled model's optimizer variables) as Keras's sharded HDF5 files, each
    holding at most `max_shard_size` GB of values, and their JSON index; returns the index's path."""
    from .keras_h5_write import _model_tree
    who = "save_weights"
    if isinstance(max_shard_size, bool) or not isinstance(max_shard_size, (int, float, np.integer, np.floating)):
        raise TypeError(f"{who}: max_shard_size is a size in GB (a number, e.g. 0.5), got "
                        f"{type(max_shard_size).__name__} {max_shard_size!r}")
    path = _sharded_name(filepath, who)
    check_writable(model, path, overwrite)
    _h5py(who)
    tree = _model_tree(model)
    if tree is None:
        raise ValueError(f"{who}({path!r}, max_shard_size=...): {model.name} holds state Keras's HDF5 layout does "
                         "not carry here (own variables or a dtype HDF5 lacks), so it cannot be sharded; save it "
                         "whole with save_weights('name.weights.h5')")
    base = os.path.basename(path)[:-len(".json")].replace(".weights", "")
    plan = _ShardPlan(base, float(max_shard_size) * 1024 ** 3)
    _plan(tree, "", plan, who)
    folder = os.path.dirname(os.path.abspath(path))
    for name, entries in plan.shards:
        data = _shard_bytes(entries)
        write_atomically(os.path.join(folder, name), lambda f, data=data: f.write(data))
    index = json.dumps({"metadata": {"total_size": plan.total}, "weight_map": plan.weight_map}, indent=4)
    write_atomically(path, lambda f: f.write(index.encode()))
    return path


def read_sharded_weights(filepath, who="load_weights"):
    """The WeightGroup tree of a sharded weights index and its shard files (one tree, as a single file gives)."""
    h5py = _h5py(who)
    path = os.fspath(filepath)
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{who}({path!r}): not a sharded weights index (JSON written by save_weights with "
                         f"max_shard_size): {error}") from None
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise ValueError(f"{who}({path!r}): the index has no 'weight_map' object; it is not a sharded weights "
                         "index written by save_weights(..., max_shard_size=)")
    names = []
    for key, listed in weight_map.items():
        for name in listed if isinstance(listed, list) else [listed]:
            if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", "..") \
                    or not name.endswith(".weights.h5"):
                raise ValueError(f"{who}({path!r}): the index maps {key!r} to {name!r}, which is not a shard file "
                                 "name beside the index ('name_00000.weights.h5')")
            if name not in names:
                names.append(name)
    folder = os.path.dirname(os.path.abspath(path))
    groups = {}   # group path -> {key: array} for 'vars' groups; every group path seen, for the tree
    for name in names:
        shard = os.path.join(folder, name)
        try:
            handle = h5py.File(shard, "r")
        except OSError as error:
            raise FileNotFoundError(f"{who}({path!r}): its shard {name} cannot be read ({error}); keep the shard "
                                    "files beside the index") from None
        with handle:
            _collect(handle, "", groups, shard, who, h5py)
    return _as_tree(groups, "", path, who)


def _collect(group, path, groups, filename, who, h5py):
    groups.setdefault(path, {})
    for key in group.keys():
        item = _member(group, key, f"{path}/{key}", filename, who, h5py)
        if not isinstance(item, h5py.Group):
            raise ValueError(f"{who}({filename!r}): unexpected dataset '{path}/{key}' outside a 'vars' group; this "
                             "is not a Keras 3 weights file")
        if key == "vars":
            values = groups.setdefault(f"{path}/vars", {})
            for k in item.keys():
                values[k] = read_dataset(item, k, f"{path}/vars", filename, who, h5py)
        else:
            _collect(item, f"{path}/{key}", groups, filename, who, h5py)


def _as_tree(groups, path, filepath, who):
    values = groups.get(f"{path}/vars", {})
    if sorted(values, key=lambda k: int(k) if k.isdigit() else -1) != [str(k) for k in range(len(values))]:
        raise ValueError(f"{who}({filepath!r}): the variables under '{path}/vars' are named {sorted(values)} "
                         "across the shards, not 0, 1, 2, ...; a shard is missing or this is not a Keras 3 index")
    prefix = f"{path}/"
    children = sorted({p[len(prefix):].split("/")[0] for p in groups if p.startswith(prefix)} - {"vars"})
    return WeightGroup(path.lstrip("/") or "/", [values[str(k)] for k in range(len(values))],
                       {name: _as_tree(groups, f"{path}/{name}", filepath, who) for name in children})
