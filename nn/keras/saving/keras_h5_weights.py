"""Reading the HDF5 weight files real Keras 3 writes: `model.save_weights('x.weights.h5')` and the
`model.weights.h5` member of a `.keras` zip.

Keras stores each object it saves (model, layer, sub-layer, optimizer) as an HDF5 group at the path of the
attributes that lead to it ('layers/dense', 'layers/lstm/cell', 'layers/mha/_query_dense', 'optimizer'), and
that object's own variables as datasets '<path>/vars/0', '<path>/vars/1', ... in its own order. The reader
turns a file into a tree of `WeightGroup`s holding only NumPy arrays. h5py is optional and imported only
here, when such a file is read. Only plain numeric datasets are accepted: no strings, objects, references or
compound types, and no links or datasets stored in other files, so reading a file can never produce
anything but numbers, nor read anything but that file.
"""
import numpy as np

_NUMERIC_KINDS = "biuf"   # bool, signed and unsigned integers, floats


def _h5py(who):
    try:
        import h5py
    except ImportError as error:
        raise ImportError(f"{who}: reading the HDF5 weights that real Keras writes ('.weights.h5' files and the "
                          "'model.weights.h5' inside a Keras-written '.keras' file) needs h5py; install it with "
                          "`pip install h5py`") from error
    return h5py


class UnreadableFileError(ValueError, OSError):
    """A weights or model file that is not HDF5 (nor, for load_weights, deepgrad's safetensors): a ValueError, as
    nn.keras raised before, and the OSError Keras (h5py) raises ("file signature not found")."""


class WeightGroup:
    """One saved object of a Keras weights file: `vars` (its own variables, in order), `children` (name ->
    WeightGroup, the objects saved below it) and `path` (where it sits in the file, for error messages)."""

    def __init__(self, path, variables, children):
        self.path, self.vars, self.children = path, variables, children

    def flat_vars(self):
        """Its variables, then its children's, in the order Keras walks them (public names before private
        ones, each alphabetically)."""
        out = list(self.vars)
        for name in walk_order(self.children):
            out += self.children[name].flat_vars()
        return out

    def is_empty(self):
        """Whether neither it nor anything below it holds a variable."""
        return not self.vars and all(child.is_empty() for child in self.children.values())

    def __repr__(self):
        return f"WeightGroup({self.path!r}, {len(self.vars)} vars, children={sorted(self.children)})"


def walk_order(names):
    """`names` in the order Keras's saving visits attributes: public names first, then '_'-prefixed ones."""
    return sorted(names, key=lambda n: "~" + n if n.startswith("_") else n)


def read_weights_h5(source, who="load_weights", name=None):
    """The WeightGroup tree of a Keras 3 HDF5 weights file (`source`: a path or a binary file object; `name`,
    what error messages call it)."""
    h5py = _h5py(who)
    name = name or (source if isinstance(source, str) else getattr(source, "name", "<file object>"))
    try:
        handle = h5py.File(source, "r")
    except OSError as error:
        raise UnreadableFileError(f"{who}({name!r}): not a readable HDF5 file ({error})") from error
    with handle:
        return _read_group(handle, "", name, who, h5py)


def _read_group(group, path, filename, who, h5py):
    variables, children = [], {}
    for key in group.keys():
        item = _member(group, key, f"{path}{key}", filename, who, h5py)
        if key == "vars" and isinstance(item, h5py.Group):
            variables = _read_vars(item, f"{path}vars", filename, who, h5py)
        elif isinstance(item, h5py.Group):
            children[key] = _read_group(item, f"{path}{key}/", filename, who, h5py)
        else:
            raise ValueError(f"{who}({filename!r}): unexpected dataset '{path}{key}' outside a 'vars' group; this "
                             "is not a Keras 3 weights file")
    return WeightGroup(path.rstrip("/") or "/", variables, children)


def _member(group, key, path, filename, who, h5py):
    """group[key], refusing soft and external links (which could lead to other files)."""
    if not isinstance(group.get(key, getlink=True), h5py.HardLink):
        raise ValueError(f"{who}({filename!r}): '{path}' is an HDF5 link, not data; Keras weight files hold only "
                         "groups and numeric datasets")
    return group[key]


def _read_vars(group, path, filename, who, h5py):
    keys = list(group.keys())
    if sorted(keys, key=lambda k: int(k) if k.isdigit() else -1) != [str(k) for k in range(len(keys))]:
        raise ValueError(f"{who}({filename!r}): the variables under '{path}' are named {sorted(keys)}, not "
                         "0, 1, 2, ...; this is not a Keras 3 weights file")
    return [read_dataset(group, str(k), path, filename, who, h5py) for k in range(len(keys))]


def read_dataset(group, k, path, filename, who, h5py):
    """The array of the dataset `k` of a 'vars' group (at `path`), refusing anything but plain numbers stored in
    the file itself."""
    dataset = _member(group, str(k), f"{path}/{k}", filename, who, h5py)
    if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in _NUMERIC_KINDS \
            or dataset.dtype.fields is not None:
        kind = type(dataset).__name__ if not isinstance(dataset, h5py.Dataset) else f"dtype {dataset.dtype}"
        raise ValueError(f"{who}({filename!r}): '{path}/{k}' is a {kind}; nn.keras reads only plain numeric "
                         "weight datasets")
    if dataset.is_virtual or dataset.external:   # would read other files on this machine
        raise ValueError(f"{who}({filename!r}): '{path}/{k}' keeps its data outside the file (a virtual or "
                         "external HDF5 dataset); nn.keras reads only data stored in the file itself")
    return np.array(dataset[()])
