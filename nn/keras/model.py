"""keras.Model: subclassed models (define `call`) and functional models (`keras.Model(inputs, outputs)`).

Both are Layers, so they nest; both train with compile/fit/evaluate/predict (trainer.py) on the loop
nn.Module.fit uses.
"""
import inspect
import os

import numpy as np

from autograd.errors import IdentifierError

from ..module import Module
from . import masking
from . import summary as summary_table
from . import trainer, weights_file
from .custom_steps import TrainingSteps
from .step_functions import StepFunctions
from .graph_order import keras_layer_order
from .context import name_scope
from .layer import Layer
from .layers.input_layer import InputLayer
from .naming import unique_name
from .symbolic import (KerasTensor, Node, flatten, flatten_as, flatten_sorted, keyed_like, map_sorted,
                       map_structure)



def _check_path(filepath, who, keras_words):
    """A file name for save / save_weights / load_weights: a str or os.PathLike; anything else is the ValueError
    Keras raises (it finds no extension it knows), still the TypeError os.fspath raised before."""
    if not isinstance(filepath, (str, os.PathLike)):
        raise IdentifierError(f"{keras_words}: filepath={filepath!r}. Model.{who} takes a file name (str or "
                              f"os.PathLike), got {type(filepath).__name__}; e.g. 'model.keras' or 'model.weights.h5'")

class NotAKerasTensorError(TypeError, ValueError):
    """keras.Model was given data (arrays, tensors) instead of KerasTensors: a ValueError, as Keras raises, and a
    TypeError, as we raised before."""


