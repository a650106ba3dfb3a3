"""nn.keras: Keras 3's API over deepgrad's modules, so Keras code runs with only its import changed.

    from nn import keras
    from nn.keras import layers

    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, batch_size=32, validation_split=0.1)
    loss, accuracy = model.evaluate(x_test, y_test)

Images are channels-last, losses take probabilities unless from_logits=True, evaluate returns a list,
predict returns NumPy, and compile/fit run on the same loop as nn.Module.fit.
"""
from . import (activations, backend, callbacks, config, constraints, datasets, initializers, layers, losses, metrics,
               models, ops, optimizers, random, regularizers, saving, utils)
from .dtype_policy import DTypePolicy
from . import dtype_policies, mixed_precision, quantizers, tree  # noqa: E402 (after the modules they use)
from . import quantizers_functions  # noqa: E402 (uses ops, so it joins keras.quantizers here)
for _name in quantizers_functions.__all__:
    setattr(quantizers, _name, getattr(quantizers_functions, _name))
quantizers.__all__ = [*quantizers.__all__, *quantizers_functions.__all__]
del _name
from . import preprocessing
from . import distillation  # noqa: E402 (a Model subclass)
from . import wrappers  # noqa: E402 (scikit-learn is imported only when a wrapper is used)
from . import visualization  # noqa: E402 (matplotlib and OpenCV are imported only when used)
from . import applications  # noqa: E402 (builds functional models from layers)
from .initializers import Initializer
from .input_spec import InputSpec
from .layer import Layer
from .layers.input_layer import Input, InputLayer
from .losses import Loss
from .metrics import Metric
from .model import Model
from .optimizers import Optimizer
from .regularizers import Regularizer
from .sequential import Sequential
from .symbolic import KerasTensor
from .variables import Variable
from .scopes import SymbolicScope, device, name_scope
from .dtype_policy_lookup import FloatDTypePolicy
from .quantizers import Quantizer
from . import legacy  # noqa: E402 (keras.legacy.saving)
from .remat import RematScope, remat
from .stateless_scope import StatelessScope
from .operation import Operation
from .function import Function
from .version import __version__, version  # keras.version(), a function (not the module)
from .symbolic_ops import install as _install_symbolic_ops

from . import ops_image as _ops_image  # noqa: E402
_install_symbolic_ops(ops, _ops_image)   # keras.ops (and ops.image) on KerasTensors records operation nodes, as in Keras 3


__all__ = ["Sequential", "Model", "Input", "InputLayer", "Layer", "KerasTensor", "layers", "models", "optimizers",
           "losses", "metrics", "callbacks", "constraints", "regularizers", "initializers", "activations", "utils", "datasets",
           "backend", "ops", "random", "Variable", "saving", "Metric", "Loss", "Optimizer", "Initializer", "Regularizer",
           "InputSpec", "config", "DTypePolicy", "name_scope", "device", "preprocessing", "quantizers",
           "distillation", "wrappers", "visualization", "applications", "SymbolicScope", "FloatDTypePolicy",
           "Quantizer", "legacy", "RematScope", "remat", "StatelessScope",
           "Operation", "Function"]
