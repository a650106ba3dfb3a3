"""serialize_keras_object / deserialize_keras_object: objects as JSON-ready dicts in Keras 3's layout and back.

An object becomes {"module", "class_name", "config", "registered_name"} (layers add "build_config", models
"compile_config"); nested values are serialized the same way (tuples stay tuples until JSON), NumPy arrays
{"class_name": "__numpy__", ...}, functions {"class_name": "function", "config": <name>, ...}. Loading finds
a class in custom_objects, an enclosing custom_object_scope or the register_keras_serializable registry,
and nn.keras's own classes and functions by name when the module is Keras's. Python lambdas are never
written or read (Keras would store their bytecode; deepgrad stores no code).
"""
import inspect
import types

import numpy as np

from . import registration

_PLAIN = (str, int, float, bool)
#: optimizers Keras's torch backend replaces with torch subclasses of its own, written under their backend module
#: and with a registered name
_TORCH_OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion")
_NESTED_FAILURE = "deserialize_keras_object: "


def _public_module(cls_or_fn):
    """The Keras module name a built-in class or function of nn.keras is written under, else None."""
    module = getattr(cls_or_fn, "__module__", "") or ""
    if not module.startswith("nn.keras"):
        return None
    if getattr(cls_or_fn, "__name__", "") == "Functional":
        return "keras.src.models.functional"
    for part in ("layers", "initializers", "regularizers", "constraints", "losses", "metrics", "optimizers.schedules",
                 "optimizers", "activations", "distillation", "quantizers"):
        if module == f"nn.keras.{part}" or module.startswith(f"nn.keras.{part}."):
            return f"keras.{part}"
    return "keras"


def serialize_keras_object(obj):
    """A JSON-ready description of `obj` (plain values as they are, objects as Keras's config dicts)."""
    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, (list, tuple)):   # a tuple stays a tuple, as in Keras (JSON writes both as lists)
        values = [serialize_keras_object(v) for v in obj]
        return tuple(values) if isinstance(obj, tuple) else values
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    return _serialize_instance(obj)


def _serialize_function(fn):
    if fn.__name__ == "<lambda>":
        raise ValueError("serialize_keras_object: a Python lambda cannot be saved by nn.keras (it stores no code); "
                         "use a named function decorated with @keras.saving.register_keras_serializable()")
    # Keras 3 writes every function alike, its own and the user's: the name ('relu', 'package>name') under
    # module 'builtins'; loading looks the name up among registered objects, then among Keras's functions
    return {"module": "builtins", "class_name": "function", "config": registration.get_registered_name(fn),
            "registered_name": "function"}


