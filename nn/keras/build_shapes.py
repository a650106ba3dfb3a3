"""The shapes a layer's own `build()` is given when it takes several, as Keras 3 matches them to `call()`'s arguments.

A `build(self, input_shape)` with one parameter gets the shape of the call's first input (layer.py does that);
a `build(self)` with none is called with nothing.
A `build(self, x0_shape, x_shape)` with several gets, for each parameter `<name>_shape`, the shape of `call()`'s
argument `<name>` (a structure of shapes for a list or dict of tensors), by keyword; a parameter that is not named
so, or names no argument of `call()`, is Keras's ValueError. The same holds for `get_build_config`, which then
reports `{"shapes_dict": ...}`, and `build_from_config`, which passes it back."""
import inspect

_SHAPE_KINDS = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                inspect.Parameter.KEYWORD_ONLY)


def build_parameters(build):
    """The names of a bound `build` method's shape parameters (those Keras fills: not *args or **kwargs)."""
    return [name for name, p in inspect.signature(build).parameters.items() if p.kind in _SHAPE_KINDS]


def shapes_by_name(layer, args, kwargs, shape_of, is_tensor):
    """{'<name>_shape': shape} for `layer.build(**...)` from a call of `layer` with `args` and `kwargs`, when its
    build takes several parameters, {} when it takes none (`build(self)`, called with nothing, as Keras calls it);
    None when it takes one. `shape_of` gives one tensor's shape and `is_tensor` tells a tensor from other values."""
    names = build_parameters(layer.build)
    if not names:
        return {}
    if len(names) == 1:
        return None
    try:
        bound = inspect.signature(type(layer).call).bind(layer, *args, **kwargs).arguments
    except TypeError:
        return None   # the call itself fails on these arguments, with call's own error
    shapes = {}
    preamble = ("For a `build()` method with more than one argument, all arguments should have a `_shape` suffix "
                "and match an argument from `call()`. E.g. `build(self, foo_shape, bar_shape)` ")
    for name in names:
        if not name.endswith("_shape"):
            raise ValueError(f"{preamble} For layer '{type(layer).__name__}', Received `build()` argument `{name}`, "
                             "which does not end in `_shape`.")
        argument = name[: -len("_shape")]
        if argument not in inspect.signature(type(layer).call).parameters:
            raise ValueError(f"{preamble} For layer '{type(layer).__name__}', received `build()` argument `{name}`, "
                             f"but `call()` does not have argument `{argument}`.")
        if argument in bound and argument not in ("mask", "args", "kwargs"):
            shape = _shapes(bound[argument], shape_of, is_tensor)
            if shape is not None:
                shapes[name] = shape
    return shapes


def _shapes(value, shape_of, is_tensor):
    """The shape of a tensor, the structure of shapes of a non-empty list, tuple or dict of tensors (None entries
    kept), or None for any other value (not passed to build, as in Keras)."""
    if is_tensor(value):
        return shape_of(value)
    if isinstance(value, (list, tuple)) and value:
        if all(v is None or is_tensor(v) for v in value) and any(is_tensor(v) for v in value):
            return type(value)(None if v is None else shape_of(v) for v in value)
    if isinstance(value, dict) and value:
        if all(v is None or is_tensor(v) for v in value.values()) and any(is_tensor(v) for v in value.values()):
            return {k: None if v is None else shape_of(v) for k, v in value.items()}
    return None
