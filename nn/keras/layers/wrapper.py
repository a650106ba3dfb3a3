"""Using plain nn modules inside Keras models.

`ModuleWrapper(module)` is a Keras layer that runs an nn.Module: its parameters become the layer's
weights, and the Keras training flag sets the module's train/eval mode for the call (so dropout or
augmentation modules are active only in training, as Keras layers are). Sequential wraps nn modules
it is given; `as_keras_layer(ModuleClass)` makes a Keras layer class from a module class with the
same constructor arguments.
"""
from ..layer import Layer


class ModuleWrapper(Layer):
    """A Keras layer running `module` (an nn.Module) on its inputs."""

    def __init__(self, module, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.module = module
        self.built = True

    def call(self, inputs, training=None):
        modes = [(m, m.training) for m in self.module.modules()]
        self.module.train(bool(training))
        try:
            return self.module(inputs)
        finally:
            for module, mode in modes:
                module.training = mode


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
