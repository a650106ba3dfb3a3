"""The list or dict a Keras layer keeps in a public attribute (`self.blocks = []`, `self.heads = {}`): layers put into
it, then or later (append, extend, insert, item assignment, +=, update), become the layer's sub-layers, with their
weights, as Keras's tracking makes them. The layer registers each one as '<attribute>_<position or key>'."""
import copy
import weakref


class TrackedList(list):
    """A list that tells its owning layer about the layers it holds whenever it changes."""

    __slots__ = ("_owner", "_name")

    def __init__(self, items, owner, name):
        super().__init__(items)
        self._owner, self._name = weakref.ref(owner), name

    def _sync(self):
        owner = self._owner()
        if owner is not None:
            owner._track_list(self._name, self)

    def append(self, item):
        super().append(item)
        self._sync()

    def extend(self, items):
        super().extend(items)
        self._sync()

    def insert(self, index, item):
        super().insert(index, item)
        self._sync()

    def __setitem__(self, index, item):
        super().__setitem__(index, item)
        self._sync()

    def __delitem__(self, index):
        super().__delitem__(index)
        self._sync()

    def __iadd__(self, items):
        super().extend(items)
        self._sync()
        return self

    def pop(self, index=-1):
        item = super().pop(index)
        self._sync()
        return item

    def remove(self, item):
        super().remove(item)
        self._sync()

    def clear(self):
        super().clear()
        self._sync()

    def __deepcopy__(self, memo):   # a copy is a plain list: its owner is a different layer
        return [copy.deepcopy(item, memo) for item in self]

    def __reduce__(self):
        return list, (list(self),)


class TrackedDict(dict):
    """A dict that tells its owning layer about the layers it holds whenever it changes."""

    __slots__ = ("_owner", "_name", "registered")

    def __init__(self, items, owner, name):
        super().__init__(items)
        self._owner, self._name = weakref.ref(owner), name
        self.registered = []   # the module names the owner registered for it

    def _sync(self):
        owner = self._owner()
        if owner is not None:
            owner._track_dict(self._name, self)

    def __setitem__(self, key, item):
        super().__setitem__(key, item)
        self._sync()

    def __delitem__(self, key):
        super().__delitem__(key)
        self._sync()

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._sync()

    def setdefault(self, key, default=None):
        item = super().setdefault(key, default)
        self._sync()
        return item

    def pop(self, *args):
        item = super().pop(*args)
        self._sync()
        return item

    def popitem(self):
        item = super().popitem()
        self._sync()
        return item

    def clear(self):
        super().clear()
        self._sync()

    def __deepcopy__(self, memo):   # a copy is a plain dict: its owner is a different layer
        return {copy.deepcopy(key, memo): copy.deepcopy(item, memo) for key, item in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)
