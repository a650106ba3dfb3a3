"""Subclasses of Tensor as PyTorch treats them: what ops on a subclass instance return, and `__torch_function__`.

PyTorch calls a subclass's `__torch_function__(func, types, args, kwargs)` for every torch function and Tensor
method given an instance of it; the default one runs `func` with subclass dispatch off and makes the Tensors it
returns instances of the subclass. Here the ops do the same from one place, `Function.apply`, which asks `active`
(one module-attribute read, False until a user's subclass exists, so plain Tensors pay nothing else): an op given
an instance of a subclass runs with dispatch off and its outputs become that class (`convert`). The calls of
torch functions and Tensor methods themselves reach a subclass's own `__torch_function__` through overrides.py,
which wraps them when the first such subclass is defined.

Subclasses that set `__torch_function__ = _disabled_torch_function_impl` (nn.Parameter, as PyTorch's) take no part:
ops on them give plain Tensors; so do deepgrad's own subclasses (nn's buffers, Keras variables).
"""
import threading

from .tensor import Tensor, as_class

#: True once a subclass of Tensor that takes part in dispatch exists (Function.apply reads it)
active = False
#: those subclasses
enabled_types = set()
#: called with each such subclass as it is defined (overrides.py installs the dispatch of calls from here)
on_enabled = []
_OWN_PACKAGES = ("autograd", "nn")
#: the calls whose results the default __torch_function__ leaves as they are (PyTorch's default "nowrap" functions:
#: the getters of `grad` and `_base`; overrides.py puts them here when it makes the properties dispatch)
not_wrapped = []


class _State(threading.local):
    disabled = 0   # > 0 inside DisableTorchFunctionSubclass (and while a default __torch_function__ runs func)
    modes_off = 0   # > 0 inside DisableTorchFunction, which turns off TorchFunctionModes too


state = _State()


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """PyTorch's `torch._C._disabled_torch_function_impl`: a class whose __torch_function__ is this one (a plain
    function, as PyTorch's builtin: it takes no cls) takes no part in dispatch (ops on it return plain Tensors),
    as nn.Parameter."""
    with DisableTorchFunctionSubclass():
        return func(*args, **(kwargs or {}))


class DisableTorchFunctionSubclass:
    """torch._C.DisableTorchFunctionSubclass: inside it, calls and ops ignore subclasses' __torch_function__ and
    return plain Tensors."""

    def __enter__(self):
        state.disabled += 1
        return self

    def __exit__(self, *exc):
        state.disabled -= 1
        return False


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """torch._C.DisableTorchFunction: inside it, neither subclasses' __torch_function__ nor the TorchFunctionModes
    entered see calls."""

    def __enter__(self):
        state.modes_off += 1
        return super().__enter__()

    def __exit__(self, *exc):
        state.modes_off -= 1
        return super().__exit__(*exc)


def takes_part(cls):
    """Whether instances of `cls` (a Tensor subclass) take part in __torch_function__ dispatch."""
    return cls in enabled_types


def _register(cls):
    """Tensor.__init_subclass__: note a subclass that takes part in dispatch."""
    global active
    impl = cls.__dict__.get("__torch_function__")
    if impl is None:   # inherited: the nearest base that sets it decides
        impl = next((base.__dict__["__torch_function__"] for base in cls.__mro__[1:]
                     if "__torch_function__" in base.__dict__), None)
    impl = getattr(impl, "__func__", impl)
    if impl is _disabled_torch_function_impl:
        return
    own = cls.__module__.split(".")[0] in _OWN_PACKAGES and "__torch_function__" not in cls.__dict__
    if own and not any(b in enabled_types for b in cls.__mro__[1:]):
        return   # deepgrad's own subclasses (nn.Buffer, Keras variables) behave as plain Tensors
    enabled_types.add(cls)
    if "_repr_name" not in cls.__dict__:
        cls._repr_name = cls.__name__
    active = True
    for hook in on_enabled:
        hook(cls)


def found(args):
    """The subclass whose instances among `args` (Tensors, or lists of them) decide an op's result type: the most
    derived one (None when there is none, or inside DisableTorchFunctionSubclass)."""
    if state.disabled:
        return None
    best = None
    for a in args:
        cls = a.__class__
        if cls in enabled_types:
            if best is None or issubclass(cls, best):
                best = cls
        elif cls is list or cls is tuple:
            inner = found(a)
            if inner is not None and (best is None or issubclass(inner, best)):
                best = inner
    return best


def convert(result, cls):
    """`result` with each Tensor in it (alone, in a tuple or list, in a named tuple) an instance of `cls`, as
    PyTorch's default __torch_function__ makes them (sharing the values)."""
    if isinstance(result, Tensor):
        if isinstance(result, cls):
            return result
        # PyTorch's Tensor.as_subclass, which puts an alias node on a result that requires grad (its grad_fn is then
        # AliasBackward0, as PyTorch's)
        return result.as_subclass(cls) if result._rg else as_class(result, cls)
    if isinstance(result, (tuple, list)):
        items = [convert(r, cls) for r in result]
        if hasattr(result, "_fields"):   # a named tuple (torch.return_types)
            return type(result)(*items)
        return type(result)(items)
    return result


def default_torch_function(cls, func, types, args=(), kwargs=None):
    """Tensor.__torch_function__: run `func` with subclass dispatch off and make the Tensors it returns instances
    of `cls` (NotImplemented when one of `types` is not a base of cls, as PyTorch's)."""
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunctionSubclass():
        result = func(*args, **kwargs)
    if func in not_wrapped:
        return result
    return convert(result, cls)


def make_subclass(cls, data, require_grad=False, *args, **kwargs):
    """Tensor._make_subclass: an instance of `cls` over `data`'s values (shared memory), outside the graph, that
    requires grad when `require_grad`."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"_make_subclass: cls must be a subclass of Tensor, got {cls!r}")
    if not isinstance(data, Tensor):
        raise TypeError(f"_make_subclass(): argument 'data' (position 2) must be Tensor, not {type(data).__name__}")
    t = as_class(data.detach(), cls)
    if require_grad:
        t.requires_grad_(True)
    return t


Tensor.__init_subclass__ = classmethod(lambda cls, **kwargs: _register(cls))
Tensor.__torch_function__ = classmethod(default_torch_function)
Tensor._make_subclass = staticmethod(make_subclass)