class Model(TrainingSteps, StepFunctions, Layer):
    """A Layer with training and saving. `keras.Model(inputs, outputs)` builds a functional model; a
    subclass defines its layers in `__init__` and the computation in `call(inputs, training=None)`."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            return Layer.__new__(Functional, *args, **kwargs)
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, *args, name=None, trainable=True, **kwargs):
        if _functional_arguments(args, kwargs) and not isinstance(self, Functional):
            # a subclass of keras.Model built from (inputs, outputs): a functional model that keeps the
            # subclass's methods (train_step, ...), as Keras does
            object.__setattr__(self, "__class__", _functional_version(type(self)))
            Functional.__init__(self, *args, name=name, trainable=trainable, **kwargs)
            return
        if args:
            raise TypeError(f"{type(self).__name__}: unexpected positional arguments; a subclassed model takes "
                            "keyword arguments (name=..., trainable=...)")
        super().__init__(name=name or unique_name(_model_prefix(type(self))), trainable=trainable, **kwargs)
        object.__setattr__(self, "_compiled", None)
        self.stop_training = False

    def __call__(self, *args, **kwargs):
        # the training loop passes several inputs positionally (Keras takes a list); a second value that can only
        # be a flag (a Python bool, None or a scalar) is `training` given positionally, as Keras binds it
        if len(args) > 1 and not (len(args) == 2 and _flag_like(args[1])):
            args = (list(args),)
        return Layer.__call__(self, *args, **kwargs)

    @property
    def layers(self):
        """The model's layers (direct sub-layers of a subclassed model)."""
        return [m for m in self.children() if isinstance(m, Module)]

    def get_layer(self, name=None, index=None):
        """The layer called `name`, or at position `index` of `layers`."""
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError(f"{self.name}.get_layer: pass a layer name or a layer index, not both; received "
                             f"name={name!r}, index={index}")
        if index is not None:
            if index >= len(layers):
                raise ValueError(f"{self.name}.get_layer(index={index}): the model has only {len(layers)} layers "
                                 f"(indices 0 to {len(layers) - 1})")
            return layers[index]
        if name is None:
            raise ValueError(f"{self.name}.get_layer: provide either a layer name or a layer index")
        for layer in layers:
            if getattr(layer, "name", None) == name:
                return layer
        raise ValueError(f"{self.name} has no layer named {name!r}; its layers: "
                         f"{', '.join(getattr(l, 'name', '?') for l in layers)}")

    @property
    def output_names(self):
        """The names the outputs' losses and metrics are logged under (multi-output models)."""
        spec = getattr(self, "_output_shape", None)
        count = len(spec) if isinstance(spec, list) else 1
        return [f"output_{k + 1}" for k in range(count)]

    # ----- training (see trainer.py) ---------------------------------------------------------------
    compile = trainer.compile
    fit = trainer.fit
    evaluate = trainer.evaluate
    predict = trainer.predict
    train_on_batch = trainer.train_on_batch
    test_on_batch = trainer.test_on_batch
    predict_on_batch = trainer.predict_on_batch

    @property
    def metrics_names(self):
        """The name of each metric in `model.metrics`, as Keras 3 gives it: ['loss', 'compile_metrics'] once
        compiled with metrics (evaluate's result names are its return_dict=True keys)."""
        return [m.name for m in self.metrics]

    @property
    def compiled(self):
        """Whether compile has been called (Keras's `model.compiled`; load_model compiles when the file says)."""
        return getattr(self, "_compiled", None) is not None

    loss = None   # what compile was given as `loss`; None before compile, as Keras

    @property
    def run_eagerly(self):
        """compile's run_eagerly (False until set): deepgrad's steps always run eagerly unless jit_compile."""
        return self.__dict__.get("_run_eagerly", False)

    @run_eagerly.setter
    def run_eagerly(self, value):
        object.__setattr__(self, "_run_eagerly", value)

    @property
    def jit_compile(self):
        """Whether fit/evaluate/predict batches run as compiled steps: compile's jit_compile with 'auto' resolved
        as Keras's torch backend resolves it (False), and False when run_eagerly."""
        return self.__dict__.get("_jit_compile", False)

    @jit_compile.setter
    def jit_compile(self, value):
        object.__setattr__(self, "_jit_compile", value is True)
        if self.compiled:
            self._compiled.use_jit(value is True)

    @property
    def steps_per_execution(self):
        """compile's steps_per_execution (1 until set): batches still run one per step here."""
        return self.__dict__.get("_steps_per_execution", 1)

    @steps_per_execution.setter
    def steps_per_execution(self, value):
        object.__setattr__(self, "_steps_per_execution", value)

    # ----- saving ---------------------------------------------------------------------------------
    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantize the weights of every layer that can be ('int8': Dense, EinsumDense, Embedding), warning for
        the others; `filters` (a regex, a list of them or a callable) picks layers by name."""
        from .layers.quantized import quantize_model
        quantize_model(self, mode, config, filters, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Write every weight (and a compiled model's optimizer variables) to a '.weights.h5' file in real Keras's
        HDF5 layout; a '.safetensors' name, or without h5py, a safetensors file (nn.save) that load_weights reads
        too; other names are refused, as Keras refuses them. With `max_shard_size` (GB), Keras's sharded files:
        'name.weights.json' indexing 'name_00000.weights.h5', ... (saving/sharded_weights.py)."""
        _check_path(filepath, "save_weights", "The filename must end in `.weights.h5`")
        if max_shard_size is not None:
            from .saving.sharded_weights import save_sharded_weights
            save_sharded_weights(self, filepath, max_shard_size, overwrite)
            return
        weights_file.save(self, filepath, overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Read weights written by save_weights (or the weights of a .keras file from save) into this (built)
        model of the same architecture; real Keras's '.weights.h5' and '.keras' files are read too (h5py needed).
        As Keras, objects_to_skip=[layers or the optimizer] keeps theirs (a '.weights.h5' file only), and
        by_name=True matches a legacy '.h5' file's layers to this model's by their names."""
        _check_path(filepath, "load_weights", "File format not supported")
        from .saving.weights_api import checked_load_options, keep_values
        by_name = bool(kwargs.get("by_name"))   # a legacy '.h5' file's layers matched by name (checked below)
        restore = keep_values(checked_load_options(filepath, kwargs))
        if str(filepath).endswith(".keras"):
            from .saving.model_file import load_weights_from_archive
            load_weights_from_archive(self, str(filepath), skip_mismatch)
            return
        weights_file.load(self, filepath, skip_mismatch, by_name=by_name)
        restore()

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Write the whole model (config, weights, compile settings, optimizer state) to a '.keras' file, or to a
        legacy HDF5 file for a name ending in '.h5', that keras.models.load_model (nn.keras's or real Keras's)
        reads back (see saving/model_file.py)."""
        _check_path(filepath, "save", "Invalid filepath extension for saving")
        from .saving.model_file import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kwargs):
        """Write the model's inference pass as an artifact another runtime serves: `format="onnx"` writes an ONNX
        file (a functional or Sequential model of built-in layers; export/onnx_layers.py lists them) that ONNX
        Runtime runs without deepgrad; Keras's other formats are refused with what they need."""
        from .export import export_model
        export_model(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)

    def get_state_tree(self, value_format="backend_tensor"):
        """The model's trainable, non-trainable, optimizer and metric variables, each group a nested dict keyed by
        the parts of the variables' paths; value_format 'numpy_array' gives NumPy copies."""
        from .state_tree import get_state_tree
        return get_state_tree(self, value_format)

    def set_state_tree(self, state_tree):
        """Assign the values of a get_state_tree-style dict (any subset of it) to the variables with those paths."""
        from .state_tree import set_state_tree
        set_state_tree(self, state_tree)

    def to_json(self, **kwargs):
        """The model's serialized config (what model.save writes to config.json) as a JSON string;
        keras.models.model_from_json makes the model again (new weights). kwargs go to json.dumps."""
        import json
        from .saving.serialization import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

    # ----- configs (what model.save writes to config.json) ---------------------------------------------
    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from get_config's dict: a functional config (layers, input_layers, output_layers) rebuilds
        the graph when `cls` is Model, Functional or takes Functional's arguments; otherwise `cls(**config)`."""
        functional_keys = {"name", "layers", "input_layers", "output_layers"}
        if functional_keys <= set(config) and _revivable_as_functional(cls):
            from .saving.functional_config import functional_from_config
            return functional_from_config(Functional if cls is Model else cls, config, custom_objects)
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(f"Unable to revive model {cls.__name__} from config ({error}). When overriding "
                            "get_config(), return every argument the constructor needs, or define a "
                            f"from_config(cls, config) class method. Received config={config}") from error

    def get_compile_config(self):
        """The arguments compile was called with, serialized (the optimizer as it is now); {} before compile."""
        from .saving.serialization import serialize_keras_object
        if self._compiled is None:
            return {}
        settings = {"optimizer": self.optimizer, **self._compile_settings}
        return serialize_keras_object(settings)

    def compile_from_config(self, config):
        """compile(**config) with the serialized objects (optimizer, losses, metrics) made again."""
        from .saving.serialization import deserialize_keras_object
        self.compile(**deserialize_keras_object(config))

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Print the layers, their output shapes and parameter counts, and the totals, as Keras does."""
        text = summary_table.render(self, line_length, positions, show_trainable, expand_nested, layer_range)
        if print_fn is None:
            print(text)
        else:   # as Keras: one call with the whole captured text, which ends in a line break
            print_fn(text + "\n")


def _flag_like(value):
    """Whether a positional value can only be a training flag, never a batch of inputs (which has a batch axis)."""
    return value is None or isinstance(value, (bool, np.bool_)) or getattr(value, "ndim", None) == 0


def _functional_arguments(args, kwargs):
    """Whether Model's arguments are a functional model's (inputs, outputs), as Keras recognises them."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


