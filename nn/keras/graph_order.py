"""The order Keras 3 lists a functional model's layers in (its `map_graph`): deepest first, counting calls from
the outputs, and in order of first visit (a depth-first walk from each output) among layers of one depth.

`model.layers`, and so `model.weights`, `get_weights()` and `summary()`, follow it, so a list of weights moves
between a real Keras model and ours of the same graph. Inputs that no output uses come last (depth 0).
"""
from .symbolic import KerasTensor


def _keras_flatten(structure):
    """The leaves left to right, dicts in sorted key order (as keras.tree.flatten walks them)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _keras_flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _keras_flatten(structure[key])]
    return [structure]


def _parents(node):
    return [t.node for t in _keras_flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor) and t.node]


def _post_order(outputs):
    """The nodes behind `outputs`, each after its parents, and each layer's first-visit index."""
    finished, order, visit_index = set(), [], {}
    for tensor in _keras_flatten(outputs):
        if id(tensor.node) in finished:
            continue
        stack = [(tensor.node, iter(_parents(tensor.node)))]
        visit_index.setdefault(id(tensor.node.layer), len(visit_index))
        while stack:
            node, parents = stack[-1]
            parent = next((p for p in parents if id(p) not in finished), None)
            if parent is None:
                stack.pop()
                if id(node) not in finished:
                    finished.add(id(node))
                    order.append(node)
                continue
            visit_index.setdefault(id(parent.layer), len(visit_index))
            stack.append((parent, iter(_parents(parent))))
    return order, visit_index


def keras_layer_order(inputs, outputs):
    """The layers of the graph from the KerasTensors `inputs` (flat) to `outputs` (a structure), in Keras's order."""
    order, visit_index = _post_order(outputs)
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(order):
        key = id(node.layer)
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(key, 0))
        layer_depth[key], node_depth[id(node)], layers[key] = depth, depth, node.layer
        for parent in _parents(node):
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:
        key = id(tensor.node.layer)
        if key not in layer_depth:
            layer_depth[key], visit_index[key], layers[key] = 0, -1, tensor.node.layer
    return [layers[key] for key in sorted(layers, key=lambda k: (-layer_depth[k], visit_index[k]))]
