"""keras.legacy.saving and keras.utils.legacy: the Keras 2 form of (de)serialization, {'class_name': ...,
'config': ...} without the module and registered names that Keras 3's serialize_keras_object writes. Objects
inside a config that themselves have a config are written the same way, marked '__passive_serialization__', and
functions by their registered names; deserialize looks class and function names up in custom_objects, the
enclosing custom_object_scope blocks, the registry and the caller's module_objects (Keras's order). Shared
objects (Keras 2's shared-object scopes) are not tracked: each occurrence is written in full."""
import inspect

from .registration import CustomObjectScope, get_registered_name, get_registered_object


def serialize_keras_object(instance):
    """A JSON-ready description of `instance` in Keras 2's form: {'class_name', 'config'} for an object with
    get_config, the registered name of a function or class, None for None."""
    instance = inspect.unwrap(instance)
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = {}
        for key, item in instance.get_config().items():
            if isinstance(item, str):
                config[key] = item
                continue
            try:
                described = serialize_keras_object(item)
            except ValueError:   # a number, a list, ...: kept as it is
                config[key] = item
                continue
            if isinstance(described, dict) and not isinstance(item, dict):
                described["__passive_serialization__"] = True
            config[key] = described
        return {"class_name": get_registered_name(type(instance)), "config": config}
    if hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance} because it doesn't implement `get_config()`.")


def _unknown(printable_module_name, name):
    return ValueError(f"Unknown {printable_module_name}: '{name}'. Please ensure you are using a "
                      "`keras.utils.custom_object_scope` and that this object is included in the scope, or pass it "
                      "in custom_objects (or module_objects)")


def _class_and_config(config, module_objects, custom_objects, printable_module_name):
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(f"Improper config format for {config}. Expecting python dict contains `class_name` and "
                         "`config` as keys")
    cls = get_registered_object(config["class_name"], custom_objects, module_objects)
    if cls is None:
        raise _unknown(printable_module_name, config["class_name"])
    cls_config = config["config"]
    if isinstance(cls_config, list):
        return cls, cls_config
    for key, item in list(cls_config.items()):
        if key == "name":
            continue
        if isinstance(item, dict) and "__passive_serialization__" in item:
            cls_config[key] = deserialize_keras_object(item, module_objects, custom_objects, "config_item")
        elif isinstance(item, str):
            found = get_registered_object(item, custom_objects, module_objects)
            if inspect.isfunction(found):
                cls_config[key] = found
    return cls, cls_config


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None, printable_module_name="object"):
    """The object a Keras 2 description (from serialize_keras_object, or a name) stands for: a dict is made with
    its class's from_config (or constructor); a name gives the object it names (a class named is made with no
    arguments); a function is returned as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, cls_config = _class_and_config(identifier, module_objects, custom_objects, printable_module_name)
        custom_objects = custom_objects or {}
        if hasattr(cls, "from_config"):
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(cls_config, custom_objects=custom_objects)
            with CustomObjectScope(custom_objects):
                return cls.from_config(cls_config)
        with CustomObjectScope(custom_objects):
            return cls(**cls_config)
    if isinstance(identifier, str):
        found = get_registered_object(identifier, custom_objects, module_objects)
        if found is None:
            raise _unknown(printable_module_name, identifier)
        return found() if inspect.isclass(found) else found
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier}")
