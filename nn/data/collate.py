"""Collation: PyTorch's default_collate and default_convert over NumPy arrays (`collate_arrays`, `convert_arrays`:
what a DataLoader's fetcher runs, on the caller's thread or in a worker process), and the conversion of a batch's
arrays into Tensors (`to_tensors`, on the main process, also for batches built by worker processes, which send
their Tensors as `host_arrays` makes them: values, dtype, requires_grad and Parameter kind, as PyTorch's do)."""
import functools
import numbers

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ShapeError

from ..module import Parameter


class CollateKeyError(ValueError, KeyError):
    """Dict examples whose keys differ: a ValueError, as deepgrad raised before, and a KeyError as PyTorch's
    default_collate raises (looking up the first example's key in another); shown as plain text."""

    def __str__(self):
        return str(self.args[0])


class MixedBatchError(ShapeError, TypeError):
    """Tensor examples mixed with other values: a ShapeError, as deepgrad raised before, and a TypeError as
    PyTorch's default_collate raises (torch.stack of a non-tensor)."""


def default_collate(examples):
    """Stack a list of examples into one batch, field by field and recursively, as PyTorch's default_collate:
    arrays, Tensors and numbers become one Tensor with a new first axis (Python floats float64, ints int64);
    tuples and lists of fields give a list (a namedtuple stays that namedtuple, a list subclass its type),
    dicts the same kind of dict, strings a list of the strings."""
    return to_tensors(collate_arrays(examples), None)


def default_convert(example):
    """One example's arrays and NumPy scalars as Tensors, without batching, as PyTorch's default_convert (what
    DataLoader(batch_size=None) yields): a tuple becomes a list, Python numbers and strings stay as they are."""
    return to_tensors(convert_arrays(example), None)


def collate_arrays(examples):
    """default_collate of a list of examples, with the batch's values as NumPy arrays (Tensors among the examples
    stacked into arrays too): what a fetcher returns, before `to_tensors` makes the loader's Tensors of it."""
    return _collate(examples, None)


def _collate(values, field):
    first = values[0]
    if isinstance(first, (str, bytes)):
        return values    # as PyTorch: the list of examples, or the tuple of a field of tuple/list examples
    if isinstance(first, dict):
        keys = set(first)
        if any(not isinstance(v, dict) or set(v) != keys for v in values):
            other = next(sorted(map(str, set(v) ^ keys)) for v in values if isinstance(v, dict) and set(v) != keys)
            raise CollateKeyError(f"DataLoader: field {_name(field)} is a dict whose keys differ across the examples "
                                  f"of one batch (keys {sorted(map(str, keys))} and {other} differ); give every "
                                  "example the same keys, or pass a collate_fn")
        fields = {key: _collate([v[key] for v in values], _join(field, key)) for key in first}
        return _same_kind(first, fields, lambda kind: kind(fields))
    if isinstance(first, (tuple, list)):
        if any(not isinstance(v, (tuple, list)) or len(v) != len(first) for v in values):
            lengths = sorted({len(v) if isinstance(v, (tuple, list)) else -1 for v in values})
            raise ShapeError(f"DataLoader: examples have different numbers of fields in {_name(field)} "
                             f"({lengths}); each element in the batch should be of equal size: every example "
                             "needs the same fields, or pass a collate_fn")
        fields = [_collate(tuple(v[k] for v in values), _join(field, k)) for k in range(len(first))]
        if hasattr(first, "_fields"):          # a namedtuple keeps its type
            return type(first)(*fields)
        if isinstance(first, tuple) or type(first) is list:
            return fields                     # PyTorch gives a list for tuples too
        return _same_kind(first, fields, lambda kind: kind(fields))
    if isinstance(first, (Tensor, np.ndarray, numbers.Number, np.generic)):
        odd = next((v for v in values if not isinstance(v, (Tensor, np.ndarray, numbers.Number, np.generic))), None)
        if odd is not None:   # NumPy would read a string as a 0-d array and blame the shapes
            where = "the examples" if field is None else f"field {field!r} of the examples"
            raise TypeError(f"DataLoader: default_collate cannot batch {where}: they mix {type(first).__name__} and "
                            f"{type(odd).__name__} values; give every example the same kind of value, or pass a "
                            "collate_fn")
        if isinstance(first, Tensor) and not all(isinstance(v, Tensor) for v in values):
            odd = next(v for v in values if not isinstance(v, Tensor))
            where = "the examples" if field is None else f"field {field!r} of the examples"
            raise MixedBatchError(f"DataLoader: default_collate cannot stack {where}: expected a Tensor as every "
                                  f"element, got Tensor and {type(odd).__name__}; make every example a Tensor (or "
                                  "none), or pass a collate_fn")
        return _stack(values, field)
    where = "the example" if field is None else f"field {field!r}"
    forgot = " (does the dataset's __getitem__ miss a return?)" if first is None and field is None else ""
    raise TypeError(f"DataLoader: {where} holds {type(first).__name__}{forgot}, which default_collate cannot batch "
                    "(it takes arrays, Tensors, numbers, strings, and tuples, lists and dicts of them); pass a "
                    "collate_fn")


def _same_kind(first, fields, build):
    """`fields` rebuilt as first's container type where that type can be made from them, else as the plain
    dict or list (PyTorch's fallback)."""
    if type(first) in (dict, list):
        return fields
    try:
        return build(type(first))
    except TypeError:
        return fields


