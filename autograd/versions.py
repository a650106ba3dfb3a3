"""In-place change tracking: which arrays were modified, and when.

A global clock ticks at every in-place change, and the registry remembers, per live array, the
tick of its last change. A node notes the clock when it saves arrays; at backward, only if the
clock has moved since does it look its saved arrays up. So ops pay nothing when nothing is
changed in place, which is almost always.
"""
import weakref


class _Clock:
    tick = 0


clock = _Clock()
_changed = {}   # id(array) -> (tick of the last in-place change, weak reference that evicts the entry)


class UncheckedCell(list):
    """The version cell of a `.data` alias (and of the views made from it): in-place changes through it count in
    its own version but are not recorded as changes, so they escape the saved-tensor check as PyTorch's do (the
    idiom `scratch.data[i] = value` that torchdiffeq uses to write past the check)."""


def mark_modified(array):
    """Record that `array` was just changed in place."""
    clock.tick += 1
    key = id(array)
    entry = _changed.get(key)
    if entry is not None and entry[1]() is array:
        _changed[key] = (clock.tick, entry[1])
        return
    try:
        ref = weakref.ref(array, lambda _, key=key: _changed.pop(key, None))
    except TypeError:  # an array type without weak references: keep the entry (never reused while alive)
        ref = _StrongRef(array)
    _changed[key] = (clock.tick, ref)


def replaced_only(array):
    """Whether `array`'s last recorded change was a replacement (mark_replaced): its values are as they were."""
    entry = _changed.get(id(array))
    return entry is not None and len(entry) > 2 and entry[1]() is array


def mark_replaced(arrays, tick):
    """Record that `arrays` were replaced as a tensor's values by an in-place op inside a graph, which rebinds the
    tensor to a new value instead of writing into them: the nodes that saved them before clock tick `tick` (the
    op ticked the clock before it ran, so the nodes it made are not among them) refuse backward, as PyTorch's
    version check refuses a saved tensor changed in place."""
    for array in arrays:
        key = id(array)
        entry = _changed.get(key)
        if entry is not None and entry[1]() is array:
            _changed[key] = (max(entry[0], tick), entry[1]) + entry[2:]   # a write before it stays a write
            continue
        try:
            ref = weakref.ref(array, lambda _, key=key: _changed.pop(key, None))
        except TypeError:
            ref = _StrongRef(array)
        _changed[key] = (tick, ref, True)


def start_change():
    """Tick the clock before an in-place op inside a graph runs, and return the tick for `mark_replaced`."""
    clock.tick += 1
    return clock.tick


def modified_since(array, tick):
    """True when `array`, or the array whose memory it views, was changed in place after clock tick `tick`."""
    entry = _changed.get(id(array))
    if entry is not None and entry[0] > tick and entry[1]() is array:
        return True
    owner = getattr(array, "base", None)
    if owner is None:
        return False
    entry = _changed.get(id(owner))
    return entry is not None and entry[0] > tick and entry[1]() is owner


class _StrongRef:
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __call__(self):
        return self.obj
