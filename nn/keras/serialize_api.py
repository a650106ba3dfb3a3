"""The `serialize(obj)` / `deserialize(config, custom_objects=None)` pair that Keras puts in each of
keras.losses, metrics, optimizers, initializers, regularizers, constraints, activations and layers: thin
wrappers of keras.saving's serialize_keras_object / deserialize_keras_object (imported when first used, as
saving sits above these modules)."""


_MODULES = {"layer": "layers", "activation": "activations"}


def serializers(kind, by_name=None):
    """The (serialize, deserialize) functions for one kind of object ('loss', 'metric', ...); `by_name` makes
    a built-in from its name ('relu', 'adam') when deserialize is given a string."""
    def serialize(obj):
        """A JSON-ready dict describing this object ({'module', 'class_name', 'config', ...}), as Keras writes."""
        from .saving.serialization import serialize_keras_object
        return serialize_keras_object(obj)

    def deserialize(config, custom_objects=None):
        """The object `serialize` described (a config dict, or a built-in's name); classes of the user's are
        found in `custom_objects` or among registered serializable classes."""
        from .saving.serialization import deserialize_keras_object
        if isinstance(config, str) and by_name is not None:
            return by_name(config)
        if config is None:
            raise ValueError(f"deserialize: expected a serialized {kind} (a dict from serialize, or a name), got None")
        if isinstance(config, dict) and "class_name" in config and "module" not in config:
            # {'class_name': 'SGD', 'config': {...}}, as users write them: a class of this Keras module
            config = {"module": f"keras.{_MODULES.get(kind, kind)}", "config": {}, **config}
        return deserialize_keras_object(config, custom_objects=custom_objects)

    serialize.__qualname__, deserialize.__qualname__ = "serialize", "deserialize"
    return serialize, deserialize
