"""Module and Parameter: the base of every layer and model, with PyTorch's registration and state_dict."""
import itertools
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

import autograd as ag
from autograd import RemovableHandle, Tensor, arrays
from autograd.bf16_dtype import from_torch_bf16
from autograd.methods_convert import parse_to

from .incompatible_keys import IncompatibleKeys, prefix_hint
from .module_extras import ModuleExtras
from .module_state_hooks import (EXTRA_STATE_KEY, ModuleStateHooks, any_load_hooks, has_extra_state,
                                 run_load_post_hooks, run_load_pre_hooks, run_state_dict_post_hooks,
                                 run_state_dict_pre_hooks)
from .module_global_hooks import (BACKWARD_HOOKS as _GLOBAL_BACKWARD_HOOKS, BACKWARD_PRE_HOOKS as
                                  _GLOBAL_BACKWARD_PRE_HOOKS, FORWARD_HOOKS as _GLOBAL_HOOKS,
                                  FORWARD_PRE_HOOKS as _GLOBAL_PRE_HOOKS, registered as _registered)
from .module_hooks import call_with_hooks

_HOOK_STORES = ("_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks", "_forward_hooks_with_kwargs",
                "_forward_hooks_always_called", "_backward_pre_hooks", "_backward_hooks")
_hook_ids = itertools.count()


class ParameterDataError(TypeError, AttributeError):
    """nn.Parameter or nn.Buffer of something that is not a Tensor: an AttributeError as PyTorch raises (it calls
    data.detach()), and a TypeError, which is what the mistake is."""


def _tensor_data(kind, data):
    """`data` itself when it is a Tensor (an empty float tensor for None); else a ParameterDataError."""
    if data is None:
        return ag.empty(0)
    if not isinstance(data, Tensor):
        shape = getattr(data, "shape", None)
        raise ParameterDataError(f"nn.{kind}: data must be a Tensor, got a {type(data).__name__}"
                                 f"{'' if shape is None else f' of shape {tuple(shape)}'} ('{type(data).__name__}' "
                                 f"object has no attribute 'detach' in PyTorch); wrap it first: "
                                 f"nn.{kind}(torch.tensor(data))")
    return data


class Parameter(Tensor):
    """A Tensor that a Module registers as a learnable parameter (requires_grad=True by default)."""

    __slots__ = ()
    __torch_function__ = ag._C._disabled_torch_function_impl   # ops on it give plain Tensors, as PyTorch's

    def __new__(cls, *args, **kwargs):
        # subclasses may call PyTorch's spelling, super().__new__(cls, data, requires_grad); __init__ then fills it
        return super().__new__(cls)

    def __init__(self, data=None, requires_grad=True):
        source = _tensor_data("Parameter", data)
        Tensor.__init__(self, arrays.array(source), device=source.device)
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


class Buffer(Tensor):
    """A Tensor that, assigned to a Module attribute, registers itself as a buffer (persistent=False keeps it
    out of the state_dict), as torch.nn.Buffer; the module stores it as a plain Tensor."""

    __slots__ = ("persistent",)

    def __init__(self, data=None, *, persistent=True):
        source = _tensor_data("Buffer", data)
        Tensor.__init__(self, arrays.array(source), device=source.device)
        self.persistent = bool(persistent)


def _lazy(t):
    """True for a lazy layer's placeholder (nn.UninitializedParameter / UninitializedBuffer)."""
    return getattr(type(t), "_uninitialized", False)


def _as_host_array(value):
    """A value from a state_dict (Tensor, NumPy array, torch tensor, anything with .numpy() or __array__)."""
    if isinstance(value, (Tensor, np.ndarray)):
        return np.asarray(value)
    if hasattr(value, "detach"):  # a torch tensor: leave its graph and its device first
        value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
    if hasattr(value, "numpy"):
        bf16 = from_torch_bf16(value)   # a torch.bfloat16 tensor, whose numpy() refuses
        return np.asarray(value.numpy()) if bf16 is None else bf16
    return np.asarray(value)


class MissingForwardError(TypeError, NotImplementedError):
    """A Module whose class defines no forward() was called: a NotImplementedError, as PyTorch raises."""


