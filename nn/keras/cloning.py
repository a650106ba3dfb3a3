"""keras.models.clone_model: a new model with the same structure and new layers (fresh weights, not copied;
copy them with set_weights). Each layer is remade by `clone_function(layer)` (default: from its config,
keeping its name) and, for a functional model, the graph is called again on the new layers."""
from autograd.errors import KeywordError

from .layers.input_layer import Input
from .model import Functional, Model
from .sequential import Sequential
from .symbolic import KerasTensor, flatten, flatten_sorted, map_structure


def _from_config(layer):
    return type(layer).from_config(layer.get_config())


def _clone_functional(model, input_tensors, clone_function, call_function):
    old_inputs = model.inputs
    if input_tensors is None:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype, name=t.node.layer.name) for t in old_inputs]
    else:
        new_inputs = flatten(input_tensors)
        if len(new_inputs) != len(old_inputs):
            raise ValueError(f"clone_model: {model.name} has {len(old_inputs)} inputs, but input_tensors holds "
                             f"{len(new_inputs)}")
    new_of = {id(old): new for old, new in zip(old_inputs, new_inputs)}
    clones = {}

    def swap(value):
        return new_of[id(value)] if isinstance(value, KerasTensor) else value

    for node in model._graph_nodes:
        layer = node.layer
        if id(layer) not in clones:   # a shared layer is cloned once and shared again
            clones[id(layer)] = clone_function(layer)
        args, kwargs = map_structure(swap, node.args), map_structure(swap, node.kwargs)
        if call_function is not None:
            outputs = call_function(clones[id(layer)], *args, **kwargs)
        else:
            outputs = clones[id(layer)](*args, **kwargs)
        for old, new in zip(flatten_sorted(node.outputs), flatten_sorted(outputs)):
            new_of[id(old)] = new
    inputs = map_structure(lambda t: new_of[id(t)], model._inputs_struct)
    outputs = map_structure(lambda t: new_of[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)


def _compiled_like(model, clone):
    """`clone`, compiled from `model`'s compile config when `model` is compiled (Keras does this for Sequential and
    functional clones, so a clone of a compiled model can be fit at once)."""
    if model.compiled:
        clone.compile_from_config(model.get_compile_config())
    return clone


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """A copy of `model`'s architecture with new layers: Sequential and functional models are rebuilt layer by
    layer through `clone_function` (default: `type(layer).from_config(layer.get_config())`), a functional
    graph replayed on `input_tensors` (default: new keras.Input tensors like the model's) with
    `call_function(layer, *args, **kwargs)` when given; a subclassed model is made again from its config.
    `recursive=True` clones nested models with the same functions. Anything else (a layer) is made again
    from its serialized config, as Keras does. A Sequential or functional clone of a compiled
    model is compiled the same way (a new optimizer of the same config)."""
    if kwargs:
        raise KeywordError(f"clone_model: unexpected argument(s) {', '.join(sorted(kwargs))}")
    if not isinstance(model, Model):
        return _clone_other(model, input_tensors, clone_function, call_function)
    user_function = clone_function
    clone_function = clone_function or _from_config

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=user_function, call_function=call_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, Sequential):
        if input_tensors is not None or call_function is not None:
            raise ValueError("clone_model: input_tensors and call_function are supported for functional models; "
                             "clone a Sequential without them (or rebuild it as keras.Model(inputs, outputs))")
        layers = [clone_layer(layer) for layer in model.layers]
        spec = model._input_spec
        start = [] if spec is None else [Input(batch_shape=spec.shape, dtype=spec.dtype)]
        return _compiled_like(model, Sequential(start + layers, name=model.name, trainable=model.trainable))
    if isinstance(model, Functional):
        return _compiled_like(model, _clone_functional(model, input_tensors, clone_layer, call_function))
    if input_tensors is not None or call_function is not None:
        raise ValueError(f"clone_model: input_tensors and call_function need a functional model; "
                         f"{type(model).__name__} is subclassed, so it is cloned from its config")
    return type(model).from_config(model.get_config())


def _clone_other(obj, input_tensors, clone_function, call_function):
    """clone_model of something that is not a model, as Keras: a layer is made again from its serialized config
    (new weights, built as the original was); a plain value comes back as it is."""
    if clone_function is not None or input_tensors is not None:
        raise ValueError(f"Arguments `clone_function` and `input_tensors` are only supported for Sequential models "
                         f"or Functional models. Received model of type '{type(obj).__name__}', with "
                         f"clone_function={clone_function} and input_tensors={input_tensors}")
    if call_function is not None:
        raise ValueError(f"Argument `call_function` is only supported for Functional models. Received model of type "
                         f"'{type(obj).__name__}', with call_function={call_function}")
    from .saving.serialization import deserialize_keras_object, serialize_keras_object
    return deserialize_keras_object(serialize_keras_object(obj), {type(obj).__name__: type(obj)})
