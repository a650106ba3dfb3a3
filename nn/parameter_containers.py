"""Containers of parameters: ParameterList and ParameterDict (registered, so they train and are saved)."""
from collections import OrderedDict
from collections.abc import Mapping

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


def _as_parameter(container, value):
    if isinstance(value, Parameter) or value is None:
        return value
    if isinstance(value, Tensor):
        return Parameter(value)   # PyTorch wraps a plain tensor the same way
    raise TypeError(f"{container}: holds Parameters (or Tensors, which become Parameters), got {type(value).__name__}")


class ParameterList(Module):
    """A list of parameters registered under the names "0", "1", ... (index, iterate, append, extend)."""

    def __init__(self, values=None):
        super().__init__()
        self.extend(values or ())

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __getitem__(self, index):
        values = list(self._parameters.values())
        return ParameterList(values[index]) if isinstance(index, slice) else values[index]

    def __setitem__(self, index, value):
        key = list(self._parameters)[index]
        self.register_parameter(key, _as_parameter("ParameterList", value))

    def append(self, value):
        """Add a parameter at the end; returns self."""
        self.register_parameter(str(len(self._parameters)), _as_parameter("ParameterList", value))
        return self

    def extend(self, values):
        """Add several parameters at the end; returns self."""
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
    """A dict of parameters registered under their keys."""

    def __init__(self, parameters=None):
        super().__init__()
        self.update(parameters or {})

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self.register_parameter(key, _as_parameter("ParameterDict", value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def update(self, parameters):
        """Add (or replace) the parameters of a dict or of (key, parameter) pairs. As in PyTorch, an OrderedDict,
        a ParameterDict or a sequence of pairs keeps its order, and any other mapping (a plain dict) is added in
        sorted key order."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = parameters
        for key, value in pairs:
            self[key] = value

    def __delitem__(self, key):
        if key not in self._parameters:
            raise KeyError(key)
        delattr(self, key)

    def __reversed__(self):
        return reversed(list(self._parameters))

    def get(self, key, default=None):
        """The parameter named `key`, or `default` when there is none."""
        return self[key] if key in self else default

    def pop(self, key):
        """Remove the parameter named `key` and return it."""
        value = self[key]
        del self[key]
        return value

    def popitem(self):
        """Remove the most recently added (name, parameter) pair and return it."""
        key = list(self._parameters)[-1]
        return key, self.pop(key)

    def setdefault(self, key, default=None):
        """The parameter named `key`, first set to `default` when there is none."""
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        """Remove every parameter."""
        for key in list(self._parameters):
            del self[key]

    def copy(self):
        """A new ParameterDict holding the same Parameter objects."""
        return ParameterDict(list(self.items()))

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
        """The names."""
        return self._parameters.keys()

    def values(self):
        """The parameters."""
        return self._parameters.values()

    def items(self):
        """(name, parameter) pairs."""
        return self._parameters.items()

    def extra_repr(self):
        # PyTorch names the dtype here by the legacy type ("torch.FloatTensor"), in ParameterList by dtype
        return _listing(self.items(), ag.typename)

    def forward(self, *args, **kwargs):
        raise TypeError("ParameterDict has no forward(); index it in your own module's forward")