_KINDS = {"_parameters": "parameter", "_buffers": "buffer", "_modules": "module"}


class MemberNameError(KeyError):
    """A parameter, buffer or sub-module name PyTorch refuses (empty, dotted, or taken by another attribute): a
    KeyError, as PyTorch raises, whose message reads as written."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class StateDictError(KeyError, RuntimeError):
    """load_state_dict found missing, unexpected or mis-shaped keys (all of them are named in the message).

    A RuntimeError too, as PyTorch raises, so `except RuntimeError` in ported code catches it."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _check_prefix(prefix, who, module):
    """A name prefix must be a string: PyTorch fails joining it to a member's name (the same TypeError)."""
    if not isinstance(prefix, str):
        raise TypeError(f"{who}: prefix must be a str that starts every dotted name, got {type(prefix).__name__} "
                        f"({prefix!r}) for {type(module).__name__}; pass e.g. prefix={str(prefix)!r}")


def _state_dict_errors(module, problems, advice):
    """load_state_dict's message: PyTorch's header and one tab-indented line per problem, then `advice`."""
    return f"Error(s) in loading state_dict for {type(module).__name__}:\n\t" + "\n\t".join(problems) + "\n" + advice


def _parse_module_to(args, kwargs):
    """(device or None, dtype or None) from the forms of PyTorch's Module.to: Tensor.to's forms, where a tensor
    argument lends its dtype only when it is floating or complex, and the dtype must be one of those."""
    if len(args) > 3:
        raise TypeError(f"Module.to: too many positional arguments ({len(args)}): give a device, a dtype, both, "
                        f"or a tensor")
    args = [a.device if isinstance(a, Tensor) and a.dtype.kind not in _FLOAT_KINDS else a for a in args]
    device, dtype = parse_to(args, dict(kwargs), "Module.to", 2)
    if dtype is not None and np.dtype(dtype).kind not in _FLOAT_KINDS:
        raise TypeError(f"Module.to only accepts floating point or complex dtypes, got {np.dtype(dtype)} (as "
                        f"PyTorch; cast integer buffers yourself)")
    return device, dtype


#: NumPy kinds of floating and complex dtypes; 'V' is bfloat16's (tensors hold no other 'V' dtype)
_FLOAT_KINDS = "fcV"


def _moved(t, target, kinds=_FLOAT_KINDS):
    """t on another device, or cast to a dtype when t is of one of `kinds` (floating or complex: integer buffers
    keep their dtype)."""
    if not ag.is_device(target) and t.dtype.kind not in kinds:
        return t
    return t.detach().to(target)


