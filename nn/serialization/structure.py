"""Nested checkpoints as safetensors: the tensors as entries, everything else as JSON in `__metadata__`.

An optimiser's state_dict ({'state': {0: {'step': 3, 'exp_avg': Tensor}}, 'param_groups': [...]}) or a
training checkpoint ({'model': ..., 'optimizer': ..., 'epoch': 7}) is stored as one safetensors entry per
tensor, named by its place ('state.0.exp_avg'), plus the key STRUCTURE_KEY in `__metadata__` holding
{"version": 1, "root": node}, where a node is
  - JSON null, true/false, a number or a string for None, bools, ints, finite floats and strings;
  - a JSON array for a list;
  - {"tuple": [nodes]}, {"dict": [[key node, value node], ...]} (keys keep their types and order),
    {"tensor": entry name}, {"float": "nan" | "inf" | "-inf"}, {"sparse_coo": [indices entry name, values
    entry name, [sizes], coalesced]} for a sparse COO tensor, or {"view": [entry name, offset, [sizes],
    [strides]]} for a tensor whose memory lies inside a tensor saved before it (a row of it, the same tensor
    again): it loads as a view of that entry (offset and strides in elements), so the two share memory again,
    as PyTorch's storages do.
A plain state_dict (str -> tensor) needs no structure and is written as a plain safetensors file; an OrderedDict
one (what Module.state_dict() returns) also records its key order under ORDER_KEY, since safetensors files list
tensors by dtype and name, and load_state_dict, printing and iteration follow the state_dict's own order.
"""
import json
import math
import pickle   # for its PicklingError type only: nothing here pickles
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from .safetensors_file import METADATA_KEY, error, is_array, parse_json

STRUCTURE_KEY = "deepgrad.structure"
ORDER_KEY = "deepgrad.order"
VERSION = 1
MAX_DEPTH = 100
_SCALARS = (type(None), bool, int, float, str)
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class UnstorableValueError(TypeError, pickle.PicklingError):
    """A value a checkpoint cannot hold (a function, an object): a TypeError, and the PicklingError torch.save
    raises for what it cannot pickle."""


def is_flat(obj):
    """True for a plain state_dict: a mapping of strings (other than '__metadata__') to arrays/tensors."""
    return isinstance(obj, Mapping) and all(
        isinstance(k, str) and k != METADATA_KEY and is_array(v) and not _is_sparse(v) for k, v in obj.items())


def _is_sparse(value):
    return getattr(value, "is_sparse", False) is True


def flatten(obj, who):
    """Split `obj` into ({entry name: array-like}, structure JSON text)."""
    encoder = _Encoder(who)
    root = encoder.node(obj, (), 0)
    text = _dumps({"version": VERSION, "root": root})
    return encoder.tensors, text


def unflatten(text, tensors, label):
    """Rebuild the object described by the structure JSON `text` from `tensors` ({entry name: tensor})."""
    document = parse_json(text, label, f"the {STRUCTURE_KEY} metadata")
    if not isinstance(document, dict) or set(document) != {"version", "root"}:
        raise error(label, f"the {STRUCTURE_KEY} metadata must be an object with 'version' and 'root'")
    if document["version"] != VERSION:
        raise error(label, f"its {STRUCTURE_KEY} metadata has version {document['version']!r}; this deepgrad "
                           f"reads version {VERSION} (the file was written by a newer deepgrad?)")
    decoder = _Decoder(tensors, label)
    obj = decoder.node(document["root"], 0)
    unused = sorted(set(tensors) - decoder.used)
    if unused:
        raise error(label, f"tensors {unused} are in the file but not in its {STRUCTURE_KEY} metadata")
    return obj


def order_text(state):
    """The key order of the flat OrderedDict `state` as the JSON text stored under ORDER_KEY."""
    return _dumps(list(state))


