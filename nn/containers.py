"""Containers of modules: Sequential, ModuleList, ModuleDict."""
from collections import OrderedDict

from .module import Module


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


class Sequential(_ModuleSequence):
    """Modules applied one after another; indexable (an int gives a module, a slice a Sequential)."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[index][1]


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (index, iterate, append, extend)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def __getitem__(self, index):
        values = list(self._modules.values())
        return ModuleList(values[index]) if isinstance(index, slice) else values[index]

    def __setitem__(self, index, module):
        key = list(self._modules)[index]
        self.add_module(key, module)

    def insert(self, index, module):
        """Put `module` before position `index` (as list.insert); the modules after it are renumbered."""
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(values):
            self.add_module(str(i), m)

    def extend(self, modules):
        """Add several modules at the end; returns self."""
        for m in modules:
            self.append(m)
        return self

    def __add__(self, other):
        """A new ModuleList holding this list's modules, then `other`'s (the same module objects)."""
        return ModuleList(list(self) + list(other))

    def __iadd__(self, modules):
        return self.extend(modules)

    def forward(self, *args, **kwargs):
        raise TypeError("ModuleList has no forward(); iterate over it in your own module's forward")


class ModuleDict(Module):
    """A dict of modules whose parameters are registered."""

    def __init__(self, modules=None):
        super().__init__()
        for name, m in (modules or {}).items():
            self.add_module(name, m)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

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
        raise TypeError("ModuleDict has no forward(); index it in your own module's forward")
