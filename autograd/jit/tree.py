"""Step arguments and results as (leaves, structure): the tensors and arrays apart from everything else."""
from ..tensor import Tensor
from .refs import is_array as _is_array

TENSOR, ARRAY = "<tensor>", "<array>"


def flatten(obj):
    """(leaves, spec): the Tensors and raw arrays inside tuples, lists and dicts, and a hashable description
    of the rest (plain values by value when hashable, by identity otherwise)."""
    leaves = []
    return leaves, _flatten(obj, leaves)


_PLAIN = (int, float, bool, str, bytes, type(None))


def _flatten(obj, leaves):
    kind = type(obj)
    if kind is tuple or kind is list:
        return (kind.__name__,) + tuple([_flatten(o, leaves) for o in obj])
    if kind is dict:
        return ("dict",) + tuple([(k, _flatten(v, leaves)) for k, v in obj.items()])
    if kind in _PLAIN:            # the common plain values, before the slower checks below
        return ("value", kind.__name__, obj)
    if isinstance(obj, Tensor):
        leaves.append(obj)
        return TENSOR
    if _is_array(obj):
        leaves.append(obj)
        return ARRAY
    if isinstance(obj, (tuple, list)):    # a named tuple (x.max(dim), sort, topk...) or other subclass
        return ("sequence", kind) + tuple(_flatten(o, leaves) for o in obj)
    if isinstance(obj, dict):
        return ("dict",) + tuple((k, _flatten(v, leaves)) for k, v in obj.items())
    try:
        hash(obj)
    except TypeError:
        return ("id", Ident(obj))
    return ("value", type(obj).__name__, obj)


class Ident:
    """An unhashable plain value, compared by identity (a step argument such as a list of options)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __hash__(self):
        return id(self.obj)

    def __eq__(self, other):
        return isinstance(other, Ident) and other.obj is self.obj


def plain_value(spec):
    """The plain value a spec entry stands for."""
    return spec[1].obj if spec[0] == "id" else spec[2]


def unflatten(spec, leaves):
    """Rebuild a result from its spec, taking leaves in order."""
    return _unflatten(spec, iter(leaves))


def _unflatten(spec, it):
    if spec == TENSOR or spec == ARRAY:
        return next(it)
    kind = spec[0]
    if kind in ("tuple", "list"):
        items = [_unflatten(s, it) for s in spec[1:]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {k: _unflatten(s, it) for k, s in spec[1:]}
    if kind == "sequence":
        cls, items = spec[1], [_unflatten(s, it) for s in spec[2:]]
        return cls(*items) if hasattr(cls, "_fields") else cls(items)
    return plain_value(spec)
