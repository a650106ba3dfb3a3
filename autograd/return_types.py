"""`torch.return_types`: the named tuples that max(dim), sort, topk, linalg.slogdet, ... return. Each is a
tuple with named fields, registered here under its op's name, and prints as PyTorch's does: one field a line."""
from collections import namedtuple


def return_type(name, fields):
    """The named tuple type `name` with `fields` (reachable as `return_types.<name>`, as in PyTorch)."""
    cls = type(name, (namedtuple(name, fields),), {"__slots__": (), "__repr__": _repr, "__module__": __name__})
    globals()[name] = cls
    return cls


def _repr(self):
    fields = ",\n".join(f"{field}={value!r}" for field, value in zip(self._fields, self))
    return f"return_types.{type(self).__name__}(\n{fields})"
