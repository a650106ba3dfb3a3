"""How a nested tensor reads the call of a function form handed to it (`nested_call`): the arguments as the dense
function reads them, NumPy's spellings folded into PyTorch's parameters, so the nested forms see one spelling."""
import functools
import inspect

from ..ops.dims import resolve

#: NumPy's name of a parameter -> PyTorch's (the function forms accept both)
NUMPY_SPELLINGS = {"axis": "dim", "keepdims": "keepdim", "start_axis": "start_dim", "end_axis": "end_dim"}

#: the function forms whose dense form reads dim=None as dim 0 (the reductions read it as every dim)
DIM_ZERO_WHEN_NONE = frozenset({"cat", "stack", "split", "unbind"})


@functools.lru_cache(maxsize=None)
def _positional_names(func):
    """The names of `func`'s parameters that a call may pass by position, in order."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in inspect.signature(func).parameters.values() if p.kind in kinds)


def torch_form(func, args, kwargs):
    """(args, kwargs) of the call func(*args, **kwargs) as its nested forms take it: NumPy's `axis`, `keepdims`,
    `start_axis`, `end_axis` folded into `dim`, `keepdim`, `start_dim`, `end_dim` by the dense forms' rules (`axis`
    and a different `dim` together are refused, `keepdims` wins over `keepdim`, `start_axis`/`end_axis` win), a
    None dim of cat/stack/split/unbind made 0, and the `inplace` flag left out (a nested form returns a new nested
    tensor)."""
    names = _positional_names(func)
    op = func.__name__
    if not (kwargs.keys() & NUMPY_SPELLINGS.keys() or "inplace" in names or "inplace" in kwargs
            or op in DIM_ZERO_WHEN_NONE):
        return args, kwargs
    args, kwargs = list(args), dict(kwargs)
    kwargs.pop("inplace", None)
    if "inplace" in names and names.index("inplace") < len(args):
        k = names.index("inplace")
        kwargs.update(zip(names[k + 1:], args[k + 1:]))
        del args[k:]
    for numpy_name, torch_name in NUMPY_SPELLINGS.items():
        value = kwargs.pop(numpy_name, None)
        k = names.index(torch_name) if torch_name in names else len(names)
        given = args[k] if k < len(args) else kwargs.get(torch_name)
        if value is not None:
            if torch_name == "dim":
                value = resolve(op, given, value, False, None)[0]
            _put(args, kwargs, k, torch_name, bool(value) if torch_name == "keepdim" else value)
        elif torch_name == "dim" and given is None and op in DIM_ZERO_WHEN_NONE:
            _put(args, kwargs, k, torch_name, 0)
    return tuple(args), kwargs


def _put(args, kwargs, k, name, value):
    """Set parameter `name` (at position `k`) of a call: in `args` when the call passes it by position."""
    if k < len(args):
        args[k] = value
    else:
        kwargs[name] = value