def _join(field, key):
    return key if field is None else f"{field}.{key}" if isinstance(field, str) else f"{field}[{key!r}]"


def _name(field):
    return "the example" if field is None else repr(field)


def convert_arrays(example):
    """One example as batch_size=None gives it, as PyTorch's default_convert: NumPy scalars become 0-d arrays
    (Tensors once moved), a tuple a list (a namedtuple stays one), dicts and lists keep their kind, and Python
    numbers and strings stay as they are."""
    if isinstance(example, dict):
        fields = {k: convert_arrays(v) for k, v in example.items()}
        return _same_kind(example, fields, lambda kind: kind(fields))
    if isinstance(example, tuple) and hasattr(example, "_fields"):
        return type(example)(*(convert_arrays(v) for v in example))
    if isinstance(example, (tuple, list)):
        items = [convert_arrays(v) for v in example]
        return items if isinstance(example, tuple) else _same_kind(example, items, lambda kind: kind(items))
    if isinstance(example, np.generic) and example.dtype.kind in "biufc":
        return np.asarray(example)
    return example


def _stack(values, field):
    arrays = [np.asarray(v) for v in values]   # a Tensor's host values, bfloat16 ones too (numpy() refuses those)
    if arrays and arrays[0].dtype.kind in "SaUO":
        where = "the examples" if field is None else f"field {field!r} of the examples"
        raise TypeError(f"default_collate: {where} are NumPy arrays of {arrays[0].dtype}, which make no tensor; batch "
                        "tensors, numeric arrays, numbers, dicts or lists, or pass a collate_fn")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        where = "the examples" if field is None else f"field {field!r} of the examples"
        raise ShapeError(f"DataLoader: default_collate cannot stack {where} into one batch: they have different "
                         f"shapes ({sorted(shapes)}); pad them to one shape or pass a collate_fn")
    return np.stack(arrays).astype(_batch_dtype(values), copy=False)


def _batch_dtype(values):
    """The dtype PyTorch's default_collate gives: torch.stack's promotion for Tensors, float64 when the first
    value is a Python float, and torch.tensor's for a list that starts with a Python int or bool (a float among
    them gives the default float dtype, not float64)."""
    first = values[0]
    if isinstance(first, Tensor):
        return functools.reduce(ag.promote_types, [v.dtype for v in values])
    if type(first) in (int, bool):
        if any(isinstance(v, (float, np.floating)) for v in values):
            return ag.get_default_dtype()
        return np.dtype(bool) if all(type(v) is bool for v in values) else np.dtype(np.int64)
    return np.result_type(*[np.asarray(v) for v in values])


def _converted_leaves(batch, leaf):
    """`batch` with `leaf(value)` in place of every value that is not a tuple, list or dict, in the same containers
    (a namedtuple or a list subclass keeps its type, a dict becomes a plain dict)."""
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):   # a namedtuple
        return type(batch)(*(_converted_leaves(b, leaf) for b in batch))
    if isinstance(batch, (tuple, list)):
        return type(batch)(_converted_leaves(b, leaf) for b in batch)
    if isinstance(batch, dict):
        return {k: _converted_leaves(v, leaf) for k, v in batch.items()}
    return leaf(batch)


def to_tensors(batch, device):
    """The batch with its numeric NumPy arrays as Tensors on `device` (None: the default device), its Tensors moved
    there and the Tensors a worker process sent (see `host_arrays`) made again; an array of strings, bytes or objects
    stays an array, as in PyTorch's default_convert."""
    def leaf(value):
        if isinstance(value, np.ndarray):
            return value if value.dtype.kind in "SaUO" else Tensor(value, device=device)
        if isinstance(value, Tensor):
            return value if value.device == device else value.to(device)
        if isinstance(value, SentTensor):
            return value.received(device)
        return value
    return _converted_leaves(batch, leaf)


class SentTensor:
    """A Tensor on its way from a worker process: its host values (dtype and shape with them), whether it requires
    grad and whether it is a Parameter, which is what PyTorch's tensors carry across processes."""

    __slots__ = ("values", "requires_grad", "parameter")

    def __init__(self, tensor):
        if tensor.requires_grad and tensor.grad_fn is not None:
            raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
                               "does not support crossing process boundaries.  If you just want to transfer the data, "
                               "call detach() on the tensor before serializing (e.g., putting it on the queue).")
        self.values = np.asarray(tensor)   # a Tensor's host values, bfloat16 ones too (numpy() refuses those)
        self.requires_grad, self.parameter = tensor.requires_grad, isinstance(tensor, Parameter)

    def __getstate__(self):
        return self.values, self.requires_grad, self.parameter

    def __setstate__(self, state):
        self.values, self.requires_grad, self.parameter = state

    def received(self, device):
        """The Tensor again, on `device` (None: the default device)."""
        tensor = Tensor(self.values, device=device)
        if self.parameter:
            return Parameter(tensor, requires_grad=self.requires_grad)
        return tensor.requires_grad_(self.requires_grad) if self.requires_grad else tensor


def host_arrays(batch):
    """The batch with every Tensor replaced by a SentTensor (what a worker process sends back; `to_tensors` makes
    Tensors of them again in the main process). A non-leaf Tensor that requires grad cannot cross: RuntimeError, with
    PyTorch's text (PyTorch's worker fails to send it)."""
    return _converted_leaves(batch, lambda value: SentTensor(value) if isinstance(value, Tensor) else value)
