"""torch.overrides: calls of torch functions and Tensor methods handed to `__torch_function__`.

PyTorch checks every call of a torch function or Tensor method for arguments whose type defines its own
`__torch_function__` (a Tensor subclass, or any class) and hands the call to it. deepgrad's functions and methods
do not check, so that plain Tensors pay nothing: when the first Tensor subclass that takes part in dispatch is
defined (tensor_subclasses.py), the Tensor methods and the functions of the namespaces registered here
(`ag`, `ag.linalg`, `ag.special`, `ag.fft`, and nn.functional once nn loads) are wrapped in place by `dispatching`,
which passes a call on as before unless such an argument is among its arguments. What ops return for subclass
instances is decided in Function.apply (tensor_subclasses.py), which also covers calls made inside deepgrad. Names bound to those functions elsewhere (`from autograd import add`
in a user's module, F.linear inside nn.Linear) are rebound to the dispatching ones at the same time.
A TorchFunctionMode (function_modes.py) entered installs the same wrappers: while one is entered, every call goes
first to the innermost mode's __torch_function__, with that mode taken off the stack while it runs.
"""
import functools
import inspect
import sys
import threading
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
    "__ixor__", "__ilshift__", "__irshift__", "__imatmul__",
    # conversions and queries PyTorch hands on too (their own reads of shape or item() then do not dispatch)
    "__len__", "__bool__", "__float__", "__int__", "__index__", "__complex__", "__repr__", "__contains__",
    "__reversed__", "__array__")})
#: functions PyTorch does not hand to __torch_function__ (they make tensors from data, or only ask about them)
_NOT_DISPATCHED = frozenset(("tensor", "as_tensor", "asarray", "from_numpy", "is_tensor", "is_storage",
                             "as_subclass", "_make_subclass", "manual_seed", "seed", "set_default_dtype",
                             "set_default_device", "get_default_dtype", "get_default_device", "set_printoptions",
                             "is_grad_enabled", "set_grad_enabled", "requires_grad_", "register_hook"))

#: Tensor methods that PyTorch hands to __torch_function__ as another method: alias -> that method
_ALIASES = {"nelement": "numel", "ndimension": "dim"}
#: Tensor properties whose getters do not dispatch
_PROPERTIES_NOT_DISPATCHED = frozenset()

#: the modules whose functions never dispatch: the transforms and the engine (torch.func, torch.autograd), which PyTorch
#: does not hand to __torch_function__ either, and whose functions other namespaces share by identity
_NOT_DISPATCHED_FROM = ("autograd.func", "autograd.engine", "autograd.autograd_api", "autograd.grad_mode",
                        "autograd.backward_inputs", "autograd.gradcheck", "autograd.overrides", "autograd.tensor_subclasses")

_namespaces = []
_engine = []   # (function, the names of its tensor arguments, the modules it is reached from): register_engine
_wrappers = {}   # function -> its dispatching wrapper: a function reached under several names stays one object
_installed = False
_no_torch_function = {}   # type -> whether it defines no __torch_function__ of its own (cache for foreign types)
#: the types found to take no part in dispatch (containers are looked into, so they are not here)
_plain = {Tensor, int, float, bool, complex, str, type(None), slice, type(Ellipsis)}
#: the packages whose modules' names are not rebound to dispatching functions (their calls are PyTorch's C++ ones)
_OWN_INTERNALS = ("autograd.",)


class _Modes(threading.local):
    def __init__(self):
        self.stack = []   # the TorchFunctionModes entered in this thread, innermost last


