"""Containers of parameters: ParameterList and ParameterDict (their Tensors registered as Parameters, so they
train and are saved; other values held as they are, as in PyTorch)."""
import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

import autograd as ag
from autograd import Tensor

from .module import Module, Parameter


def _listing(pairs, type_name):
    """extra_repr of a parameter container, as PyTorch prints it: one "(key): Parameter containing: [<type> of size
    AxB]" line per entry, the type named by `type_name(tensor)`."""
    lines = []
    for key, p in pairs:
        if isinstance(p, Tensor):
            where = f" ({p.device})" if p.device.type == "cuda" else ""
            kind = "Parameter" if isinstance(p, Parameter) else "Tensor"
            lines.append(f"  ({key}): {kind} containing: [{type_name(p)} of size {'x'.join(map(str, p.shape))}{where}]")
        else:
            lines.append(f"  ({key}): Object of type: {type(p).__name__}")
    return "\n".join(lines)


def _as_entry(value):
    """What a container stores for `value`: a Tensor becomes a Parameter (a Parameter stays itself); any other
    value is kept as it is, as a plain attribute, as PyTorch keeps it."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


class ParameterList(Module):
    """A list whose Tensors are registered as parameters under the names "0", "1", ... (index, iterate, append,
    extend); other values (numbers, strings, None) are held as they are, as PyTorch holds them."""

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _name(self, index):
        """The attribute name of position `index` (negative counting from the end)."""
        index = operator.index(index)
        if not -self._size <= index < self._size:
            raise IndexError(f"index {index} is out of range")
        return str(index % self._size)

    def __len__(self):
        return self._size

    def __iter__(self):
        return (getattr(self, str(i)) for i in range(self._size))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(*index.indices(self._size))])
        return getattr(self, self._name(index))

    def __setitem__(self, index, value):
        setattr(self, self._name(index), _as_entry(value))

    def __dir__(self):
        return [key for key in super().__dir__() if not key.isdigit()]

    def append(self, value):
        """Add a value at the end (a Tensor as a Parameter); returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values):
        """Add several values at the end; returns self."""
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}; pass a list of tensors")
        for value in values:
            self.append(value)
        return self

    def __iadd__(self, values):
        return self.extend(values)

    def extra_repr(self):
        return _listing(enumerate(self), lambda p: p.dtype)

    def forward(self, *args, **kwargs):
        raise TypeError("ParameterList has no forward(); use its parameters in your own module's forward")


class ParameterDict(Module):
    """A dict whose Tensors are registered as parameters under their keys; other values are held as they are,
    as PyTorch holds them."""

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _name(key):
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not a string (type is "
                            f"'{type(key).__name__}'); use string keys")
        return key

    def __getitem__(self, key):
        return getattr(self, self._name(key))

    def __setitem__(self, key, value):
        self._keys[key] = None
        setattr(self, self._name(key), _as_entry(value))

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def update(self, parameters):
        """Add (or replace) the entries of a dict or of (key, value) pairs. As in PyTorch, an OrderedDict,
        a ParameterDict or a sequence of pairs keeps its order, and any other mapping (a plain dict) is added in
        sorted key order."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        elif isinstance(parameters, Iterable):
            pairs = list(parameters)
            for j, pair in enumerate(pairs):
                if not isinstance(pair, Iterable):
                    raise TypeError(f"ParameterDict update sequence element #{j} should be Iterable; is "
                                    f"{type(pair).__name__}")
                if len(pair) != 2:
                    raise ValueError(f"ParameterDict update sequence element #{j} has length {len(pair)}; 2 is "
                                     "required")
        else:
            raise TypeError(f"ParametersDict.update should be called with an iterable of key/value pairs, but got "
                            f"{type(parameters).__name__}")
        for key, value in pairs:
            self[key] = value

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, self._name(key))

    def __reversed__(self):
        return reversed(list(self._keys))

    def get(self, key, default=None):
        """The value under `key`, or `default` when there is none."""
        return self[key] if key in self else default

    def pop(self, key):
        """Remove the entry under `key` and return its value."""
        value = self[key]
        del self[key]
        return value

    def popitem(self):
        """Remove the most recently added (key, value) pair and return it."""
        if not self._keys:
            raise KeyError("popitem(): dictionary is empty")
        key = list(self._keys)[-1]
        return key, self.pop(key)

    def setdefault(self, key, default=None):
        """The value under `key`, first set to `default` when there is none."""
        if key not in self:
            self[key] = default
        return self[key]

    def fromkeys(self, keys, default=None):
        """A new ParameterDict with `keys`, each holding `default`."""
        return ParameterDict((k, default) for k in keys)

    def clear(self):
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def copy(self):
        """A new ParameterDict holding the same values (the same Parameter objects)."""
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def __or__(self, other):
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other):
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other):
        self.update(other)
        return self

    def keys(self):
        """The keys, in order."""
        return self._keys.keys()

    def values(self):
        """The values, in key order."""
        return (self[k] for k in self._keys)

    def items(self):
        """(key, value) pairs, in order."""
        return ((k, self[k]) for k in self._keys)

    def extra_repr(self):
        # PyTorch names the dtype here by the legacy type ("torch.FloatTensor"), in ParameterList by dtype
        return _listing(self.items(), ag.typename)

    def forward(self, *args, **kwargs):
        raise TypeError("ParameterDict has no forward(); index it in your own module's forward")
