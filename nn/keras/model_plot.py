"""keras.utils.model_to_dot and plot_model: a model's layers and their connections as a Graphviz graph (pydot),
laid out as Keras 3 lays it out: one node per layer whose HTML-like label holds the name, class, activation,
input/output shapes, dtype and trainability asked for; edges from each layer to the layers that read its
outputs; nested models as dashed clusters with `expand_nested`. pydot, and Graphviz's `dot` program for the
image, are optional: without them the calls raise Keras's ImportError (plot_model in a notebook prints it)."""
import importlib.util
import os
import sys

from .tree import map_structure

try:
    import pydot
except ImportError:   # optional (the "keras" extra); refused with Keras's message where used
    pydot = None


def _require_pydot(who):
    if pydot is None:
        raise ImportError(f"You must install pydot (`pip install pydot`) for {who} to work.")


def _graphviz_runs():
    """True when pydot can run Graphviz (an empty graph renders)."""
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except (OSError, pydot.PydotException):
        return False


def _kind(model):
    """'sequential', 'functional' or None (a subclassed model, drawn as one node)."""
    from .sequential import Sequential
    from .model import Functional
    if isinstance(model, Sequential):
        return "sequential"
    return "functional" if isinstance(model, Functional) else None


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        text = ", ".join(f"{k}: {v}" for k, v in shape.items())
    else:
        text = f"{shape}"
    return text.replace("}", "").replace("{", "")


def _structure_of(layer, attribute, read):
    """read(t) over the tensors of layer.input or layer.output, or None where the layer has none."""
    try:
        return map_structure(read, getattr(layer, attribute))
    except (ValueError, AttributeError):
        return None


def _activation_name(activation):
    for attribute in ("name", "__name__"):
        if hasattr(activation, attribute):
            return getattr(activation, attribute)
    return str(activation)


def _cell(text, colour="white", font_colour=None):
    colour_attr = f' color="{font_colour}"' if font_colour else ""
    return f'<td bgcolor="{colour}"><font point-size="14"{colour_attr}>{text}</font></td>'


def _class_name(layer):
    """The class name Keras shows: a keras.ops call's is its Keras operation class (Relu, Multiply, ...)."""
    from .symbolic_ops import Operation
    if isinstance(layer, Operation):
        from .saving.operation_config import operation_entry
        return operation_entry(layer)["class_name"]
    return type(layer).__name__


def _label(layer, show_layer_names, show_layer_activations, show_dtype, show_shapes, show_trainable):
    """The node's HTML-like table: a black title row, an activation row, and one row of shape/dtype/trainable cells."""
    class_name = _class_name(layer)
    span = max(1, int(show_dtype) + int(show_trainable) + (2 if show_shapes else 0))
    title = f"<b>{layer.name}</b> ({class_name})" if show_layer_names else f"<b>{class_name}</b>"
    rows = [f'<tr><td colspan="{span}" bgcolor="black"><font point-size="16" color="white">{title}</font></td></tr>']
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append(f'<tr><td bgcolor="white" colspan="{span}"><font point-size="14">Activation: '
                    f'<b>{_activation_name(layer.activation)}</b></font></td></tr>')
    cells = []
    if show_shapes:
        as_shape = lambda t: tuple(t.shape)   # noqa: E731
        if class_name != "InputLayer":
            cells.append(_cell(f"Input shape: <b>{_shape_text(_structure_of(layer, 'input', as_shape))}</b>"))
        cells.append(_cell(f"Output shape: <b>{_shape_text(_structure_of(layer, 'output', as_shape))}</b>"))
    if show_dtype:
        dtype = _structure_of(layer, "output", lambda t: t.dtype)
        cells.append(_cell(f"Output dtype: <b>{dtype or '?'}</b>"))
    if show_trainable and hasattr(layer, "trainable") and layer.weights:
        cells.append(_cell("<b>Trainable</b>", "forestgreen", "white") if layer.trainable
                     else _cell("<b>Non-trainable</b>", "firebrick", "white"))
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">' + "".join(rows) + "</table>>"


def _node(layer, options):
    node = pydot.Node(str(id(layer)), label=_label(layer, **options))
    for key, value in (("fontname", "Helvetica"), ("border", "0"), ("margin", "0")):
        node.set(key, value)
    return node


