"""Keras's built-in activations as ONNX nodes, by the name a layer's config gives (`"relu"`, `"gelu"`, ...)."""
import numpy as np

from .export_error import ExportError


def _unary(op_type, **attributes):
    return lambda graph, x, hint: graph.op(op_type, [x], hint, **attributes)


def _swish(graph, x, hint):
    return graph.op("Mul", [x, graph.op("Sigmoid", [x], hint)], hint)


def _relu6(graph, x, hint):
    return graph.op("Clip", [x, graph.constant(np.float32(0), "min"), graph.constant(np.float32(6), "max")], hint)


#: name -> converter(graph, value, hint) -> value; the constants are Keras 3's defaults for each activation
ACTIVATIONS = {
    "relu": _unary("Relu"),
    "relu6": _relu6,
    "sigmoid": _unary("Sigmoid"),
    "hard_sigmoid": _unary("HardSigmoid", alpha=1.0 / 6.0, beta=0.5),
    "tanh": _unary("Tanh"),
    "softmax": _unary("Softmax", axis=-1),
    "log_softmax": _unary("LogSoftmax", axis=-1),
    "elu": _unary("Elu", alpha=1.0),
    "selu": _unary("Selu"),
    "celu": _unary("Celu", alpha=1.0),
    "softplus": _unary("Softplus"),
    "softsign": _unary("Softsign"),
    "swish": _swish,
    "silu": _swish,
    "hard_silu": _unary("HardSwish"),
    "hard_swish": _unary("HardSwish"),
    "gelu": _unary("Gelu", approximate="none"),
    "mish": _unary("Mish"),
    "exponential": _unary("Exp"),
    "leaky_relu": _unary("LeakyRelu", alpha=0.2),
}


def activation_name(value):
    """The built-in activation's name a config holds (a string, or Keras's serialized function dict), or None
    for a function of the user's."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("module") == "keras.activations":
        return value.get("config")
    return getattr(value, "__name__", None) if getattr(value, "__module__", "").startswith("nn.keras") else None


def apply_activation(graph, x, activation, layer):
    """`x` through `layer`'s activation (`activation`: what its config holds); 'linear' adds nothing."""
    name = activation_name(activation)
    if name == "linear":
        return x
    if name not in ACTIVATIONS:
        raise ExportError(f"export(format='onnx'): {layer.name} ({type(layer).__name__}) uses the activation "
                          f"{activation!r}, which has no ONNX form here; the built-in ones are "
                          f"{sorted(ACTIVATIONS) + ['linear']}")
    return ACTIVATIONS[name](graph, x, layer.name)