def reordered(text, tensors, label):
    """`tensors` ({name: tensor} in file order) as an OrderedDict in the order the ORDER_KEY `text` lists."""
    order = parse_json(text, label, f"the {ORDER_KEY} metadata")
    if not isinstance(order, list) or sorted(order, key=str) != sorted(tensors):
        raise error(label, f"its {ORDER_KEY} metadata must list each of the file's {len(tensors)} tensor names once")
    return OrderedDict((name, tensors[name]) for name in order)


def _dumps(document):
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _where(path):
    return "obj" + "".join(f"[{k!r}]" for k in path) if path else "the object itself"


class _Encoder:
    """Walks an object, collecting its tensors under unique entry names and returning its JSON node."""

    def __init__(self, who):
        self.who, self.tensors, self.memory = who, {}, []

    def node(self, value, path, depth):
        if depth > MAX_DEPTH:
            raise ValueError(f"{self.who}: {_where(path[:3])}... is nested more than {MAX_DEPTH} levels deep "
                             f"(or contains itself)")
        if _is_sparse(value):   # its indices and values as two entries
            indices, values = value._indices(), value._values().detach()
            return {"sparse_coo": [self._name(path + ("indices",), indices), self._name(path + ("values",), values),
                                   list(value.shape), value.is_coalesced()]}
        if is_array(value):
            inside = self.inside_earlier(value)
            return {"view": inside} if inside else {"tensor": self._name(path, value)}
        if isinstance(value, _SCALARS):
            return self.scalar(value)
        if isinstance(value, list):
            return [self.node(v, path + (i,), depth + 1) for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"tuple": [self.node(v, path + (i,), depth + 1) for i, v in enumerate(value)]}
        if isinstance(value, Mapping):
            return {"dict": [[self.key(k, path), self.node(v, path + (k,), depth + 1)] for k, v in value.items()]}
        raise UnstorableValueError(f"{self.who}: cannot store {_where(path)}, a {type(value).__name__}"
                                   f"{_hint(value)}; checkpoints hold tensors, NumPy arrays, numbers, strings, None, "
                                   f"and lists, tuples and dicts of them (nothing is pickled)")

    def scalar(self, value):
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else {"float": repr(float(value))}
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)  # an IntEnum is stored as its number
        return value

    def key(self, key, path):
        if isinstance(key, _SCALARS):
            return self.scalar(key)
        if isinstance(key, tuple):
            return {"tuple": [self.key(k, path) for k in key]}
        raise TypeError(f"{self.who}: {_where(path)} has the dict key {key!r} ({type(key).__name__}); keys must "
                        f"be strings, numbers, bools, None or tuples of them")

    def _name(self, path, value):
        base = ".".join(str(k) for k in path) or "tensor"
        name, n = base, 1
        while name in self.tensors or name == METADATA_KEY:
            n += 1
            name = f"{base}#{n}"
        self.tensors[name] = value
        host = _host_array(value)
        if host is not None and host.flags.c_contiguous:
            self.memory.append((name, host))
        return name

    def inside_earlier(self, value):
        """[entry name, offset, sizes, strides] when `value`'s memory lies inside an entry saved before it (of
        its dtype); None otherwise."""
        arr = _host_array(value)
        if arr is None or arr.size == 0:
            return None
        for name, base in self.memory:
            if base.dtype != arr.dtype or not np.may_share_memory(arr, base):
                continue
            start = arr.__array_interface__["data"][0] - base.__array_interface__["data"][0]
            item = arr.itemsize
            if start % item or any(s % item or s < 0 for s in arr.strides):
                continue
            offset, strides = start // item, [s // item for s in arr.strides]
            last = offset + sum(s * (n - 1) for s, n in zip(strides, arr.shape))
            if offset >= 0 and last < base.size:
                return [name, offset, list(arr.shape), strides]
        return None


def _host_array(value):
    """The NumPy array holding `value`'s memory (a NumPy array, or a tensor of ours in host memory), else None."""
    if isinstance(value, np.ndarray):
        return value
    data = getattr(value, "_data", None)
    return data if isinstance(data, np.ndarray) else None


def _hint(value):
    if callable(getattr(value, "state_dict", None)):
        return " (to save a model or an optimiser, save its state_dict() and rebuild the object in code)"
    return ""