modes = _Modes()
_modes_entered = 0   # modes entered in any thread: 0 lets the wrappers skip the mode check


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
    return _mode_now() or (not state.disabled and bool(_overloaded(relevant_args)))


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
    TypeError when every one declines. An entered TorchFunctionMode gets the call first."""
    if _mode_now():
        return _call_mode(public_api, args, kwargs, relevant_args)
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
        if not _modes_entered:
            for a in args:   # the common case first: only plain Tensors, numbers and the like (a set lookup each)
                if a.__class__ not in _plain:
                    break
            else:
                if not kwargs:
                    return func(*args, **kwargs)
        return _dispatch(func, shown or public, args, kwargs)
    public.__wrapped_for_dispatch__ = func
    if name is not None:
        public.__name__ = name
        public.__qualname__ = name if owner is None else f"{owner}.{name}"
    return public


def _mode_now():
    return _modes_entered and modes.stack and not state.modes_off


def _call_mode(shown, args, kwargs, relevant=None):
    """Hand the call to the innermost entered mode, off the stack while its __torch_function__ runs."""
    stack = modes.stack
    mode = stack.pop()
    try:
        relevant = args + tuple(kwargs.values()) if relevant is None else relevant
        kinds = tuple(type(a) for a in _overloaded(relevant))
        result = mode.__torch_function__(shown, kinds, args, kwargs)
    finally:
        stack.append(mode)
    if result is NotImplemented:
        name = getattr(shown, "__name__", repr(shown))
        raise TypeError(f"no implementation found for '{name}': the TorchFunctionMode {type(mode).__name__} "
                        "returned NotImplemented")
    return result


def _dispatch(func, shown, args, kwargs, relevant=None):
    """Run func(*args, **kwargs), or hand it to the entered mode or the subclasses that handle it (as `shown`)."""
    if _mode_now():
        return _call_mode(shown, args, kwargs, relevant)
    if relevant is None:
        relevant = args + tuple(kwargs.values()) if kwargs else args
    if state.disabled or not _overloaded(relevant):
        return func(*args, **kwargs)
    return handle_torch_function(shown, relevant, *args, **kwargs)


def push_mode(mode):
    """Enter a TorchFunctionMode in this thread (the dispatching wrappers are installed on the first)."""
    global _modes_entered
    _install(None)
    modes.stack.append(mode)
    _modes_entered += 1


def pop_mode(mode):
    """Leave the innermost TorchFunctionMode, which must be `mode`."""
    global _modes_entered
    stack = modes.stack
    if not stack or stack[-1] is not mode:
        raise RuntimeError(f"{type(mode).__name__}.__exit__: this mode is not the innermost one entered in this "
                           "thread; leave modes in the reverse order of entering them")
    stack.pop()
    _modes_entered -= 1


def register_namespace(module):
    """Make the functions of `module` dispatch too once a subclass takes part (nn.functional registers itself)."""
    _namespaces.append(module)
    if _installed:
        _wrap_namespace(module)
        _rebind_imported_names()


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
    for name, prop in list(vars(Tensor).items()):   # getters and setters dispatch as PyTorch's (shape.__get__)
        if (isinstance(prop, property) and name not in _PROPERTIES_NOT_DISPATCHED
                and not isinstance(prop, _DispatchingProperty)):
            setattr(Tensor, name, _DispatchingProperty.over(prop, name))
    _wrap_size()
    for alias, target in _ALIASES.items():   # handed on as the method PyTorch passes for them
        if alias in methods and target in methods:
            setattr(Tensor, alias, dispatching(methods[alias].__wrapped_for_dispatch__, methods[target], alias,
                                               "Tensor"))
    subclasses.not_wrapped[:] = [Tensor.grad.__get__, Tensor._base.__get__]
    for name, method in methods.items():   # `t + u` reaches __torch_function__ as Tensor.add, as in PyTorch
        target = _OPERATORS.get(name)
        if target in methods:
            method_shown = methods[target]
            setattr(Tensor, name, dispatching(method.__wrapped_for_dispatch__, method_shown, name, "Tensor"))


def _wrap_size():
    """`t.size()` hands `Tensor.size` to __torch_function__ as PyTorch's (Tensor.size is NumPy's element count on a
    tensor and the method on the class: methods_convert.SizeAttribute)."""
    kind = type(vars(Tensor).get("size"))   # SizeAttribute, read off Tensor (methods_convert sits floors above)
    if not hasattr(kind, "dispatch") or hasattr(kind.method, "__wrapped_for_dispatch__"):
        return
    kind.method = staticmethod(dispatching(kind.method, name="size", owner="Tensor"))
    kind.dispatch = staticmethod(_size_dispatches)


def _size_dispatches(tensor):
    if _mode_now():
        return True
    return tensor.__class__ not in _plain and not state.disabled and _takes_part(tensor)


class _DispatchingProperty(property):
    """A Tensor property whose getter and setter hand calls to __torch_function__ as `Tensor.<name>.__get__` /
    `.__set__` (PyTorch's `func` for them; `func.__self__.__name__` is the property's name)."""

    @classmethod
    def over(cls, prop, name):
        fget, fset = prop.fget, prop.fset

        def get(self):
            if self.__class__ in _plain and not _modes_entered:
                return fget(self)
            return _dispatch(fget, new.__get__, (self,), {})

        def set_(self, value):
            if self.__class__ in _plain and not _modes_entered:
                return fset(self, value)
            return _dispatch(fset, new.__set__, (self, value), {})

        new = cls(get, set_ if fset is not None else None, prop.fdel, prop.__doc__)
        new.__name__ = name
        return new


def _dispatching_engine(func, tensor_args):
    """torch.autograd.grad / backward handing calls to __torch_function__ as PyTorch's do: the tensors among the
    arguments named `tensor_args` are looked at, and the call is passed on in PyTorch's form (every argument after
    the tensor ones by keyword, with its default)."""
    signature = inspect.signature(func)
    split = len(tensor_args) if func.__name__ == "grad" else 1

    @functools.wraps(func)
    def public(*args, **kwargs):
        if not _modes_entered and not subclasses.active:
            return func(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return func(*args, **kwargs)   # func's own error
        bound.apply_defaults()
        given = bound.arguments
        relevant = tuple(t for n in tensor_args if given[n] is not None for t in _as_tuple(given[n])
                         if is_tensor_like(t))
        if not (_mode_now() or (not state.disabled and _overloaded(relevant))):
            return func(*args, **kwargs)
        names = list(given)
        positional = tuple(_as_tuple(given[n]) for n in names[:split])
        keywords = {n: given[n] for n in names[split:]}
        return _dispatch(func, public, positional, keywords, relevant)
    public.__wrapped_for_dispatch__ = func
    return public


def _as_tuple(value):
    return (value,) if isinstance(value, Tensor) or not isinstance(value, (list, tuple)) else tuple(value)


def register_engine(func, tensor_args, *modules):
    """Make torch.autograd's `func` (grad, backward) dispatch, as PyTorch's, once a subclass or mode takes part:
    the tensors among its arguments named `tensor_args` are looked at; the name is rebound in `modules`."""
    _engine.append((func, tensor_args, modules))
    if _installed:
        _wrap_engine()


def _wrap_engine():
    for func, tensor_args, modules in _engine:
        if func not in _wrappers:
            _wrappers[func] = _dispatching_engine(func, tensor_args)
        for module in modules:
            _rebind(module, engine_too=True)


def _rebind(module, engine_too=False):
    try:
        names = vars(module)
    except TypeError:
        return
    for name, value in list(names.items()):
        if type(value) is types.FunctionType and value in _wrappers:
            wrapper = _wrappers[value]
            if engine_too or not (value.__module__ or "").startswith(_NOT_DISPATCHED_FROM):
                setattr(module, name, wrapper)


def _rebind_imported_names():
    """Point names bound to wrapped functions outside autograd (a user's `from autograd import add`, nn's
    `from ..functional.linear import linear`) at the dispatching wrappers, as every such name dispatches in PyTorch."""
    for module_name, module in list(sys.modules.items()):
        if module is not None and not module_name.startswith(_OWN_INTERNALS) and module_name != "autograd":
            _rebind(module, engine_too=True)


def _install(cls):
    global _installed
    if _installed:
        return
    _installed = True
    _wrap_methods()
    for module in _namespaces:
        _wrap_namespace(module)
    _wrap_engine()
    _rebind_imported_names()


subclasses.on_enabled.append(_install)


class TorchFunctionMode:
    """torch.overrides.TorchFunctionMode: subclass it and write __torch_function__(self, func, types, args=(),
    kwargs=None); inside `with mode:` every call of a torch function, Tensor method or property goes to it (the
    innermost mode first; while it runs it is off the stack, so its own calls reach the modes outside it)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        """Handle one call (this base class handles none)."""
        raise NotImplementedError()

    def __enter__(self):
        push_mode(self)
        return self

    def __exit__(self, *exc):
        pop_mode(self)
        return False


def _get_current_function_mode_stack():
    """The TorchFunctionModes entered in this thread, outermost first (torch.overrides')."""
    return list(modes.stack)


def _get_current_function_mode():
    """The innermost TorchFunctionMode entered in this thread, or None."""
    return modes.stack[-1] if modes.stack else None