_FUNCTIONAL_VERSIONS = {}


def _functional_version(cls):
    """`cls` (a keras.Model subclass) with Functional's graph-running methods under its own."""
    if cls not in _FUNCTIONAL_VERSIONS:
        _FUNCTIONAL_VERSIONS[cls] = type(cls.__name__, (cls, Functional),
                                         {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                          "_functional_base": cls})   # its registered name is cls's
    return _FUNCTIONAL_VERSIONS[cls]


def _model_prefix(cls):
    from .naming import snake_case
    return "functional" if cls.__name__ == "Functional" else snake_case(cls.__name__)


def _revivable_as_functional(cls):
    """Whether a functional config can be rebuilt as `cls` (Keras's rule: Model, Functional, or a class whose
    constructor takes Functional's arguments, or *args and **kwargs)."""
    if cls in (Model, Functional):
        return True
    spec = inspect.getfullargspec(cls.__init__)
    functional_args = inspect.getfullargspec(Functional.__init__).args[1:]
    return spec.args[1:] == functional_args or (spec.varargs == "args" and spec.varkw == "kwargs")


class Functional(Model):
    """A model made of layers called on keras.Input tensors: `keras.Model(inputs, outputs)`."""

    _convert_input_args = False   # as Keras's: no cast to the model's dtype, each layer casts its own inputs
    _locks_after_build = False   # as Keras's: a functional model may take new state after it is built
    _is_functional_graph = True   # read by saving/functional_config, which model.py imports

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if not all(isinstance(t, KerasTensor) and isinstance(t.node.layer, InputLayer) for t in flatten(inputs)):
            inputs, outputs = _clone_from_intermediate(inputs, outputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._flat_inputs = flatten_sorted(inputs)   # dicts in sorted key order, as Keras's functional models
        for tensor in self._flat_inputs + flatten(outputs):
            if not isinstance(tensor, KerasTensor):
                raise NotAKerasTensorError(f"keras.Model(inputs, outputs) takes KerasTensors (from keras.Input and "
                                           f"layer calls); got {type(tensor).__name__} of shape "
                                           f"{getattr(tensor, 'shape', None)}: build the model from "
                                           "x = keras.Input(shape) and call it on the data afterwards")
        for tensor in self._flat_inputs:
            if not isinstance(tensor.node.layer, InputLayer):
                raise ValueError(f"keras.Model: every input must come from keras.Input; {tensor.name} was made by "
                                 f"{tensor.node.layer.name}")
        self._graph_nodes = self._trace(outputs)
        # keras.ops applied to symbolic tensors run as nodes but, as in Keras, are operations, not layers
        layers = [layer for layer in keras_layer_order(self._flat_inputs, outputs)
                  if not getattr(layer, "_is_operation", False)]
        names = [layer.name for layer in layers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"keras.Model: layer names must be unique within a model; repeated: {repeated}")
        for layer in layers:
            self.add_module(layer.name.replace(".", "_"), layer)
        self._layer_list = layers
        self._output_shape = map_structure(lambda k: k.shape, outputs)
        with name_scope(self):   # built when made, as Keras's: its path is where it was made
            self._remember_path()
        self.built = True

    def get_config(self):
        """The graph in Keras's layout: name, trainable, layers (each with its inbound_nodes), input_layers,
        output_layers; Model.from_config rebuilds it."""
        from .saving.functional_config import functional_config
        return functional_config(self)

    def get_build_config(self):
        """{'input_shape': None}, as Keras records for a functional model (its graph builds it, so loading has
        nothing to build from this)."""
        return {"input_shape": None}

    def _trace(self, outputs):
        """The non-input nodes the outputs depend on, in creation order; checks they reach only our inputs."""
        mine = {id(t.node) for t in self._flat_inputs}
        seen, stack, found = set(), [t.node for t in flatten(outputs)], []
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node.layer, InputLayer):
                if id(node) not in mine:
                    raise ValueError(f"keras.Model: the outputs depend on the input {node.layer.name!r}, which is not "
                                     "among the model's inputs")
                continue
            found.append(node)
            stack.extend(node.parents())
        return sorted(found, key=lambda n: n.id)

    @property
    def layers(self):
        """Every layer, in Keras's order (graph_order.py), so weights line up with a real Keras model's."""
        return list(self._layer_list)

    @property
    def operations(self):
        """The layers and the keras.ops operations of the graph, in Keras's order (what get_config lists)."""
        return list(keras_layer_order(self._flat_inputs, self._outputs_struct))

    @property
    def inputs(self):
        """The symbolic inputs, flat."""
        return list(self._flat_inputs)

    @property
    def input(self):
        """The symbolic inputs as given to keras.Model (one tensor, a list or a dict): the model's own, even
        after the model was called as a layer on other tensors."""
        return self._inputs_struct

    @property
    def input_shape(self):
        """The inputs' shapes (batch axis None): one tuple for one input, else a list, as Keras."""
        shapes = [tuple(t.shape) for t in self._flat_inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output(self):
        """The symbolic outputs as given to keras.Model."""
        return self._outputs_struct

    @property
    def outputs(self):
        """The symbolic outputs, flat."""
        return flatten_sorted(self._outputs_struct)

    @property
    def input_names(self):
        """The names of the InputLayers, in input order."""
        return [t.node.layer.name for t in self._flat_inputs]

    @property
    def output_names(self):
        """The names of the layers that make the outputs."""
        return [t.node.layer.name for t in flatten_sorted(self._outputs_struct)]

    def _build_for(self, inputs):
        self.built = True

    def _flat_call_inputs(self, inputs):
        """The call's inputs in the order of the model's keras.Input, each checked against its shape (ValueError,
        as Keras's input check, for a wrong count, rank or fixed size)."""
        if keyed_like(self._inputs_struct, inputs):
            flat = flatten_as(self._inputs_struct, inputs)
        elif isinstance(inputs, dict):
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise ValueError(f"{self.name}: the inputs dict lacks {missing}; expected keys {self.input_names}")
            flat = [inputs[n] for n in self.input_names]
        else:
            flat = flatten_sorted(inputs)
        if len(flat) != len(self._flat_inputs):
            raise ValueError(f"{self.name}: expects {len(self._flat_inputs)} input(s) "
                             f"({', '.join(self.input_names)}), got {len(flat)}")
        flat = [_adjust_rank(symbol, value) for symbol, value in zip(self._flat_inputs, flat)]
        for symbol, value in zip(self._flat_inputs, flat):
            _check_input_shape(self.name, symbol, value)
        return flat

    def call(self, inputs, training=None, mask=None):
        flat = self._flat_call_inputs(inputs)
        if mask is not None:   # as Keras's: a mask given to the model travels with its inputs
            for v, m in zip(flat, flatten(mask)):
                if m is not None:
                    masking.set_mask(v, m)
        values = {id(k): v for k, v in zip(self._flat_inputs, flat)}

        def value(k):
            return values[id(k)] if isinstance(k, KerasTensor) else k
        for node in self._graph_nodes:
            kwargs = map_structure(value, node.kwargs)
            if training is not None and isinstance(node.layer, Layer):
                # as Keras 3's functional models: the call's training flag is given to every layer, overriding the
                # one a layer was called with when the graph was built (`base(x, training=False)` trains in fit)
                kwargs["training"] = training
            out = node.layer(*map_structure(value, node.args), **kwargs)
            for k, v in zip(flatten_sorted(node.outputs), flatten_sorted(out)):
                values[id(k)] = v
        return map_sorted(value, self._outputs_struct)


def _clone_from_intermediate(inputs, outputs):
    """(inputs, outputs) for a model whose inputs include intermediate KerasTensors, as Keras's
    clone_graph_nodes makes them: each such input becomes a new keras.Input of its shape and dtype, and the
    nodes between the inputs and the outputs are recorded again on copies of their tensors, so the original
    graph stays as it was."""
    from .layers.input_layer import Input
    new = {}
    for tensor in flatten(inputs):
        if not isinstance(tensor, KerasTensor):
            continue   # Functional.__init__ reports it
        if isinstance(tensor.node.layer, InputLayer):
            new[id(tensor)] = tensor
        else:
            new[id(tensor)] = Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=f"{tensor.name}CLONE")
    seen, nodes = set(), []
    stack = [t.node for t in flatten(outputs) if isinstance(t, KerasTensor) and id(t) not in new]
    while stack:
        node = stack.pop()
        if id(node) in seen or isinstance(node.layer, InputLayer):
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(t.node for t in flatten((node.args, node.kwargs))
                     if isinstance(t, KerasTensor) and id(t) not in new and t.node)

    def copy(tensor):
        if not isinstance(tensor, KerasTensor):
            return tensor
        if id(tensor) not in new:
            clone = KerasTensor(tensor.shape, tensor.dtype)
            clone.mask_shape = tensor.mask_shape
            new[id(tensor)] = clone
        return new[id(tensor)]
    for node in sorted(nodes, key=lambda n: n.id):
        clone = Node(node.layer, map_structure(copy, node.args), map_structure(copy, node.kwargs),
                     map_structure(copy, node.outputs))
        node.layer._symbolic_calls.append(clone)
    return map_structure(copy, inputs), map_structure(copy, outputs)


def _adjust_rank(symbol, value):
    """As Keras's functional models: an input one axis short of a keras.Input whose last axis is 1 gains that
    axis, and one with an extra trailing axis of size 1 loses it."""
    shape = getattr(value, "shape", None)
    if shape is None or isinstance(value, KerasTensor) or not hasattr(value, "reshape"):
        return value
    shape, expected = tuple(shape), tuple(symbol.shape)
    if len(shape) == len(expected) - 1 and expected and expected[-1] == 1:
        return value.reshape(shape + (1,))
    if len(shape) == len(expected) + 1 and shape and shape[-1] == 1:
        return value.reshape(shape[:-1])
    return value


def _check_input_shape(model_name, symbol, value):
    """A clear error when an input's rank or a fixed axis differs from its keras.Input's shape."""
    shape, expected = getattr(value, "shape", None), tuple(symbol.shape)
    if shape is None or isinstance(value, KerasTensor):
        return
    shape = tuple(shape)
    if len(shape) != len(expected) or any(e is not None and e != n for e, n in zip(expected, shape)):
        raise ValueError(f"{model_name}: input {symbol.node.layer.name!r} expects shape {expected} (None: any size), "
                         f"got shape {shape}; reshape the data or change keras.Input(shape={expected[1:]})")
