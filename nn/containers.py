"""Containers of modules: Sequential, ModuleList, ModuleDict, and the deprecated Container."""
import operator
import warnings
from collections import OrderedDict

from autograd.errors import ArgumentTypeError

from .module import Module, indented


class MissingForwardError(TypeError, NotImplementedError):
    """A container without forward() called like a layer: a TypeError, as deepgrad raised before, and PyTorch's
    NotImplementedError."""


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: modules kept in order under the names "0", "1", ..."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add a module at the end; returns self."""
        self.add_module(str(len(self._modules)), module)
        return self

    def _key(self, index):
        """The name of the module at int position `index` (negative counts from the end), as PyTorch finds it."""
        n = len(self._modules)
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"not {type(index).__name__}") from None
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of {n} modules")
        return list(self._modules)[index]

    def _renumber(self, modules, moved=False):
        """Hold exactly `modules`, named "0", "1", ... in order. moved=True: they only change places (insert,
        del), which PyTorch does without registering them anew, so the global registration hooks see nothing."""
        for name in list(self._modules):
            delattr(self, name)
        for i, m in enumerate(modules):
            if moved:
                self._register(self._modules, str(i), m)
            else:
                self.add_module(str(i), m)

    def __setitem__(self, index, module):
        """Replace the module at position `index` (its name stays), e.g. a new classifier head."""
        self.add_module(self._key(index), module)

    def __delitem__(self, index):
        """Remove the module(s) at `index` (an int or a slice); the rest are renumbered from "0", as PyTorch's."""
        keys = list(self._modules)
        gone = set(keys[index]) if isinstance(index, slice) else {self._key(index)}
        self._renumber([m for k, m in self._modules.items() if k not in gone], moved=True)

    def pop(self, index):
        """Remove the module(s) at `index` and return it (a slice gives a container of them)."""
        taken = self[index]
        del self[index]
        return taken

    def insert(self, index, module):
        """Put `module` before position `index` (as list.insert); the modules after it are renumbered."""
        if not isinstance(module, Module):
            raise ArgumentTypeError(f"{type(self).__name__}.insert: module should be of type Module, got "
                                    f"{type(module).__name__}; wrap a function in a Module (e.g. nn.Identity, "
                                    "or a small Module subclass)")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"{type(self).__name__}.insert: index {index} is out of range for {n} modules")
        values = list(self._modules.values())
        values.insert(index, module)
        self._renumber(values, moved=True)

    def extend(self, modules):
        """Add several modules at the end; returns self."""
        for m in modules:
            self.append(m)
        return self

    def __iadd__(self, modules):
        return self.extend(modules)


class Sequential(_ModuleSequence):
    """Modules applied one after another; indexable (an int gives a module, a slice a Sequential)."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                if isinstance(m, (list, tuple)):   # nn.Sequential([a, b]): Keras's spelling
                    raise TypeError(f"Sequential: argument {i} is a {type(m).__name__}, not a Module subclass; "
                                    f"pass the modules themselves: nn.Sequential(*layers), not nn.Sequential(layers)")
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):   # as PyTorch: a subclass slices into its own class
            return type(self)(OrderedDict(items[index]))
        return self._modules[self._key(index)]

    def __add__(self, other):
        """A new Sequential of this one's modules, then `other`'s (the same module objects)."""
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential(*self, *other)

    def __mul__(self, times):
        """A new Sequential of this one's modules repeated `times` times (the same module objects)."""
        if not isinstance(times, int) or isinstance(times, bool):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(times)}")
        if times <= 0:
            raise ValueError(f"Non-positive multiplication factor {times} for {type(self)}")
        return Sequential(*(list(self) * times))

    __rmul__ = __mul__

    def __imul__(self, times):
        self._renumber(list((self * times)))
        return self


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (index, iterate, append, extend)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def extend(self, modules):
        """Add several modules at the end; returns self."""
        if not hasattr(modules, "__iter__"):
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, but got "
                            f"{type(modules).__name__}; wrap one module in a list: nn.ModuleList([layer])")
        return super().extend(modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        return self._modules[self._key(index)]

    def __add__(self, other):
        """A new ModuleList holding this list's modules, then `other`'s (the same module objects)."""
        return ModuleList(list(self) + list(other))

    def __repr__(self):
        """As PyTorch prints a ModuleList: a run of modules that print alike shows once, as "(0-5): 6 x Block(...)"."""
        runs = []   # [first index, last index, repr]
        for i, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        name = type(self).__name__   # a subclass (ParametrizationList, a user's) prints its own name
        if not runs:
            return f"{name}()"
        lines = [indented(f"({a}): {text}" if a == b else f"({a}-{b}): {b - a + 1} x {text}") for a, b, text in runs]
        return f"{name}(\n  " + "\n  ".join(lines) + "\n)"

    def forward(self, *args, **kwargs):
        raise MissingForwardError("Module [ModuleList] is missing the required \"forward\" function: a ModuleList "
                                  "has no forward(); iterate over it in your own module's forward")


class ModuleDict(Module):
    """A dict of modules whose parameters are registered."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        if key not in self._modules:
            raise KeyError(key)
        delattr(self, key)

    def pop(self, key):
        """Remove the module named `key` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self):
        """Remove every module."""
        for key in list(self._modules):
            del self[key]

    def update(self, modules):
        """Add or replace modules from a mapping or an iterable of (name, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for i, pair in enumerate(pairs):
            if isinstance(pair, Module) or not hasattr(pair, "__len__") or len(pair) != 2:
                raise TypeError(f"ModuleDict update sequence element #{i} should be a (name, module) pair, got "
                                f"{type(pair).__name__}; give a dict, e.g. nn.ModuleDict({{'fc': nn.Linear(3, 2)}}), "
                                "or use nn.ModuleList for modules without names")
            key, module = pair
            self[key] = module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        """The names."""
        return self._modules.keys()

    def values(self):
        """The modules."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs."""
        return self._modules.items()

    def forward(self, *args, **kwargs):
        raise MissingForwardError("Module [ModuleDict] is missing the required \"forward\" function: a ModuleDict "
                                  "has no forward(); index it in your own module's forward")


class Container(Module):
    """Deprecated in PyTorch (Module does all it did): a Module holding the modules given as keyword arguments."""

    def __init__(self, **kwargs):
        warnings.warn("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                      "Subclass that instead.", FutureWarning, stacklevel=2)
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)
