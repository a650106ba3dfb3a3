"""keras.Sequential: a stack of layers, each taking the previous one's output."""
from autograd.errors import IdentifierError, KeywordError

from ..module import Module
from . import masking
from .context import name_scope
from .autocast_scope import policy_config
from .layer import Layer
from .layers.input_layer import InputLayer
from .layers.wrapper import ModuleWrapper
from .model import Model, _adjust_rank
from .naming import unique_name
from .symbolic import KerasTensor, flatten


def layer_class(class_name, custom_objects=None):
    """The Layer class called `class_name`: from custom_objects, keras.layers, or the subclasses defined."""
    from . import layers as keras_layers
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    found = getattr(keras_layers, class_name, None)
    if isinstance(found, type) and issubclass(found, Layer):
        return found
    pending, matches = [Layer], []
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__name__ == class_name and sub not in matches:
                matches.append(sub)
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"from_config: no single layer class named {class_name!r} "
                     f"({'several are defined' if matches else 'none is defined'}); "
                     f"pass custom_objects={{{class_name!r}: TheClass}}")


def _input_layer_name(spec):
    """The name of the InputLayer behind the symbolic input `spec` (the tensor's own name when no layer made it)."""
    node = spec.node
    return node.layer.name if node is not None else spec.name


class InputStructureError(ValueError, KeyError):
    """A dict of inputs without the model's input name: Keras's ValueError (its KeyError before the model is
    built), printed as a sentence."""
    __str__ = Exception.__str__


class EmptyPopError(ValueError, IndexError):
    """pop() on a Sequential without layers: an IndexError, as Keras raises, and a ValueError, as we raised
    before."""


