"""The symbolic size of a nested tensor's ragged dimension, printed `j1`, `j2`, ... as PyTorch prints it.

PyTorch numbers these globally, one per distinct offsets tensor, in the order the offsets were first seen; two
nested tensors have the same ragged size exactly when they share their offsets tensor."""
import itertools
import weakref

_counter = itertools.count(1)
# id(offsets tensor) -> (weak reference to it, its RaggedInt); a Tensor's == is elementwise, hence ids
_by_offsets = {}


class RaggedInt:
    """The length of a ragged dimension: one symbol standing for every component's own length."""

    __slots__ = ("number",)

    def __init__(self, number):
        self.number = number

    def __repr__(self):
        return f"j{self.number}"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, RaggedInt) and other.number == self.number

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(("j", self.number))


def ragged_size_of(offsets):
    """The RaggedInt of `offsets` (a 1-d int64 tensor): the one this tensor already has, or the next one."""
    entry = _by_offsets.get(id(offsets))
    if entry is not None and entry[0]() is offsets:
        return entry[1]
    size = RaggedInt(next(_counter))
    key = id(offsets)
    _by_offsets[key] = (weakref.ref(offsets, lambda _ref, key=key: _forget(key, _ref)), size)
    return size


def _forget(key, ref):
    entry = _by_offsets.get(key)
    if entry is not None and entry[0] is ref:
        del _by_offsets[key]
