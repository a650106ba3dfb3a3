"""Keras's forms for the values in a layer config: initializers, regularizers and constraints as serialized
dicts ({'module', 'class_name', 'config', 'registered_name'}), activations by name ('linear' for None), and the
base layer's rule for `activity_regularizer` (listed only when set, except by the layers whose own get_config
lists it always)."""
from . import activations, constraints, initializers, regularizers

#: the Keras layers whose get_config lists activity_regularizer even when it is None
_LIST_ACTIVITY_REGULARIZER = frozenset({
    "BaseConv", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D", "MultiHeadAttention",
    "GroupedQueryAttention", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "EinsumDense",
    "Embedding", "ActivityRegularization"})

_KINDS = (("_initializer", initializers), ("_regularizer", regularizers), ("_constraint", constraints))


def _serialized(module, value):
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str) or hasattr(value, "get_config"):
        if not isinstance(value, str):
            return module.serialize(value)
        with initializers.without_default_seeds():   # describing a name draws no seed from Python's random
            return module.serialize(module.get(value))
    return value   # a plain function (an initializer of the user's): serialized when the model is saved


def _activation(value):
    if value is None or isinstance(value, str):
        return activations.serialize(activations.get(value))
    return activations.serialize(value)   # a user's function as a dict naming it, as Keras's get_config


def keras_forms(config):
    """`config` with each initializer, regularizer, constraint and activation value in the form Keras's
    get_config gives it (a new dict; other values unchanged)."""
    out = {}
    for key, value in config.items():
        for suffix, module in _KINDS:
            if key.endswith(suffix):
                value = _serialized(module, value)
                break
        else:
            if key in ("activation", "recurrent_activation"):
                value = _activation(value)
        out[key] = value
    return out


def automatic_config(cls, config):
    """A built-in layer's automatic config (its constructor arguments) in Keras's forms."""
    if config.get("activity_regularizer", 0) is None and \
            not any(c.__name__ in _LIST_ACTIVITY_REGULARIZER for c in cls.__mro__):
        config = {k: v for k, v in config.items() if k != "activity_regularizer"}
    if "noise_shape" in config and any(c.__name__ == "Dropout" for c in cls.__mro__):
        config = {**{k: v for k, v in config.items() if k != "noise_shape"}, "noise_shape": config["noise_shape"]}
    if "synchronized" in config and "gamma_constraint" in config:   # BatchNormalization: Keras's signature has
        items = [(k, v) for k, v in config.items() if k != "synchronized"]   # it last, its config after the
        at = [k for k, _ in items].index("gamma_constraint") + 1             # constraints
        config = dict(items[:at] + [("synchronized", config["synchronized"])] + items[at:])
    return keras_forms(config)