class _Decoder:
    """Turns a JSON node back into the object, taking tensors from `tensors`; validates as it goes."""

    def __init__(self, tensors, label):
        self.tensors, self.label, self.used = tensors, label, set()

    def fail(self, problem):
        return error(self.label, f"its {STRUCTURE_KEY} metadata is malformed: {problem}")

    def node(self, node, depth):
        if depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, list):
            return [self.node(v, depth + 1) for v in node]
        if not isinstance(node, dict):
            return node  # JSON scalars are already Python's (NaN and Infinity were refused when parsing)
        tag, value = self.tagged(node)
        if tag == "tensor":
            if not isinstance(value, str) or value not in self.tensors:
                raise self.fail(f"it refers to tensor {value!r}, which the file does not hold")
            self.used.add(value)
            return self.tensors[value]
        if tag == "dict":
            if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
                raise self.fail("a 'dict' node must hold a list of [key, value] pairs")
            return {self.key(k, depth + 1): self.node(v, depth + 1) for k, v in value}
        return self.other(tag, value, depth)

    def tagged(self, node):
        if len(node) != 1 or next(iter(node)) not in ("tensor", "dict", "tuple", "float", "sparse_coo", "view"):
            raise self.fail(f"unknown node with keys {sorted(node)} (expected one of tensor, dict, tuple, float, "
                            "sparse_coo, view)")
        return next(iter(node.items()))

    def other(self, tag, value, depth):
        if tag == "sparse_coo":
            return self.sparse(value)
        if tag == "view":
            return self.view(value)
        if tag == "tuple":
            if not isinstance(value, list):
                raise self.fail("a 'tuple' node must hold a list")
            return tuple(self.node(v, depth + 1) for v in value)
        if value not in _NON_FINITE:
            raise self.fail(f"a 'float' node must be 'nan', 'inf' or '-inf', not {value!r}")
        return _NON_FINITE[value]

    def view(self, value):
        if not (isinstance(value, list) and len(value) == 4 and isinstance(value[0], str)
                and isinstance(value[1], int) and all(isinstance(v, list) and all(isinstance(n, int) and n >= 0
                                                                                  for n in v) for v in value[2:])
                and len(value[2]) == len(value[3]) and value[1] >= 0):
            raise self.fail("a 'view' node must hold [entry name, offset, [sizes], [strides]]")
        name, offset, sizes, strides = value
        if name not in self.tensors:
            raise self.fail(f"it refers to tensor {name!r}, which the file does not hold")
        base = self.tensors[name]
        if offset + sum(s * (n - 1) for s, n in zip(strides, sizes)) >= base.numel():
            raise self.fail(f"a view of {name!r} reaches past its {base.numel()} elements")
        self.used.add(name)
        return base.as_strided(sizes, strides, offset)

    def sparse(self, value):
        if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value[:2])
                and isinstance(value[2], list) and all(isinstance(n, int) for n in value[2])
                and isinstance(value[3], bool)):
            raise self.fail("a 'sparse_coo' node must hold [indices name, values name, [sizes], coalesced]")
        for name in value[:2]:
            if name not in self.tensors:
                raise self.fail(f"it refers to tensor {name!r}, which the file does not hold")
            self.used.add(name)
        import autograd
        try:
            return autograd.sparse_coo_tensor(self.tensors[value[0]], self.tensors[value[1]], tuple(value[2]),
                                              is_coalesced=value[3])
        except (ValueError, TypeError, IndexError) as exc:
            raise self.fail(f"its sparse tensor does not fit together: {exc}") from None

    def key(self, node, depth):
        if depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep")
        if not isinstance(node, (dict, list)):
            return node
        if isinstance(node, dict):
            tag, value = self.tagged(node)
            if tag == "float":
                return self.other(tag, value, depth)
            if tag == "tuple" and isinstance(value, list):
                return tuple(self.key(k, depth + 1) for k in value)
        raise self.fail(f"dict keys must be scalars or tuples, got {node!r}")
