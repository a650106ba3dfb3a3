"""keras.saving's registry of custom classes and functions: `@register_keras_serializable(package=...)` records an
object under '<package>><name>' so load_model finds it by the name written into config.json, and
`custom_object_scope` makes a dictionary of objects visible to loading for the duration of a `with` block."""

_REGISTERED = {}      # '<package>><name>' -> object
_NAMES = {}           # object -> '<package>><name>'
_SCOPES = []          # the dicts of the enclosing custom_object_scope blocks, innermost last


def register_keras_serializable(package="Custom", name=None):
    """A decorator recording a class or function as '<package>><name>' (name: its __name__); a class must
    define get_config. Loading finds it by that name without custom_objects."""
    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__} has no get_config method; a class must "
                             "define get_config to be serializable")
        _REGISTERED[registered] = obj
        _NAMES[obj] = registered
        return obj
    return decorator


def get_registered_name(obj):
    """The name `obj` is registered under ('<package>><name>'), else its __name__."""
    if obj not in _NAMES and isinstance(obj, type) and "_functional_base" in vars(obj):
        obj = vars(obj)["_functional_base"]   # a Model subclass called with (inputs, outputs) runs as a subclass
    return _NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object known as `name`: from custom_objects, an enclosing custom_object_scope, the registry, or
    module_objects, in that order; None when none has it."""
    for table in ([custom_objects or {}] + _SCOPES[::-1] + [_REGISTERED, module_objects or {}]):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The registry itself (a dict '<package>><name>' -> object); entries added here are found by loading."""
    return _REGISTERED


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}):` makes these objects visible to loading inside the block."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _SCOPES.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        for k in range(len(_SCOPES) - 1, -1, -1):
            if _SCOPES[k] is self.custom_objects:
                del _SCOPES[k]
                break
        return False


custom_object_scope = CustomObjectScope