def _connect(dot, source, destination):
    ends = str(id(source)), str(id(destination))
    if not dot.get_edge(*ends):
        edge = pydot.Edge(*ends)
        edge.set("penwidth", "2")
        dot.add_edge(edge)


def _producer(tensor):
    """(operation, output index) that made a symbolic tensor."""
    return tensor.node.layer, tensor.index


def _innermost_source(source, index):
    """The layer inside (possibly nested) models that makes output `index` of `source`."""
    while _kind(source) is not None:
        source, index = _producer(source.outputs[index])
    return source


def _innermost_destination(destination, input_index):
    """The box an edge into (possibly nested) models points at: a functional model's InputLayer, a Sequential's
    first layer."""
    while _kind(destination) is not None:
        if _kind(destination) == "functional":
            destination = destination.inputs[input_index].node.layer
        else:
            destination = destination.layers[0]
    return destination


def _inbound_edges(model):
    """(source, tensor index, destination, input index) for every input of every call of the model's operations,
    in Keras's order (the model's config lists each call's inputs by their producers' names)."""
    by_name = {op.name: op for op in model.operations}
    edges = []
    for entry in model.get_config()["layers"]:
        destination = by_name[entry["name"]]
        for call in entry["inbound_nodes"]:
            for position, (name, _, tensor_index) in enumerate(_histories(call)):
                edges.append((by_name[name], tensor_index, destination, position))
    return edges


def _histories(value):
    """The keras_history triples of the symbolic tensors in a serialized call, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [tuple(value["config"]["keras_history"])]
        return [h for key in value for h in _histories(value[key])]
    if isinstance(value, (list, tuple)):
        return [h for item in value for h in _histories(item)]
    return []


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 splines="ortho", **kwargs):
    """A pydot graph of the model (a pydot.Cluster with subgraph=True): one node per layer (a subclassed model is
    one node), an edge per connection, nested models as clusters with expand_nested."""
    if not getattr(model, "built", False):
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    _require_pydot("model_to_dot")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        for key, value in (("rankdir", rankdir), ("concentrate", True), ("dpi", dpi), ("splines", splines)):
            dot.set(key, value)
        dot.set_node_defaults(shape="record")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    options = {"show_layer_names": show_layer_names, "show_layer_activations": show_layer_activations,
               "show_dtype": show_dtype, "show_shapes": show_shapes, "show_trainable": show_trainable}
    kind = _kind(model)
    if kind is None:
        dot.add_node(_node(model, options))
        return dot
    layers = model.layers if kind == "sequential" else model.operations
    for layer in layers:
        if expand_nested and _kind(layer) is not None:
            dot.add_subgraph(model_to_dot(layer, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
                                          subgraph=True, show_layer_activations=show_layer_activations,
                                          show_trainable=show_trainable))
        else:
            dot.add_node(_node(layer, options))
    if kind == "sequential":   # each layer reads the one before (the edge into the first comes from outside)
        edges = [(a, 0, b, 0) for a, b in zip(layers, layers[1:])]
    else:
        edges = _inbound_edges(model)
    for source, tensor_index, destination, input_index in edges:
        if expand_nested:
            source = _innermost_source(source, tensor_index)
            destination = _innermost_destination(destination, input_index)
        _connect(dot, source, destination)
    return dot


def _ipython_loaded():
    """Whether Keras's check for a notebook (IPython's magics module loaded) holds: `import keras` imports IPython
    wherever it is installed (keras.saving's file editor does), so in a plain script too."""
    if "IPython.core.magics.namespace" in sys.modules:
        return True
    try:
        return importlib.util.find_spec("IPython") is not None
    except (ImportError, ValueError):
        return False


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB",
               expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False, splines="ortho",
               **kwargs):
    """Draw the model's graph (model_to_dot) into `to_file`, in the format its extension names (png without one).
    Returns an IPython Image of it where IPython is installed (None for a pdf)."""
    if not getattr(model, "built", False):
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    for missing, message in ((pydot is None, "You must install pydot (`pip install pydot`) for `plot_model` to work."),
                             (pydot is not None and not _graphviz_runs(),
                              "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) "
                              "for `plot_model` to work.")):
        if missing:
            if _ipython_loaded():   # Keras prints this and draws nothing
                print(message)
                return None
            raise ImportError(message)
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable, splines=splines)
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=to_file)