class Sequential(Model):
    """`keras.Sequential([layer, ...])` or `.add(layer)` one by one. Starting with `keras.Input(shape=...)` or
    a first layer with `input_shape=` builds every layer at once (so summary() shows shapes); otherwise
    the layers are built on the first call. Plain nn modules are wrapped in layers.ModuleWrapper."""

    _locks_after_build = False   # as Keras's: a Sequential model may take new layers after it is built

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):   # Keras's order of the arguments
        if not isinstance(trainable, bool):
            raise ValueError(f"Expected `trainable` to be a boolean. Received: trainable={trainable} (of type "
                             f"{type(trainable)}); Sequential's arguments are (layers, trainable, name): pass the "
                             "name as name=...")
        if kwargs:   # Keras's Sequential takes nothing else (a dtype included)
            raise KeywordError(f"Sequential.__init__() got an unexpected keyword argument {next(iter(kwargs))!r}; it "
                               "takes layers, trainable and name (give a dtype to the layers)")
        super().__init__(name=name, trainable=trainable)
        self._stack = []
        self._input_spec = None
        self._symbolic = None      # the symbolic output of the last layer (its input when there is none)
        self._chain = []           # each layer's symbolic output, so pop() can go back one
        for layer in layers or ():
            self.add(layer, rebuild=False)
        if layers:
            self._rebuilt()

    def _rebuilt(self):
        """Count a rebuild as Keras does: each time a Sequential with an input (re)builds, its graph is a new
        Functional that takes the next automatic 'functional' name, so later models are named as in Keras."""
        if self._input_spec is not None and self._stack:
            unique_name("functional")

    @property
    def layers(self):
        """The layers in order (the Input is not one of them, as in Keras)."""
        return list(self._stack)

    @property
    def input_shape(self):
        """The shape of the model's input (batch axis included), once it has one (keras.Input, build)."""
        if self._input_spec is not None:
            return tuple(self._input_spec.shape)
        if getattr(self, "_build_input_shape", None) is not None:   # built by a first call (Keras keeps its batch)
            return tuple(self._build_input_shape)
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    @property
    def output_shape(self):
        """The shape of the last layer's output for the model's input (batch axis as the input gives it)."""
        if self._input_spec is not None and self._stack and isinstance(self._symbolic, KerasTensor):
            return tuple(self._symbolic.shape)
        return Model.output_shape.fget(self)

    @property
    def inputs(self):
        """[the symbolic input], once the model has one (keras.Input, input_shape=, build)."""
        if self._input_spec is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet.")
        return [self._input_spec]

    @property
    def outputs(self):
        """[the last layer's symbolic output], once the model has an input."""
        if self._input_spec is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet.")
        return [self._symbolic]

    def add(self, layer, rebuild=True):
        """Append a layer (or, first, a keras.Input); `rebuild`: as Keras's (the model's graph is redone now)."""
        self._append(layer)
        if rebuild:
            self._rebuilt()

    def _append(self, layer):
        if isinstance(layer, InputLayer):
            layer = layer.output_tensor
        if isinstance(layer, KerasTensor):
            if self._stack or self._input_spec is not None:
                raise ValueError(f"{self.name}: keras.Input must be the first entry of a Sequential model")
            self._input_spec = layer
            self._symbolic = layer
            return
        if not isinstance(layer, Module):
            hint = (f"; for an activation add keras.layers.Activation({layer!r})" if isinstance(layer, str) or
                    callable(layer) else "")
            raise IdentifierError(f"{self.name}.add: only layers can be added to a Sequential model, got "
                                  f"{type(layer).__name__} {layer!r:.60}{hint}")
        if getattr(layer, "_is_operation", False):   # a keras.Operation is no Layer (Keras refuses it too)
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer!r} "
                             f"(of type {type(layer)}); wrap the computation in a keras.layers.Layer subclass "
                             "(or keras.layers.Lambda)")
        if not isinstance(layer, Layer):
            layer = ModuleWrapper(layer)
        name = getattr(layer, "name", f"layer_{len(self._stack)}")
        if any(other is not layer and getattr(other, "name", None) == name for other in self._stack):
            raise ValueError(f"{self.name}: all layers must have unique names; {name!r} is already used")
        self.add_module(name.replace(".", "_"), layer)
        self._stack.append(layer)
        if not self._stack[:-1] and self._input_spec is None and getattr(layer, "_batch_input_shape", None):
            self._input_spec = InputLayer(batch_shape=layer._batch_input_shape).output_tensor   # named as Keras's
            self._symbolic = self._input_spec
        if self._symbolic is not None:
            self._extend_symbolic(layer)

    def _extend_symbolic(self, layer):
        with name_scope(self):   # as Keras, layers built by the Sequential get '<sequential>/<layer>/...' paths
            self._remember_path()
            self._symbolic = layer(self._symbolic)
        self._chain.append(self._symbolic)
        self.built = True
        self._output_shape = layer._output_shape

    def get_config(self):
        """Keras's layout: name, trainable, dtype, `layers` (each layer serialized: module, class_name, config,
        registered_name, build_config; the InputLayer first when the model has an input) and
        build_input_shape when built."""
        from .saving.serialization import serialize_keras_object
        layers = []
        if self._input_spec is not None:
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": {"batch_shape": tuple(self._input_spec.shape), "dtype": self._input_spec.dtype,
                                      "sparse": False, "ragged": False, "name": _input_layer_name(self._input_spec),
                                      "optional": False},
                           "registered_name": None})
        layers += [serialize_keras_object(layer) for layer in self._stack]
        config = {"name": self.name, "trainable": self.trainable, "dtype": policy_config(self), "layers": layers}
        build = self.get_build_config()
        if build is not None:
            config["build_input_shape"] = tuple(build["input_shape"])
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model with fresh weights from get_config's dictionary, built when the config has an input or a
        build_input_shape; custom layer classes come from `custom_objects`, an enclosing custom_object_scope or
        the register_keras_serializable registry (entries in the short form {"class_name", "config"} may also
        name any Layer subclass defined so far)."""
        from .saving.serialization import deserialize_keras_object
        config = dict(config)
        entries = config.pop("layers", [])
        build_shape = config.pop("build_input_shape", None)
        if cls is Sequential:   # as Keras's: the model's own dtype entry is not an argument (its layers keep theirs)
            config.pop("dtype", None)
        model = cls(**config)
        for entry in entries:
            if entry["class_name"] == "InputLayer":
                settings = {k: v for k, v in entry["config"].items() if k not in ("sparse", "ragged", "optional")}
                model.add(InputLayer(**settings))
            elif "module" in entry or "registered_name" in entry:
                model.add(deserialize_keras_object(entry, custom_objects))
            else:
                model.add(layer_class(entry["class_name"], custom_objects).from_config(entry["config"]))
        if build_shape is not None and not model.built:
            model.build(tuple(build_shape))
        return model

    def get_build_config(self):
        """{'input_shape': the batch shape the model was built for}, or None."""
        if self._input_spec is not None:
            return {"input_shape": tuple(self._input_spec.shape)}
        shape = getattr(self, "_build_input_shape", None)
        return {"input_shape": shape} if self.built and shape is not None else None

    def pop(self, rebuild=True):
        """Remove and return the last layer; a layer added next takes the new last layer's output (`rebuild` is
        accepted for Keras's signature: the model stays built)."""
        if not self._stack:
            raise EmptyPopError(f"{self.name}.pop(): there is no layer to pop (the model has no layers); add "
                                f"one first")
        layer = self._stack.pop()
        for key, module in list(self._modules.items()):
            if module is layer:
                delattr(self, key)
        if self._chain:
            self._chain.pop()
            self._symbolic = self._chain[-1] if self._chain else self._input_spec
            self._output_shape = self._stack[-1]._output_shape if self._stack else tuple(self._input_spec.shape)
        if rebuild:
            self._rebuilt()
        return layer

    def build(self, input_shape=None):
        """Build every layer for inputs of `input_shape` (batch axis included, e.g. (None, 784))."""
        if input_shape is None:
            return
        self._input_spec = self._symbolic = InputLayer(batch_shape=tuple(input_shape)).output_tensor
        self._chain = []
        for layer in self._stack:
            self._extend_symbolic(layer)
        self._rebuilt()

    def _build_for(self, inputs):
        if self._input_spec is not None or not self._stack or not hasattr(inputs, "shape"):
            return
        # As Keras's, the first call builds the model for the shape it sees, batch size included (summaries and
        # output_shape show it; later calls may bring any batch size), behind an InputLayer named as Keras names
        # it. A stack that cannot run on symbolic inputs stays unbuilt: its layers build on the eager call.
        built = self.built
        try:
            self.build(tuple(inputs.shape))
            # no keras.Input: later calls are checked by the layers themselves (Keras names the layer that
            # refuses the shape), not against this first call's shape
            object.__setattr__(self, "_input_from_call", True)
        except Exception:   # noqa: BLE001 - the eager call that follows reports the layers' own errors
            self._input_spec = self._symbolic = None
            self._chain = []
            self.built = built
            object.__setattr__(self, "_build_input_shape", (None,) + tuple(inputs.shape)[1:])

    def _checked_input(self, inputs):
        """The single input, checked against the declared input shape (rank and known sizes) when there is one."""
        if isinstance(inputs, dict):   # as Keras's: the entry named as the Input layer (other keys are left unused)
            name = None if self._input_spec is None else _input_layer_name(self._input_spec)
            if name not in inputs:
                raise InputStructureError(
                    f"{self.name}: the structure of the inputs does not match the model's: got a dict with keys "
                    f"{sorted(map(str, inputs))}, expected "
                    f"{'one array' if name is None else f'one array (or a dict with the key {name!r})'}; pass the "
                    "array itself, or name keras.Input(..., name=key) after the dict's key")
            inputs = inputs[name]
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != 1:
                raise ValueError(f"{self.name}: a Sequential model takes one input array, got a {type(inputs).__name__} "
                                 f"of {len(inputs)}; pass one array, or build a functional keras.Model with several "
                                 "keras.Input for several inputs")
            inputs = inputs[0]
        spec = self._input_spec
        shape = getattr(inputs, "shape", None)
        if spec is None or shape is None or isinstance(inputs, KerasTensor) or getattr(self, "_input_from_call", False):
            return inputs
        inputs = _adjust_rank(spec, inputs)   # as Keras's (its Sequential runs as a functional model)
        shape = tuple(inputs.shape)
        expected = tuple(spec.shape)
        # the batch axis is free, as in Keras (a model built for batches of 2 takes batches of 5)
        mismatch = len(shape) != len(expected) or any(e is not None and e != n
                                                      for e, n in zip(expected[1:], tuple(shape)[1:]))
        if mismatch:
            raise ValueError(f"{self.name}: expected inputs of shape {(None,) + expected[1:]} (None: any size), "
                             f"got shape {tuple(shape)}; reshape the data or change the model's Input(shape=...)")
        return inputs

    def call(self, inputs, training=None, mask=None):
        if not self._stack:
            raise ValueError(f"{self.name} has no layers; add some with .add(layer)")
        x = self._checked_input(inputs)
        if mask is not None:   # as Keras's: a mask given to the model travels with its input to the first layer
            masking.set_mask(x, mask)
        # as Keras's: a flag given to the model is given to each layer; given none, each layer gets the flag its
        # node recorded when the model's graph was built (Keras's Sequential runs that graph)
        flags = self._recorded_flags() if training is None else None
        for k, layer in enumerate(self._stack):
            flag = training if flags is None else flags[k]
            x = layer(x) if flag is None else layer(x, training=flag)
        self.built = True
        return x

    def _layer_outputs(self):
        """Each layer's symbolic output in the stack's own graph, in order; None when the stack has no graph or it
        no longer matches the layers (a layer added since)."""
        chain = self._chain
        return chain if chain and len(chain) == len(self._stack) else None

    def _recorded_flags(self):
        """Each layer's training flag as its node in the model's graph recorded it (False for a layer whose call
        defaults to True when the graph was built inside Keras's symbolic build, which runs with training False),
        None for a layer without one; None for a stack without a graph."""
        chain = self._layer_outputs()
        if chain is None:
            return None
        flags = []
        for out in chain:
            first = next(iter(flatten(out)), None)
            node = getattr(first, "node", None)
            flags.append(None if node is None or node.layer is None else node.kwargs.get("training"))
        return flags
