"""Using plain nn modules inside Keras models.

`ModuleWrapper(module)` (alias `TorchModuleWrapper`, Keras's name) is a Keras layer that runs an nn.Module:
its parameters become the layer's weights, and each call sets the module's mode from the Keras training flag
as Keras 3's TorchModuleWrapper does: eval() for training=False (evaluate, predict), train() otherwise (fit,
training=True, and also a call that resolves no flag); the mode stays set after the call, as in Keras.
Sequential wraps nn modules it is given; `as_keras_layer(ModuleClass)` makes a Keras layer class from a module
class with the same constructor arguments.
"""
from ...module import Module
from ..context import in_shape_probe
from ..layer import Layer


class ModuleWrapper(Layer):
    """A Keras layer running `module` (an nn.Module) on its inputs."""

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(module, Module):
            kind = f"{type(module).__module__}.{type(module).__qualname__}"
            hint = ("build the module from deepgrad's `nn` (port `import torch.nn as nn` to `import nn`)"
                    if kind.startswith("torch.") else "pass an nn.Module")
            raise TypeError(f"{type(self).__name__}: expects a deepgrad nn.Module, got {kind}; {hint}")
        self.module = module
        self._module_output_shape = output_shape
        self.built = True

    def compute_output_shape(self, input_shape):
        """The `output_shape` given to the constructor, as Keras's; otherwise the base layer's answer."""
        if self._module_output_shape is not None:
            return tuple(self._module_output_shape)
        return super().compute_output_shape(input_shape)

    def call(self, *args, training=None, **kwargs):
        if in_shape_probe():   # a functional call finding output shapes: leave the module's mode alone
            modes = [(m, m.training) for m in self.module.modules()]
            try:
                return self.module.eval()(*args, **kwargs)
            finally:
                for module, mode in modes:
                    module.training = mode
        # Keras's rule: only an explicit False (or a False the call context passed down) means inference
        self.module.train(training is not False)
        return self.module(*args, **kwargs)


TorchModuleWrapper = ModuleWrapper


def as_keras_layer(module_class):
    """A Keras layer class that builds `module_class(*args, **kwargs)` and runs it (name=, trainable= and
    input_shape= are the layer's)."""
    layer_keys = ("name", "trainable", "input_shape", "batch_size", "dtype")

    def __init__(self, *args, **kwargs):
        layer_kwargs = {k: kwargs.pop(k) for k in layer_keys if k in kwargs}
        ModuleWrapper.__init__(self, module_class(*args, **kwargs), **layer_kwargs)
    return type(module_class.__name__, (ModuleWrapper,), {"__init__": __init__, "__doc__": module_class.__doc__,
                                                         "__module__": module_class.__module__})
