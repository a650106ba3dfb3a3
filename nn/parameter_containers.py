"""Containers of parameters: ParameterList and ParameterDict (registered, so they train and are saved)."""
from autograd import Tensor

from .module import Module, Parameter


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
        """Add (or replace) the parameters of a dict or of (key, parameter) pairs."""
        for key, value in (parameters.items() if hasattr(parameters, "items") else parameters):
            self[key] = value

    def keys(self):
        """The names."""
        return self._parameters.keys()

    def values(self):
        """The parameters."""
        return self._parameters.values()

    def items(self):
        """(name, parameter) pairs."""
        return self._parameters.items()

    def forward(self, *args, **kwargs):
        raise TypeError("ParameterDict has no forward(); index it in your own module's forward")
