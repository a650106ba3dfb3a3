"""torch.overrides: calls of torch functions and Tensor methods handed to `__torch_function__`.

PyTorch checks every call of a torch function or Tensor method for arguments whose type defines its own
`__torch_function__` (a Tensor subclass, or any class) and hands the call to it. deepgrad's functions and methods
do not check, so that plain Tensors pay nothing: when the first Tensor subclass that takes part in dispatch is
defined (tensor_subclasses.py), the Tensor methods and the functions of the namespaces registered here
(`ag`, `ag.linalg`, `ag.special`, `ag.fft`, and nn.functional once nn loads) are wrapped in place by `dispatching`,
which passes a call on as before unless such an argument is among its arguments. What ops return for subclass
instances is decided in Function.apply (tensor_subclasses.py), which also covers calls made inside deepgrad.
"""
import functools
import types

from . import tensor_subclasses as subclasses
from .tensor import Tensor
from .tensor_subclasses import (DisableTorchFunction, DisableTorchFunctionSubclass,  # noqa: F401 (torch._C's)
                                _disabled_torch_function_impl, state)

#: the Tensor operators that dispatch, with the method PyTorch passes as `func` for them (None: the operator)
_OPERATORS = {"__add__": "add", "__radd__": "add", "__mul__": "mul", "__rmul__": "mul", "__sub__": "sub",
              "__truediv__": "div", "__matmul__": "matmul", "__pow__": "pow", "__iadd__": "add_",
              "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_"}
_OPERATORS.update({name: None for name in (
    "__rsub__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__rpow__", "__rmatmul__",
    "__neg__", "__pos__", "__abs__", "__invert__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__",
    "__lshift__", "__rlshift__", "__rshift__", "__rrshift__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
    "__ge__", "__getitem__", "__setitem__", "__ipow__", "__ifloordiv__", "__imod__", "__iand__", "__ior__",
    "__ixor__", "__ilshift__", "__irshift__", "__imatmul__")})
#: functions PyTorch does not hand to __torch_function__ (they make tensors from data, or only ask about them)
_NOT_DISPATCHED = frozenset(("tensor", "as_tensor", "asarray", "from_numpy", "is_tensor", "is_storage",
                             "as_subclass", "_make_subclass", "manual_seed", "seed", "set_default_dtype",
                             "set_default_device", "get_default_dtype", "get_default_device", "set_printoptions",
                             "is_grad_enabled", "set_grad_enabled", "requires_grad_", "register_hook"))

#: the Tensor properties that give tensors (their getters dispatch as PyTorch's)
_PROPERTIES = ("data", "real", "imag", "T", "mT", "H", "mH")

#: the modules whose functions never dispatch: the transforms and the engine (torch.func, torch.autograd), which PyTorch
#: does not hand to __torch_function__ either, and whose functions other namespaces share by identity
_NOT_DISPATCHED_FROM = ("autograd.func", "autograd.engine", "autograd.autograd_api", "autograd.grad_mode",
                        "autograd.backward_inputs", "autograd.gradcheck", "autograd.overrides", "autograd.tensor_subclasses")

_namespaces = []
_wrappers = {}   # function -> its dispatching wrapper: a function reached under several names stays one object
_installed = False
_no_torch_function = {}   # type -> whether it defines no __torch_function__ of its own (cache for foreign types)
#: the types found to take no part in dispatch (containers are looked into, so they are not here)
_plain = {Tensor, int, float, bool, complex, str, type(None), slice, type(Ellipsis)}


def _takes_part(value):
    cls = value.__class__
    if cls is Tensor:
        return False
    if cls in subclasses.enabled_types:
        return True
    plain = _no_torch_function.get(cls)
    if plain is None:
        plain = _no_torch_function[cls] = (issubclass(cls, Tensor) or cls in (list, tuple, dict)
                                           or not hasattr(cls, "__torch_function__"))
        if plain and cls not in (list, tuple, dict):
            _plain.add(cls)
    return not plain


def _overloaded(relevant):
    """The arguments among `relevant` (and one level into lists/tuples) whose types handle calls, in PyTorch's
    order: one per type, a subclass before its bases, otherwise left to right."""
    found = []
    for value in relevant:
        items = value if value.__class__ in (list, tuple) else (value,)
        for item in items:
            if not _takes_part(item) or any(type(f) is type(item) for f in found):
                continue
            at = next((i for i, f in enumerate(found) if issubclass(type(item), type(f))), len(found))
            found.insert(at, item)
    return found