def _serialize_instance(obj):
    cls = type(obj)
    if hasattr(obj, "get_config"):
        config = obj.get_config()
        if not isinstance(config, dict):
            raise TypeError(f"The get_config() method of {cls.__name__} should return a dict; it returned "
                            f"{type(config).__name__}")
    elif _public_module(cls) is not None:
        config = _config_from_attributes(obj)
    else:
        raise TypeError(f"Cannot serialize object {obj!r} of type {cls.__name__}: to be serializable, a class must "
                        "implement get_config()")
    module = _public_module(cls)
    if module == "keras.optimizers" and cls.__name__ in _TORCH_OPTIMIZERS:
        result = {"module": f"keras.src.backend.torch.optimizers.torch_{cls.__name__.lower()}",
                  "class_name": cls.__name__, "config": serialize_keras_object(config),
                  "registered_name": cls.__name__}
    elif module is not None:
        # Functional is no public Keras class: Keras writes its registered name (the class name) beside its module
        result = {"module": module, "class_name": cls.__name__, "config": serialize_keras_object(config),
                  "registered_name": cls.__name__ if module == "keras.src.models.functional" else None}
    else:
        result = {"module": None if cls.__module__ == "__main__" else cls.__module__, "class_name": cls.__name__,
                  "config": serialize_keras_object(config),
                  "registered_name": registration.get_registered_name(cls)}
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            result["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            result["compile_config"] = serialize_keras_object(compile_config)
    return result


def _config_from_attributes(obj):
    """The constructor's arguments read back from same-named attributes (nn.keras classes without get_config:
    metrics, learning-rate schedules)."""
    config = {}
    for name, parameter in inspect.signature(type(obj).__init__).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if hasattr(obj, name):
            config[name] = getattr(obj, name)
    return config


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a serialize_keras_object dict describes (plain values, lists and already-made objects are
    returned as they are, with their nested descriptions made into objects)."""
    if config is None or isinstance(config, _PLAIN):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(v, custom_objects, safe_mode) for v in config]
    if not isinstance(config, dict):
        return config
    if not is_object_config(config):
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__lambda__":
        raise ValueError("deserialize_keras_object: this file holds a Python lambda (Keras's '__lambda__' "
                         "bytecode); nn.keras never runs stored code, whatever safe_mode says. Replace the lambda "
                         "with a named function and pass it in custom_objects")
    if class_name == "__keras_tensor__":
        raise ValueError("deserialize_keras_object: a symbolic tensor is only valid inside a functional model's "
                         "config; load the whole model with keras.models.load_model")
    found = resolve(class_name, config.get("registered_name"), config.get("module"), custom_objects,
                    config, function=class_name == "function")
    if class_name == "function" or isinstance(found, types.FunctionType):
        return found
    factory = getattr(found, "from_config", None)
    if factory is None and _public_module(found) is not None:   # nn.keras classes whose config is their arguments
        def factory(settings):
            return found(**{k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in settings.items()})
    if factory is None:
        raise TypeError(f"Unable to reconstruct an instance of {class_name!r}: the class has no from_config() "
                        f"method. Full object config: {config}")
    with registration.CustomObjectScope(custom_objects):
        try:
            instance = factory(inner)
        except TypeError as error:
            if str(error).startswith(_NESTED_FAILURE):   # an inner object's failure already says what and where
                raise
            raise TypeError(f"{_NESTED_FAILURE}{found.__name__} could not be deserialized from its config ({error}). Objects that "
                            "get_config() returns (layers, models, ...) must be deserialized again in the "
                            f"class's from_config(). config={config}") from error
        build_config = config.get("build_config")
        if build_config and hasattr(instance, "build_from_config") and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


def is_object_config(value):
    """Whether `value` is a serialized object ({"class_name": ..., "config": ...}) rather than a plain dict."""
    return isinstance(value, dict) and "class_name" in value and "config" in value


_BUILTIN_CLASSES = {}     # name -> nn.keras class, filled by saving/builtins.py
_BUILTIN_FUNCTIONS = {}   # name -> nn.keras function (activations, losses)
_MODULE_CLASSES = {}      # Keras module ('keras.metrics') -> {name: nn.keras class}


def add_builtins(classes, functions, by_module=None):
    """Make nn.keras's own classes and functions findable by name for configs whose module is Keras's
    (`by_module` first: {'keras.metrics': {name: class}}, for the names two modules share)."""
    _BUILTIN_CLASSES.update(classes)
    _BUILTIN_FUNCTIONS.update(functions)
    for module, table in (by_module or {}).items():
        _MODULE_CLASSES.setdefault(module, {}).update(table)


def resolve(class_name, registered_name, module, custom_objects, full_config, function=False):
    """The class (or function, for class_name 'function') a config names; a TypeError naming the fix when
    none is known."""
    name = full_config.get("config") if function else class_name
    for key in (registered_name, name):
        if key:
            found = registration.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    if module is not None and (module == "keras" or module.startswith("keras.") or
                               (function and module == "builtins")):
        own = {} if function else _MODULE_CLASSES.get(module, {})
        if name in own:
            return own[name]
        table = _BUILTIN_FUNCTIONS if function else _BUILTIN_CLASSES
        if name in table:
            return table[name]
    kind = "function" if function else "class"
    raise TypeError(f"Could not locate {kind} {name!r}. Make sure custom classes and functions are decorated with "
                    "@keras.saving.register_keras_serializable() and imported before loading, or pass "
                    f"custom_objects={{{name!r}: {name}}} to load_model. Full object config: {full_config}")
