"""PyTorch's torch.nn.utils.parametrize: a module's tensor computed from other tensors on every access.

    register_parametrization(layer, "weight", Symmetric())

After it `layer.weight` is `Symmetric()(layer.parametrizations.weight.original)`, recomputed on each read (or once
per `with cached():` block); the learnable tensor is `parametrizations.weight.original` (or `original0`,
`original1`, ... when the parametrization's `right_inverse` returns several), which is also its state_dict key.
Assigning `layer.weight = value` stores `right_inverse(value)` into the originals. As in PyTorch the module's class
is swapped for a subclass (`ParametrizedLinear`) that holds one property per parametrized tensor.
"""
from contextlib import contextmanager

import autograd as ag
from autograd import Tensor

from ..containers import ModuleDict, ModuleList
from ..module import Module, Parameter

_cache = {"enabled": 0, "values": {}}


@contextmanager
def cached():
    """Within the block each parametrized tensor is computed once, on its first read, and then reused."""
    _cache["enabled"] += 1
    try:
        yield
    finally:
        _cache["enabled"] -= 1
        if not _cache["enabled"]:
            _cache["values"].clear()


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the tensor(s) they start from (`original`, or
    `original0`, `original1`, ... when the first one's right_inverse returns a sequence)."""

    def __init__(self, modules, original):
        super().__init__(modules)
        first = modules[0]
        with ag.no_grad():
            try:
                new = first.right_inverse(original) if hasattr(first, "right_inverse") else original
            except NotImplementedError:   # as PyTorch: a right_inverse that cannot apply keeps the original
                new = original
        self.is_tensor = isinstance(new, Tensor)
        if self.is_tensor:
            if new is not original:
                _store(original, new, "register_parametrization")
            self._hold("original", original, original)
            self.ntensors = 1
        else:
            if not isinstance(new, (list, tuple)) or not all(isinstance(t, Tensor) for t in new):
                raise ValueError(f"register_parametrization: right_inverse of {type(first).__name__} must return a "
                                 f"Tensor or a sequence of Tensors, got {type(new).__name__}")
            for i, t in enumerate(new):
                self._hold(f"original{i}", t.detach().clone(), original)
            self.ntensors = len(new)

    def _hold(self, name, tensor, original):
        """Keep `tensor` as a parameter when the tensor it replaces was one (same requires_grad), else a buffer."""
        if isinstance(original, Parameter):
            self.register_parameter(name, tensor if isinstance(tensor, Parameter) else
                                    Parameter(tensor, requires_grad=original.requires_grad))
        else:
            self.register_buffer(name, tensor)

    def originals(self):
        """The tensors the first parametrization takes."""
        if self.is_tensor:
            return (self.original,)
        return tuple(getattr(self, f"original{i}") for i in range(self.ntensors))

    def right_inverse(self, value):
        """Store `value` (what the parametrized tensor should become) into the originals, in place: through each
        parametrization's right_inverse, last one first."""
        with ag.no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):   # PyTorch's refusal (the value cannot be stored)
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse. "
                                       f"Setting a parametrized tensor stores right_inverse(value) into the "
                                       f"originals: give {type(module).__name__} a right_inverse method, or set "
                                       "the original (module.parametrizations.<name>.original) directly")
                value = module.right_inverse(value)
            if self.is_tensor:
                _store(self.original, value, "setting a parametrized tensor")
            else:
                if len(value) != self.ntensors:
                    raise ValueError(f"setting a parametrized tensor: right_inverse returned {len(value)} tensors, "
                                     f"the parametrization holds {self.ntensors}")
                for original, v in zip(self.originals(), value):
                    _store(original, v, "setting a parametrized tensor")

    def forward(self):
        x = self[0](*self.originals())
        for module in list(self)[1:]:
            x = module(x)
        return x


def _store(original, value, who):
    if tuple(value.shape) != tuple(original.shape) or value.dtype != original.dtype:
        raise ValueError(f"{who}: right_inverse gave a tensor of shape {tuple(value.shape)} and dtype {value.dtype}, "
                         f"but the original has shape {tuple(original.shape)} and dtype {original.dtype}; make "
                         "right_inverse return the original's shape and dtype")
    with ag.no_grad():
        original.copy_(value)


def _get(module, name):
    if not _cache["enabled"]:
        return module.parametrizations[name]()
    key = (id(module), name)
    if key not in _cache["values"]:
        _cache["values"][key] = module.parametrizations[name]()
    return _cache["values"][key]


def _parametrized_class(module):
    """The module's class, swapped once for a subclass whose properties compute the parametrized tensors."""
    cls = type(module)
    if getattr(cls, "_parametrized_base", None) is not None:
        return cls

    def __setattr__(self, name, value):
        if name in type(self)._parametrized_names:
            self.parametrizations[name].right_inverse(value)
        else:
            cls.__setattr__(self, name, value)

    new = type(f"Parametrized{cls.__name__}", (cls,), {"_parametrized_base": cls, "_parametrized_names": frozenset(),
                                                       "__setattr__": __setattr__})
    object.__setattr__(module, "__class__", new)   # Module.__setattr__ would store it as a plain attribute
    return new


