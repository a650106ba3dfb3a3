"""Registers nn.keras's own serializable classes and functions with serialization.py by name, so configs that
name a Keras class ('Dense', 'Adam', 'GlorotUniform', ...) or function ('relu', 'mse') load without
custom_objects. Imported by keras.saving's package (serialization.py itself stays below the layers)."""
from .. import activations, constraints, initializers, layers, losses, metrics, optimizers, quantizers, regularizers
from ..dtype_policies import DTypePolicyMap, Int4DTypePolicy, QuantizedDTypePolicy
from ..dtype_policy import DTypePolicy
from ..model import Functional, Model
from ..sequential import Sequential
from .serialization import add_builtins


def _classes():
    table = {}
    for module in (initializers, regularizers, constraints, losses, metrics, optimizers, layers, optimizers.schedules,
                   quantizers):
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, type):
                table.setdefault(name, value)
    # "DTypePolicy": the dtype entry of every layer config real Keras writes ({'module': 'keras', ...})
    table.update({"Sequential": Sequential, "Functional": Functional, "Model": Model, "DTypePolicy": DTypePolicy,
                  "QuantizedDTypePolicy": QuantizedDTypePolicy, "Int4DTypePolicy": Int4DTypePolicy,
                  "DTypePolicyMap": DTypePolicyMap})
    return table


def _classes_by_module():
    """Each Keras module's own classes, so a config naming keras.metrics' MeanSquaredError does not load
    keras.losses' class of the same name."""
    modules = {"initializers": initializers, "regularizers": regularizers, "constraints": constraints,
               "losses": losses, "metrics": metrics, "optimizers": optimizers, "layers": layers,
               "optimizers.schedules": optimizers.schedules, "quantizers": quantizers}
    return {f"keras.{name}": {k: v for k, v in vars(module).items() if isinstance(v, type)}
            for name, module in modules.items()}


def _functions():
    named = {**losses._FUNCTIONS, **activations._NAMES}
    return {**{fn.__name__: fn for fn in named.values()}, **named}


add_builtins(_classes(), _functions(), _classes_by_module())
