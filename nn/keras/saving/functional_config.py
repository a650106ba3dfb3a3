"""A functional model's config in Keras 3's layout, and the model rebuilt from it.

The config lists every layer once (in model.layers order) with the calls it takes part in: "inbound_nodes",
one {"args", "kwargs"} per call, where each symbolic tensor is {"class_name": "__keras_tensor__", "config":
{"shape", "dtype", "keras_history": [layer name, call index, output index]}}. "input_layers" and
"output_layers" name the model's inputs and outputs the same way, except that Keras counts the calls of a nested
functional model (not a Sequential one) from 1 there. A layer called twice (a shared layer) has two inbound nodes
and is rebuilt once.
"""
from ..graph_order import keras_layer_order
from ..layers.input_layer import InputLayer
from ..symbolic import KerasTensor, flatten, map_structure
from .operation_config import (decode_special, encode_special, is_operation_entry, operation_entry,
                               operation_from_entry)
from .serialization import deserialize_keras_object, is_object_config, serialize_keras_object


def _operations(model):
    """The model's layers and keras.ops operations, in Keras's order (a config lists both)."""
    return keras_layer_order(model._flat_inputs, model._outputs_struct)


def functional_config(model):
    """The config dict of functional `model`: name, trainable, layers (with inbound_nodes), input_layers,
    output_layers."""
    node_index = _node_indices(model)

    def history(tensor):
        return [tensor.node.layer.name, node_index[id(tensor.node)], tensor.index]

    def encode(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__",   # a shape is a tuple, as in Keras's get_config (JSON: list)
                    "config": {"shape": tuple(value.shape), "dtype": value.dtype, "keras_history": history(value)}}
        if isinstance(value, tuple):   # a call's positional arguments are a tuple, a list argument a list, as Keras's
            return tuple(encode(v) for v in value)
        if isinstance(value, list):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        special = encode_special(value)
        return serialize_keras_object(value) if special is None else special

    layers = []
    for layer in _operations(model):
        entry = operation_entry(layer) if getattr(layer, "_is_operation", False) else serialize_keras_object(layer)
        entry["name"] = layer.name
        nodes = [n for n in layer._symbolic_calls if id(n) in node_index] if not isinstance(layer, InputLayer) else []
        entry["inbound_nodes"] = [{"args": encode(tuple(n.args)), "kwargs": encode(n.kwargs)} for n in nodes]
        layers.append(entry)
    def endpoint(tensor):
        # Keras counts a nested functional model's calls from 1 here (not in the nodes' own arguments)
        name, k, index = history(tensor)
        return [name, k + 1 if _is_functional(tensor.node.layer) else k, index]
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": map_structure(endpoint, model._inputs_struct),
            "output_layers": map_structure(endpoint, model._outputs_struct)}


def _is_functional(layer):
    return getattr(layer, "_is_functional_graph", False)


def _node_indices(model):
    """id(node) -> the node's index among the calls of its layer that belong to `model`."""
    mine = {id(t.node) for t in model.inputs} | {id(n) for n in model._graph_nodes}
    indices = {}
    for layer in _operations(model):
        for k, node in enumerate(n for n in layer._symbolic_calls if id(n) in mine):
            indices[id(node)] = k
    return indices


def functional_from_config(cls, config, custom_objects=None):
    """A new functional model of class `cls` from `functional_config`'s dict (fresh weights)."""
    layers, pending = {}, []
    for entry in config["layers"]:
        description = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes", "build_config")}
        layer = operation_from_entry(entry) if is_operation_entry(entry) else \
            deserialize_keras_object(description, custom_objects)
        layers[entry["name"]] = layer
        pending += [(entry["name"], k, node) for k, node in enumerate(entry.get("inbound_nodes") or [])]
    tensors = {(name, 0, 0): layer.output_tensor for name, layer in layers.items() if isinstance(layer, InputLayer)}
    created = {name: 0 for name in layers}
    while pending:
        waiting = []
        for name, k, node in pending:
            if k != created[name] or not all(tuple(h) in tensors for h in _histories(node)):
                waiting.append((name, k, node))
                continue
            args = _decode(node.get("args", []), tensors, custom_objects)
            kwargs = _decode(node.get("kwargs", {}), tensors, custom_objects)
            outputs = layers[name](*args, **kwargs)
            for index, tensor in enumerate(flatten(outputs)):
                tensors[(name, k, index)] = tensor
            created[name] += 1
        if len(waiting) == len(pending):
            missing = sorted({tuple(h) for _, _, n in waiting for h in _histories(n) if tuple(h) not in tensors})
            raise ValueError(f"load_model: the functional config of {config.get('name')!r} refers to layer outputs "
                             f"that no layer makes: {missing}")
        pending = waiting

    def tensor_for(history):
        name, k, index = history
        return tensors[(name, k - 1 if _is_functional(layers[name]) else k, index)]
    inputs = _map_histories(tensor_for, config["input_layers"])
    outputs = _map_histories(tensor_for, config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _is_history(value):
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and \
        all(isinstance(v, int) for v in value[1:])


def _map_histories(fn, structure):
    if _is_history(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_histories(fn, v) for k, v in structure.items()}
    return [_map_histories(fn, v) for v in structure]


def _histories(node):
    found = []

    def walk(value):
        if is_object_config(value) and value["class_name"] == "__keras_tensor__":
            found.append(value["config"]["keras_history"])
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):   # tuples: a config from get_config, before any JSON
            for v in value:
                walk(v)
    walk(node)
    return found


def _decode(value, tensors, custom_objects):
    if is_object_config(value) and value["class_name"] == "__keras_tensor__":
        return tensors[tuple(value["config"]["keras_history"])]
    if is_object_config(value) and value["class_name"] in ("__slice__", "__ellipsis__", "__tensor__"):
        return decode_special(value)
    if is_object_config(value):
        return deserialize_keras_object(value, custom_objects)
    if isinstance(value, list):
        return [_decode(v, tensors, custom_objects) for v in value]
    if isinstance(value, tuple):
        return tuple(_decode(v, tensors, custom_objects) for v in value)
    if isinstance(value, dict):
        return {k: _decode(v, tensors, custom_objects) for k, v in value.items()}
    return value
