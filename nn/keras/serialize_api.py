"""The `serialize(obj)` / `deserialize(config, custom_objects=None)` pair that Keras puts in each of
keras.losses, metrics, optimizers, initializers, regularizers, constraints, activations and layers: thin
wrappers of keras.saving's serialize_keras_object / deserialize_keras_object (imported when first used, as
saving sits above these modules)."""
import inspect

_MODULES = {"layer": "layers", "activation": "activations"}
# Keras's names for the two functions' first parameters, per module
_SERIALIZED = {"constraints": "constraint", "metrics": "metric", "initializers": "initializer", "layer": "layer",
               "optimizers": "optimizer", "regularizers": "regularizer", "losses": "loss", "activation": "activation"}
_DESCRIBED = {"losses": "name"}


def _signature(*names, **defaults):
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature([inspect.Parameter(n, keyword) for n in names] +
                             [inspect.Parameter(n, keyword, default=d) for n, d in defaults.items()])


def serializers(kind, by_name=None):
    """The (serialize, deserialize) functions for one kind of object ('loss', 'metric', ...); `by_name` makes
    a built-in from its name ('relu', 'adam') when deserialize is given a string."""
    serialize_signature = _signature(_SERIALIZED.get(kind, "obj"))
    deserialize_signature = _signature(_DESCRIBED.get(kind, "config"), custom_objects=None)

    def serialize(*args, **kwargs):
        """A JSON-ready dict describing this object ({'module', 'class_name', 'config', ...}), as Keras writes."""
        from .saving.serialization import serialize_keras_object
        (obj,) = serialize_signature.bind(*args, **kwargs).arguments.values()
        return serialize_keras_object(obj)

    def deserialize(*args, **kwargs):
        """The object `serialize` described (a config dict, or a built-in's name); classes of the user's are
        found in `custom_objects` or among registered serializable classes."""
        from .saving.serialization import deserialize_keras_object
        bound = deserialize_signature.bind(*args, **kwargs)
        bound.apply_defaults()
        config, custom_objects = bound.arguments.values()
        if isinstance(config, str) and by_name is not None:
            return by_name(config)
        if config is None:
            raise ValueError(f"deserialize: expected a serialized {kind} (a dict from serialize, or a name), got None")
        if isinstance(config, dict) and "class_name" in config and "module" not in config:
            # {'class_name': 'SGD', 'config': {...}}, as users write them: a class of this Keras module
            config = {"module": f"keras.{_MODULES.get(kind, kind)}", "config": {}, **config}
        return deserialize_keras_object(config, custom_objects=custom_objects)

    serialize.__qualname__, deserialize.__qualname__ = "serialize", "deserialize"
    serialize.__signature__, deserialize.__signature__ = serialize_signature, deserialize_signature
    return serialize, deserialize


def deserialized_identifier(deserialize, identifier, kind):
    """What a `get(identifier)` makes of a config dict: `deserialize(identifier)`, or, for a class it cannot find,
    the ValueError Keras's get raises ('Could not interpret {kind} identifier'), still the TypeError it was."""
    from autograd.errors import IdentifierError
    try:
        return deserialize(identifier)
    except TypeError as exc:
        raise IdentifierError(f"Could not interpret {kind} identifier: {identifier!r:.200}; {exc}") from None