class NotAModuleError(TypeError, AttributeError):
    """A parametrization that is not a Module (a function): a TypeError, and the AttributeError PyTorch raises (it
    calls the object's train())."""


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` the output of `parametrization` (a Module) applied to the learnable original;
    registering a second one on the same tensor applies it on top of the first. Returns the module."""
    if not isinstance(parametrization, Module):
        raise NotAModuleError(f"register_parametrization: the parametrization must be an nn.Module, got "
                              f"{type(parametrization).__name__}; wrap a function in a Module whose forward calls it")
    parametrization.train(module.training)   # as PyTorch: it starts in its module's train/eval mode
    if is_parametrized(module, tensor_name):
        if not unsafe:   # as PyTorch: the new one runs once on the current value (and its right_inverse back)
            _check_stacked(module, tensor_name, parametrization)
        module.parametrizations[tensor_name].append(parametrization)
        return module
    original = getattr(module, tensor_name, None)
    if not isinstance(original, Tensor):
        raise ValueError(f"register_parametrization: {type(module).__name__} has no parameter or buffer named "
                         f"{tensor_name!r} (got {type(original).__name__})")
    entry = ParametrizationList([parametrization], original)
    if not unsafe:
        made = entry()
        if not isinstance(made, Tensor):
            raise ValueError(f"register_parametrization: {type(parametrization).__name__} must return a Tensor, it "
                             f"returned {type(made).__name__} {repr(made):.40}; return a tensor of {tensor_name!r}'s "
                             f"shape {tuple(original.shape)}")
        if tuple(made.shape) != tuple(original.shape) or made.dtype != original.dtype:
            raise ValueError(f"register_parametrization: {type(parametrization).__name__} must keep the shape and "
                             f"dtype of {tensor_name!r} ({tuple(original.shape)}, {original.dtype}), it gave "
                             f"{getattr(made, 'shape', type(made).__name__)} "
                             f"{getattr(made, 'dtype', '')}; pass unsafe=True to allow it")
    delattr(module, tensor_name)
    if not hasattr(module, "parametrizations") or not isinstance(module.parametrizations, ModuleDict):
        module.parametrizations = ModuleDict()
    module.parametrizations[tensor_name] = entry
    cls = _parametrized_class(module)
    cls._parametrized_names = cls._parametrized_names | {tensor_name}
    setattr(cls, tensor_name, property(lambda self, n=tensor_name: _get(self, n)))
    return module


def _check_stacked(module, tensor_name, parametrization):
    """Run a parametrization stacked with unsafe=False once, and its right_inverse, checking shape and dtype."""
    current = getattr(module, tensor_name)
    made = [parametrization(current)]
    if hasattr(parametrization, "right_inverse"):
        try:
            made.append(parametrization.right_inverse(made[0]))
        except NotImplementedError:
            pass
    for what, value in zip(("the parametrization", "its right_inverse"), made):
        if not isinstance(value, Tensor) or tuple(value.shape) != tuple(current.shape) or value.dtype != current.dtype:
            raise ValueError(f"register_parametrization: {what} ({type(parametrization).__name__}) must keep the "
                             f"shape and dtype of {tensor_name!r} ({tuple(current.shape)}, {current.dtype}), it gave "
                             f"{getattr(value, 'shape', type(value).__name__)} {getattr(value, 'dtype', '')}; pass "
                             "unsafe=True to allow it")


def is_parametrized(module, tensor_name=None):
    """Whether the module has any parametrized tensor (or the one named `tensor_name`)."""
    names = getattr(type(module), "_parametrized_names", None)
    if not names:
        return False
    return tensor_name is None or tensor_name in names


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo register_parametrization for `tensor_name`: the tensor becomes a Parameter again, holding its current
    parametrized value (leave_parametrized=True) or the original. Returns the module."""
    if not is_parametrized(module, tensor_name):
        # PyTorch's sentence first (code matches its text), then deepgrad's
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name} "
                         f"(remove_parametrizations: {type(module).__name__} has no parametrization on "
                         f"{tensor_name!r})")
    entry = module.parametrizations[tensor_name]
    if entry.is_tensor:
        original = entry.original
        if leave_parametrized:
            with ag.no_grad():
                value = getattr(module, tensor_name)
            _store(original, value, "remove_parametrizations")
    else:
        if not leave_parametrized:
            raise ValueError("remove_parametrizations: leave_parametrized=False needs a parametrization that keeps "
                             "one original tensor; this one holds several")
        with ag.no_grad():
            value = getattr(module, tensor_name)
        original = Parameter(value.detach().clone(), requires_grad=entry.original0.requires_grad)
    cls = type(module)
    delattr(cls, tensor_name)
    cls._parametrized_names = cls._parametrized_names - {tensor_name}
    delattr(module.parametrizations, tensor_name)
    if not cls._parametrized_names:
        delattr(module, "parametrizations")
        object.__setattr__(module, "__class__", cls._parametrized_base)
    if isinstance(original, Parameter):
        module.register_parameter(tensor_name, original)
    else:
        module.register_buffer(tensor_name, original)
    return module


def type_before_parametrizations(module):
    """The module's class before register_parametrization swapped it."""
    return getattr(type(module), "_parametrized_base", None) or type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Give `to_module` the parametrizations of `from_module` (all of them, or only `tensor_name`'s) together with
    the original tensors they start from, shared, not copied; a parametrized tensor that `to_module` lacks is first
    created as a Parameter holding `from_module`'s current value. Does nothing when `from_module` is not
    parametrized. Returns `to_module`."""
    if not is_parametrized(from_module):
        return to_module
    if tensor_name is not None and not is_parametrized(from_module, tensor_name):
        raise ValueError(f"transfer_parametrizations_and_params: {type(from_module).__name__} has no "
                         f"parametrization on {tensor_name!r}; it has {sorted(type(from_module)._parametrized_names)}")
    names = list(from_module.parametrizations.keys()) if tensor_name is None else [tensor_name]
    for name in names:
        source = from_module.parametrizations[name]
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in source:
            register_parametrization(to_module, name, parametrization)
        target = to_module.parametrizations[name]
        originals = ["original"] if source.is_tensor else [f"original{i}" for i in range(source.ntensors)]
        for original in originals:
            setattr(target, original, getattr(source, original))
    return to_module