class Module(ModuleExtras, ModuleStateHooks):
    """Base class of layers and models: holds parameters, buffers and sub-modules; call it to run forward."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        for store in _HOOK_STORES:
            object.__setattr__(self, store, OrderedDict())
        object.__setattr__(self, "_has_hooks", False)

    # ----- attribute routing -------------------------------------------------------------------
    # Parameters, buffers and sub-modules live in their registries (which traversal and state_dict read)
    # and are mirrored into __dict__, so reading `self.weight` in forward is a plain attribute lookup.
    def __setattr__(self, name, value):
        d = self.__dict__
        if "_parameters" not in d:
            if not isinstance(value, (Parameter, Module, Buffer)):
                object.__setattr__(self, name, value)   # as PyTorch: plain attributes may come before __init__
                return
            raise AttributeError(f"{type(self).__name__}: cannot assign {type(value).__name__} {name!r} before "
                                 "Module.__init__() call; call super().__init__() first in __init__")
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        if isinstance(value, Buffer):
            plain = arrays.wrap(arrays.array(value), value.device)
            self.register_buffer(name, plain, persistent=value.persistent)
            return
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            value = params[name] = _registered("parameter", self, name, value)
        elif isinstance(value, Module):
            if name in params:   # PyTorch checks the parameter slot before taking a module
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} of "
                                f"{type(self).__name__} (nn.Parameter or None expected); del the parameter first "
                                f"(del module.{name}) to put a sub-module there")
            self._forget(name, keep=modules)
            value = modules[name] = _registered("module", self, name, value)
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to parameter {name!r} of "
                                f"{type(self).__name__}: wrap it in nn.Parameter(...) or assign None")
            params[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer {name!r} of {type(self).__name__} must be a Tensor or None, "
                                f"got {type(value).__name__}")
            value = buffers[name] = _registered("buffer", self, name, value)
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to sub-module {name!r} of "
                                f"{type(self).__name__}: assign a Module or None")
            value = modules[name] = _registered("module", self, name, None)
        d[name] = value

    def _forget(self, name, keep=None):
        """Drop `name` from the stores other than `keep` (a replaced entry keeps its place in its own store,
        so parameters(), state_dict() and Sequential keep their order, as in PyTorch)."""
        for store in (self._parameters, self._buffers, self._modules):
            if store is not keep:
                store.pop(name, None)
        self.__dict__.pop(name, None)

    def _register(self, registry, name, value):
        """`value` under `name` in `registry` only (any earlier member of that name is dropped), mirrored."""
        self._forget(name, keep=registry)
        registry[name] = value
        self.__dict__[name] = value

    def __getattr__(self, name):
        # Only reached when `name` is not in __dict__ (registered members are mirrored there).
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self.__dict__.pop(name, None)
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def _check_new_name(self, kind, name, store):
        """Refuse a name PyTorch refuses for a new parameter, buffer or sub-module (KeyError, TypeError), or
        registering before Module.__init__() ran (AttributeError)."""
        if store not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: cannot register {kind} {name!r} before Module.__init__() "
                                 "call; call super().__init__() first in __init__")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__} ({name!r}) for "
                            f"{type(self).__name__}; pass a str, e.g. {str(name)!r}")
        if name == "":
            raise MemberNameError(f"{kind} name can't be empty string \"\" (registering on {type(self).__name__}); "
                                  "give it a name")
        if "." in name:
            raise MemberNameError(f"{kind} name can't contain \".\", got: {name} (registering on "
                                  f"{type(self).__name__}); dots separate nesting in state_dict keys, use e.g. "
                                  f"{name.replace('.', '_')!r}")
        other = next((r for r in ("_parameters", "_buffers", "_modules") if r != store and name in self.__dict__[r]),
                     None)
        if other is not None:   # as PyTorch: a parameter does not silently turn into a buffer or a sub-module
            raise MemberNameError(f"attribute '{name}' already exists on {type(self).__name__} as a "
                                  f"{_KINDS[other]}; registering it as a {kind} would drop that {_KINDS[other]}: "
                                  f"pick another {kind} name, or delete it first (del module.{name})")
        # replacing a plain None attribute is allowed (PyTorch refuses it too; our own layers rely on it)
        if name not in self.__dict__[store] and self.__dict__.get(name, 0) is not None and hasattr(self, name):
            raise MemberNameError(f"attribute '{name}' already exists on {type(self).__name__}; pick another "
                                  f"{kind} name (or delete the attribute first)")

    def register_parameter(self, name, param):
        """Add a parameter (or None) under `name`."""
        self._check_new_name("parameter", name, "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be an nn.Parameter or None")
        if param is not None:
            param = _registered("parameter", self, name, param)
        self._register(self._parameters, name, param)

    def register_buffer(self, name, tensor, persistent=True):
        """Add a non-learnable tensor (e.g. running statistics); persistent ones go into state_dict."""
        self._check_new_name("buffer", name, "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}")
        self._register(self._buffers, name, _registered("buffer", self, name, tensor))
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Add a sub-module under `name`."""
        self._check_new_name("module", name, "_modules")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        self._register(self._modules, name, _registered("module", self, name, module))

    # ----- running -----------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it."""
        raise MissingForwardError(f"{type(self).__name__} does not define forward(); subclasses of nn.Module must "
                                  f"define forward(self, ...), the computation that calling the module runs")

    def __call__(self, *args, **kwargs):
        if (self._has_hooks or _GLOBAL_PRE_HOOKS or _GLOBAL_HOOKS or _GLOBAL_BACKWARD_PRE_HOOKS
                or _GLOBAL_BACKWARD_HOOKS):
            return call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # ----- hooks -------------------------------------------------------------------------------
    def _add_hook(self, store, hook, prepend, **flags):
        """Register `hook` in the named store (first when prepend); flags name stores that mark it."""
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}: a hook must be callable, got {type(hook).__name__}")
        hooks = self.__dict__[store]
        key = next(_hook_ids)
        hooks[key] = hook
        if prepend:
            hooks.move_to_end(key, last=False)
        for flag_store, on in flags.items():
            if on:
                self.__dict__[flag_store][key] = True
        object.__setattr__(self, "_has_hooks", True)
        return _ModuleHookHandle(self, key)

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call hook(module, args) before every forward; a non-None return replaces args (a single value is
        wrapped in a tuple). with_kwargs=True: hook(module, args, kwargs) returning None or (args, kwargs).
        Returns a handle whose .remove() unregisters the hook."""
        return self._add_hook("_forward_pre_hooks", hook, prepend, _forward_pre_hooks_with_kwargs=with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """Call hook(module, args, output) after every forward; a non-None return replaces the output.
        with_kwargs=True: hook(module, args, kwargs, output); always_call=True: also called when forward
        raises. Returns a handle whose .remove() unregisters the hook."""
        return self._add_hook("_forward_hooks", hook, prepend, _forward_hooks_with_kwargs=with_kwargs,
                              _forward_hooks_always_called=always_call)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """Call hook(module, grad_output) when the gradients with respect to the module's outputs are ready
        (a tuple, None for outputs that are not tensors needing a gradient); a non-None return replaces
        grad_output. Returns a handle whose .remove() unregisters the hook."""
        return self._add_hook("_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call hook(module, grad_input, grad_output) when the gradients with respect to the module's
        positional inputs are ready (tuples, None where an input or output is not a tensor needing a
        gradient); a non-None return replaces grad_input. Returns a handle whose .remove() unregisters it."""
        return self._add_hook("_backward_hooks", hook, prepend)

    # ----- traversal ---------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every descendant, each once (remove_duplicate=False:
        a module reachable by two paths under both names). PyTorch's argument order."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        if prefix and self._modules:
            _check_prefix(prefix, "named_modules", self)
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def get_submodule(self, target):
        """The descendant at dotted path `target` ("" is this module), e.g. model.get_submodule("encoder.0")."""
        module = self
        for depth, name in enumerate(target.split(".") if target else ()):
            child = module._modules.get(name)
            if child is None:
                where = ".".join(target.split(".")[:depth]) or "the model"
                raise AttributeError(f"get_submodule: {where} ({type(module).__name__}) has no sub-module {name!r} "
                                     f"(it has {list(module._modules)})")
            module = child
        return module

    def get_parameter(self, target):
        """The parameter at dotted path `target`, e.g. model.get_parameter("encoder.0.weight")."""
        return self._member_at(target, "_parameters", "parameter")

    def modules(self, remove_duplicate=True):
        """This module and every descendant (remove_duplicate=False: a module reachable by two paths twice)."""
        for _, m in self.named_modules(remove_duplicate=remove_duplicate):
            yield m

    def named_children(self):
        """(name, module) for the direct sub-modules, each once (a module under two names: the first)."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        """The direct sub-modules."""
        for _, child in self.named_children():
            yield child

    def _named_members(self, store, prefix, recurse, remove_duplicate=True):
        if prefix:
            _check_prefix(prefix, {"_parameters": "named_parameters", "_buffers": "named_buffers"}[store], self)
        seen = set()
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
                   else [(prefix, self)])
        for module_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, parameter) pairs, each parameter once (remove_duplicate=False: a shared one under
        every name); names start with `prefix`."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every parameter, each once."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, buffer) pairs; names start with `prefix`."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ----- modes and bulk changes --------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active, batch statistics) on this module and its descendants."""
        if not isinstance(mode, (bool, np.bool_)):
            # as PyTorch: train('False') would otherwise switch training on, the string being truthy
            raise ValueError(f"{type(self).__name__}.train: training mode is expected to be boolean, got "
                             f"{type(mode).__name__} {mode!r}; pass True or False (or call .eval())")
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Set evaluation mode; returns the module."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of every parameter."""
        for p in self.parameters():
            p.grad = None if set_to_none or p.grad is None else ag.zeros_like(p.grad)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze (True) every parameter; returns the module."""
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}.requires_grad_(): argument 'requires_grad' must be bool, not "
                            f"{type(requires_grad).__name__} ({requires_grad!r}); pass True or False")
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn):
        """Call fn(module) on every descendant, then on this module; returns the module."""
        if not callable(fn):
            raise TypeError(f"'{type(fn).__name__}' object is not callable: {type(self).__name__}.apply(fn) calls "
                            "fn(module) on every sub-module; pass a function, e.g. def init(m): ...")
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args, **kwargs):
        """Move parameters and buffers to a device and/or cast the floating ones to a dtype, in place; returns
        self. PyTorch's forms: to(device), to(dtype), to(device, dtype), to(tensor) (its device and dtype),
        with keywords device=, dtype=, non_blocking=.

        Parameters keep their identity, so an optimiser created before .to() still updates them.
        memory_format= lays out the 4-D and 5-D parameters, gradients and buffers in that format (as PyTorch).
        """
        self._moved_to(*_parse_module_to(args, kwargs))
        fmt = kwargs.get("memory_format")
        return self if fmt is None or fmt is ag.preserve_format else self._laid_out(fmt)

    def _laid_out(self, fmt):
        """4-D and 5-D parameters (and their gradients) and buffers rearranged in memory to the format `fmt`
        (ag.channels_last, ...), values unchanged; returns self."""
        def arranged(t):
            return t.contiguous(memory_format=fmt) if t is not None and t.ndim in (4, 5) else t

        with ag.no_grad():
            for p in self.parameters():
                arrays.replace(p, arrays.array(arranged(p)))
                p.grad = arranged(p.grad)
            for m in self.modules():
                for name, b in m._buffers.items():
                    if b is not None:
                        m._buffers[name] = m.__dict__[name] = arranged(b)
        return self

    def _moved_to(self, device, dtype, kinds=_FLOAT_KINDS):
        """Parameters and buffers to `device` and, when of `kinds`, to `dtype` (None: unchanged); returns self."""
        for target in (device, dtype):
            if target is None:
                continue
            with ag.no_grad():
                for p in self.parameters():
                    if _lazy(p):   # a placeholder: its layer makes it on the new device/dtype (_lazy_options)
                        continue
                    moved = _moved(p, target, kinds)
                    arrays.replace(p, arrays.array(moved), moved.device)
                    if p.grad is not None:
                        p.grad = _moved(p.grad, target, kinds)
                for m in self.modules():
                    for name, b in m._buffers.items():
                        if b is not None and not _lazy(b):
                            m._buffers[name] = m.__dict__[name] = _moved(b, target, kinds)
        for m in self.modules():
            lazy = m.__dict__.get("_lazy_options")
            if lazy is not None:   # a lazy layer not sized yet makes its parameters there later (as PyTorch's)
                m._lazy_options = (lazy[0], lazy[1] if device is None else device, lazy[2] if dtype is None else dtype)
        return self

    def cpu(self):
        """Move to the cpu device."""
        return self.to("cpu")

    def float(self):
        """Cast floating parameters and buffers to float32 (complex ones stay, as in PyTorch)."""
        return self._moved_to(None, ag.float32, "fV")

    def double(self):
        """Cast floating parameters and buffers to float64 (e.g. before gradcheck; complex ones stay)."""
        return self._moved_to(None, ag.float64, "fV")

    def half(self):
        """Cast floating parameters and buffers to float16 (complex ones stay)."""
        return self._moved_to(None, ag.float16, "fV")

    def bfloat16(self):
        """Cast floating parameters and buffers to bfloat16 (complex ones stay; needs the ml_dtypes package)."""
        return self._moved_to(None, ag.bfloat16, "fV")

    # ----- state -------------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """Ordered dotted name -> Tensor for every parameter and persistent buffer (PyTorch's names and order),
        plus '<prefix>_extra_state' for modules that override get_extra_state; state_dict hooks run around
        each module's entries. Entries go into `destination` when given, under `prefix`.

        The tensors share memory with the module; parameters come detached unless keep_vars=True.
        """
        if args:   # PyTorch's older positional form: state_dict(destination, prefix, keep_vars)
            destination, prefix, keep_vars = (list(args) + [destination, prefix, keep_vars][len(args):])[:3]
        _check_prefix(prefix, "state_dict", self)
        out = OrderedDict() if destination is None else destination
        if destination is None:
            out._metadata = OrderedDict()   # dotted module name -> {'version': its _version}, as PyTorch
        return self._collect_state(out, prefix, keep_vars)

    def _collect_state(self, out, prefix, keep_vars):
        run_state_dict_pre_hooks(self, prefix, keep_vars)
        local_metadata = {"version": self._version}
        if hasattr(out, "_metadata"):
            out._metadata[prefix[:-1]] = local_metadata
        for name, p in self._parameters.items():
            if p is not None:   # a lazy layer's placeholder goes as it is (it has no values to detach), as in PyTorch
                out[prefix + name] = p if keep_vars or _lazy(p) else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars or b.is_leaf and not b.requires_grad else b.detach()
        if has_extra_state(self):
            out[prefix + EXTRA_STATE_KEY] = self.get_extra_state()
        for name, child in self._modules.items():
            if child is not None:
                child._collect_state(out, f"{prefix}{name}.", keep_vars)
        return run_state_dict_post_hooks(self, out, prefix, local_metadata)

    def _state_items(self, prefix):
        # Like PyTorch, a sub-module reachable under two names is listed under both.
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                yield prefix + name, b
        for name, child in self._modules.items():
            if child is not None:
                yield from child._state_items(f"{prefix}{name}.")

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values (Tensors, NumPy arrays or torch tensors) into the parameters and buffers, in place
        (assign=True: replace them by the checkpoint's tensors, which they then share, parameters keeping
        requires_grad; NumPy and torch values are copied onto the model's device),
        and extra state into set_extra_state; load_state_dict hooks run before matching and after it.

        Raises one error naming every mis-shaped key, and (when strict) every missing and unexpected one,
        before anything is copied. Returns `IncompatibleKeys(missing_keys, unexpected_keys)`, as PyTorch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict into {type(self).__name__}: expected a dict-like state_dict (name -> "
                            f"tensor), got {type(state_dict).__name__}; pass model.state_dict() or nn.load(path)")
        hooked = any_load_hooks(self)
        if hooked:
            metadata = getattr(state_dict, "_metadata", None)
            state_dict = OrderedDict(state_dict)
            if metadata is not None:
                state_dict._metadata = metadata
            errors = []
            run_load_pre_hooks(self, state_dict, strict, [], [], errors)
            if errors:
                raise StateDictError(_state_dict_errors(self, errors, "(from a load_state_dict pre-hook)"))
        bad_keys = [k for k in state_dict if not isinstance(k, str)]
        if bad_keys:   # PyTorch fails on such a key's missing .startswith: the same type, with the reason
            raise AttributeError(f"load_state_dict into {type(self).__name__}: state_dict keys must be strings (dotted "
                                 f"names as state_dict() makes), got {', '.join(map(repr, bad_keys[:5]))} of type "
                                 f"{type(bad_keys[0]).__name__}; rename them, e.g. {{str(k): v for k, v in sd.items()}}")
        extra = OrderedDict((f"{name}.{EXTRA_STATE_KEY}" if name else EXTRA_STATE_KEY, module)
                            for name, module in self.named_modules() if has_extra_state(module))
        own = OrderedDict(self._state_items(""))
        missing = [k for k in itertools.chain(own, extra) if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own and k not in extra]
        mismatched = []
        values = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            if not hasattr(state_dict[key], "__array__"):   # a number, list or None: PyTorch refuses it too
                mismatched.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                                  f"object from checkpoint but received {type(state_dict[key])}")
                continue
            value = _as_host_array(state_dict[key])
            if _lazy(target):   # a lazy layer's placeholder takes the checkpoint's shape (materialised below)
                values[key] = value
                continue
            if target.shape == () and tuple(value.shape) == (1,):
                value = value.reshape(())   # PyTorch's allowance: a 0-d entry saved as one element loads as 0-d
            if tuple(value.shape) != target.shape:
                # torch.Size as PyTorch's line prints it: code that catches the error matches its text
                mismatched.append(f"size mismatch for {key}: copying a param with shape torch.{ag.Size(value.shape)!r} "
                                  f"from checkpoint, the shape in current model is torch.{ag.Size(target.shape)!r}.")
            else:
                values[key] = value
        if hooked:
            run_load_post_hooks(self, IncompatibleKeys(missing, unexpected))
        # PyTorch's lines and order (missing, unexpected, then the mis-shaped keys), which code that catches the
        # error searches ("size mismatch for", "Unexpected key(s)"); deepgrad's advice follows them
        problems = []
        if strict and missing:
            problems.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        if strict and unexpected:
            problems.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        problems += mismatched
        if problems:
            if any(m.startswith("size mismatch") for m in mismatched):
                advice = ("load_state_dict copies into the model's own tensors and cannot change their shapes: build "
                          "the model with the checkpoint's sizes, or leave those keys out (strict=False loads the rest)")
            elif any(m.startswith("While copying") for m in mismatched):
                advice = "load_state_dict: store tensors (e.g. torch.tensor(value)) in the state dict"
            else:
                advice = "load_state_dict: pass strict=False to load a subset"
            advice += prefix_hint(missing, unexpected) if strict else ""
            raise StateDictError(_state_dict_errors(self, problems, advice))
        with ag.no_grad():
            for key, value in values.items():
                target = own[key]
                if _lazy(target):
                    target.materialize(tuple(value.shape), dtype=target.dtype)
                if assign:
                    path, _, name = key.rpartition(".")
                    owner = self.get_submodule(path)
                    # the checkpoint's tensor (and its device) replaces the module's, as in PyTorch: a model built
                    # on the meta device gets real tensors; a NumPy value goes to the model's (or default) device
                    source = state_dict[key]
                    if isinstance(source, Tensor):   # taken as it is: the module shares its memory, as PyTorch's
                        fresh = source[0] if source.shape != target.shape else source   # a 1-element one as 0-d
                    else:
                        device = ag.get_default_device() if target.device.type == "meta" else target.device
                        fresh = arrays.wrap(device.asarray(value.copy()), device)
                    if name in owner._parameters and isinstance(fresh, Parameter):
                        fresh.requires_grad_(target.requires_grad)
                    elif name in owner._parameters:
                        fresh = Parameter(fresh, requires_grad=target.requires_grad)
                    owner._register(owner._parameters if name in owner._parameters else owner._buffers, name, fresh)
                else:
                    arrays.assign_(target, target.device.asarray(value.astype(target.dtype, copy=False)))
        for key, module in extra.items():
            if key in state_dict:
                module.set_extra_state(state_dict[key])
        return IncompatibleKeys(missing, unexpected)

    # ----- printing ----------------------------------------------------------------------------
    def extra_repr(self):
        """Text shown inside this module's parentheses in repr()."""
        return ""

    def _get_name(self):
        """The name repr() prints for this module: its class name (PyTorch's hook; subclasses may override it)."""
        return type(self).__name__

    def __repr__(self):
        children = [f"({name}): " + indented(repr(child)) for name, child in self._modules.items()]
        extra = self.extra_repr()
        extra = extra.split("\n") if extra else []
        name = self._get_name()
        if len(extra) == 1 and not children:
            return f"{name}({extra[0]})"
        body = extra + children
        return f"{name}(" + ("\n  " + "\n  ".join(body) + "\n" if body else "") + ")"


def indented(text):
    """`text` with every line after the first indented by two spaces (blank lines stay empty), as nested module
    reprs are printed."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [("  " + line) if line.strip() else "" for line in rest])


class _ModuleHookHandle(RemovableHandle):
    """The handle of a module hook: .remove() drops it from every store that mentions it."""

    def __init__(self, module, key):
        super().__init__(module.__dict__["_forward_hooks"], key)
        self._module_stores = [module.__dict__[store] for store in _HOOK_STORES]

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        for store in self._module_stores:
            store.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