def has_torch_function(relevant_args):
    """Whether a call with these arguments is handed to a __torch_function__ (torch.overrides.has_torch_function)."""
    return not state.disabled and bool(_overloaded(relevant_args))


def has_torch_function_unary(arg):
    """has_torch_function for one argument."""
    return has_torch_function((arg,))


def has_torch_function_variadic(*args):
    """has_torch_function for these arguments."""
    return has_torch_function(args)


def is_tensor_like(value):
    """True for a Tensor, or an object whose type defines __torch_function__ (torch.overrides.is_tensor_like)."""
    return isinstance(value, Tensor) or hasattr(type(value), "__torch_function__")


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Hand the call public_api(*args, **kwargs) to the __torch_function__ of the overloaded arguments among
    `relevant_args`, in PyTorch's order, and return the first result that is not NotImplemented; PyTorch's
    TypeError when every one declines."""
    overloaded = _overloaded(relevant_args)
    kinds = tuple(type(a) for a in overloaded)
    for arg in overloaded:
        result = type(arg).__torch_function__(public_api, kinds, args, kwargs)
        if result is not NotImplemented:
            return result
    name = getattr(public_api, "__name__", repr(public_api))
    raise TypeError(f"no implementation found for '{name}' on types that implement __torch_function__: "
                    f"{[type(a) for a in overloaded]}")


def dispatching(func, shown=None, name=None, owner=None):
    """`func` checking its arguments for types that handle calls (see module docstring); `shown` is the function
    passed to __torch_function__ as `func` (the wrapper itself by default); `name` the name it is reached by (on
    the class `owner`, for a method)."""
    @functools.wraps(func)
    def public(*args, **kwargs):
        for a in args:   # the common case first: only plain Tensors, numbers and the like (a set lookup each)
            if a.__class__ not in _plain:
                break
        else:
            if not kwargs:
                return func(*args, **kwargs)
        if state.disabled or not (_overloaded(args) or (kwargs and _overloaded(kwargs.values()))):
            return func(*args, **kwargs)
        return handle_torch_function(shown or public, args + tuple(kwargs.values()), *args, **kwargs)
    public.__wrapped_for_dispatch__ = func
    if name is not None:
        public.__name__ = name
        public.__qualname__ = name if owner is None else f"{owner}.{name}"
    return public


def register_namespace(module):
    """Make the functions of `module` dispatch too once a subclass takes part (nn.functional registers itself)."""
    _namespaces.append(module)
    if _installed:
        _wrap_namespace(module)


def _wrap_namespace(module):
    for name, value in list(vars(module).items()):
        if (isinstance(value, types.FunctionType) and not name.startswith("_") and name not in _NOT_DISPATCHED
                and not hasattr(value, "__wrapped_for_dispatch__")
                and not (value.__module__ or "").startswith(_NOT_DISPATCHED_FROM)):
            wrapper = _wrappers.get(value)
            if wrapper is None:
                wrapper = _wrappers[value] = dispatching(value, name=name)
            setattr(module, name, wrapper)


def _wrap_methods():
    methods = {}
    for name, value in list(vars(Tensor).items()):
        if not isinstance(value, types.FunctionType) or hasattr(value, "__wrapped_for_dispatch__"):
            continue
        if (name.startswith("_") and name not in _OPERATORS) or name in _NOT_DISPATCHED:
            continue
        methods[name] = dispatching(value, name=name, owner="Tensor")
        setattr(Tensor, name, methods[name])
    for name in _PROPERTIES:   # the properties that give tensors dispatch their getters, as PyTorch's
        prop = vars(Tensor).get(name)
        if isinstance(prop, property) and not hasattr(prop.fget, "__wrapped_for_dispatch__"):
            getter = dispatching(prop.fget, name="__get__", owner=name)
            setattr(Tensor, name, property(getter, prop.fset, prop.fdel, prop.__doc__))
    for name, method in methods.items():   # `t + u` reaches __torch_function__ as Tensor.add, as in PyTorch
        target = _OPERATORS.get(name)
        if target in methods:
            method_shown = methods[target]
            setattr(Tensor, name, dispatching(method.__wrapped_for_dispatch__, method_shown, name, "Tensor"))


def _install(cls):
    global _installed
    if _installed:
        return
    _installed = True
    _wrap_methods()
    for module in _namespaces:
        _wrap_namespace(module)


subclasses.on_enabled.append(_install)
