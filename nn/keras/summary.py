"""model.summary(): the table Keras prints — layer (type), output shape, parameter count (and, for
functional models, what each layer is connected to) — then the totals with their size in bytes, the
optimizer's variables included once fit or evaluate has built them.

The table is as wide as Keras makes it: 88 characters (108 with "Connected to"), or the terminal's width less
4 when that is smaller, cut at Keras's `positions` and shrunk as its table library (rich) shrinks columns;
a word too long for its column ends in "…", as there.
"""
import os
import re
import shutil
import textwrap

from .symbolic import KerasTensor, flatten, flatten_sorted

_SEQUENTIAL = (88, (0.45, 0.80, 1.0))
_FUNCTIONAL = (108, (0.3, 0.56, 0.74, 1.0))


def readable_size(num_bytes):
    """'198.79 KB', '224.00 B' (powers of 1024, as Keras writes them)."""
    size = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} TB"


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k}: {_shape_text(v)}" for k, v in shape.items()) + "}"
    return "(" + ", ".join(str(d) for d in shape) + ")"   # Keras's join: a 1-d shape prints as "(None)"


def _flat_shapes(structure):
    """The shapes in a (nested) structure of shapes, in Keras's flattening order (dict keys sorted)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flat_shapes(structure[key])]
    if isinstance(structure, (list, tuple)) and any(isinstance(d, (list, tuple, dict)) for d in structure):
        return [leaf for item in structure for leaf in _flat_shapes(item)]
    return [structure]


def _output_shape(layer, model, parent=None):
    """The shape Keras prints for `layer`: its graph output's in a functional or Sequential model; in a
    subclassed model (no graph), what compute_output_shape gives for the shape the layer was built with (the
    batch size of that first call included), or None ("?") for a layer of the user's without its own
    compute_output_shape, or an unbuilt one. `parent`: the (nested) model whose layers list holds `layer`."""
    from .layer import Layer
    shape = getattr(layer, "_output_shape", None)
    parent = model if parent is None else parent
    chain = parent._layer_outputs() if hasattr(parent, "_layer_outputs") else None
    if chain and any(layer is other for other in parent._stack):
        # a Sequential's layer as its own graph has it (Keras's nodes: later calls of the whole model from
        # another graph do not run its layers symbolically again, so the batch size of a first eager call stays)
        shape = chain[[id(other) for other in parent._stack].index(id(layer))].shape
    graph = hasattr(model, "_graph_nodes") or hasattr(model, "_stack")   # functional or Sequential
    if graph or getattr(layer, "_symbolic_calls", None):
        # Keras reads a graph layer's outputs off its node, one flat list: "[(None, 5, 4), (None, 4)]"
        shapes = _flat_shapes(shape)
        return shapes[0] if len(shapes) == 1 else shapes
    if hasattr(layer, "_graph_nodes") and shape is not None:
        # a functional model called eagerly: Keras prints its own graph's output shape (its `output_shape`)
        shapes = _flat_shapes(shape)
        return shapes[0] if len(shapes) == 1 else shapes
    own_chain = layer._layer_outputs() if hasattr(layer, "_layer_outputs") else None
    if own_chain:
        # a Sequential called eagerly is a functional model in Keras: its own graph's output shape (the batch
        # size of the first call where it was built from that call, None from an Input)
        shapes = _flat_shapes(own_chain[-1].shape)
        return shapes[0] if len(shapes) == 1 else shapes
    built_with = getattr(layer, "_build_input_shape", None)
    if not getattr(layer, "built", False) or built_with is None or _keras_built_at_init(layer):
        return None
    if type(layer).compute_output_shape is Layer.compute_output_shape and not type(layer).__module__.startswith(
            "nn.keras"):
        return None
    if shape is None:   # built by a build() call of the user's, never called: Keras asks the layer's shape rule
        try:
            return layer.compute_output_shape(built_with)
        except NotImplementedError:
            return None
    batch = built_with[0] if isinstance(built_with, tuple) and built_with else None
    if isinstance(shape, tuple) and shape and (batch is None or isinstance(batch, int)):
        return (batch,) + tuple(shape[1:])
    return shape


# Keras's layers that mark themselves built in __init__: an eager call then records no build shapes, so a
# subclassed model's summary prints "?" for them
_BUILT_AT_INIT = frozenset("""
Activation ActivityRegularization AlphaDropout AveragePooling1D AveragePooling2D AveragePooling3D Dropout ELU
GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D
GlobalMaxPooling2D GlobalMaxPooling3D Identity LeakyReLU Masking MaxPooling1D MaxPooling2D MaxPooling3D ReLU Reshape
Softmax SpatialDropout1D SpatialDropout2D SpatialDropout3D UnitNormalization""".split())


def _keras_built_at_init(layer):
    """Whether Keras's class for `layer` is built in its __init__: the first of Keras's classes in its order is
    one of those (a subclass of the user's is too: Keras's __init__ still runs)."""
    for cls in type(layer).__mro__:
        if cls.__module__.startswith("nn.keras"):
            return cls.__name__ in _BUILT_AT_INIT
    return False


def _params_text(layer):
    if not getattr(layer, "built", True):
        return "0 (unbuilt)"
    return f"{_param_count(layer):,}"


def _param_count(layer):
    weights = layer.weights if hasattr(layer, "weights") else list(layer.parameters())
    return int(sum(w.size for w in weights))


def _connections(layer, model):
    """'a[0][0], b[0][0]' for the inputs of the layer's node(s) inside `model`."""
    parts = []
    for node in getattr(layer, "_symbolic_calls", []):
        if node not in getattr(model, "_graph_nodes", ()):
            continue
        for tensor in flatten_sorted((node.args, node.kwargs)):   # as keras.tree: dict keys sorted
            if isinstance(tensor, KerasTensor) and tensor.node is not None:
                source = tensor.node.layer
                parts.append(f"{source.name}[{source._symbolic_calls.index(tensor.node)}][{tensor.index}]")
    return ", ".join(parts) or "-"


def _sequential_like(model):
    """Whether Keras prints `model` as a plain chain (no "Connected to" column): not functional, or one input
    and every layer called once on one tensor, with no branches."""
    if not hasattr(model, "_graph_nodes"):
        return True
    if len(model._flat_inputs) != 1:
        return False
    parents, layers = set(), set()
    for node in model._graph_nodes:
        inputs = [t for t in flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor)]
        if len(inputs) != 1 or id(inputs[0].node) in parents or id(node.layer) in layers:
            return False
        parents.add(id(inputs[0].node))
        layers.add(id(node.layer))
    return True


def column_widths(line_length, positions):
    """The text width of each column: `positions` (fractions of `line_length`) cut the line into columns, and
    the columns, each with one space of padding either side, lose equal shares (rounded half to even) of
    what overflows the line with its borders — rich's rule, which Keras's table follows."""
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width + 2)
        current += width
    excess, count = sum(widths) - (line_length - len(widths) - 1), len(widths)
    for k in range(len(widths)):
        cut = min(widths[k], round(excess / count)) if excess > 0 else 0
        widths[k] -= cut
        excess, count = excess - cut, count - 1
    return tuple(w - 2 for w in widths)


def _wrap(cell, width):
    """The lines of `cell` in a column of `width`: broken between words; a longer word cut to end in '…'."""
    lines = textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [""]
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines]


def _layer_bounds(layers, layer_range):
    """[start, stop) of the rows `layer_range` picks, as Keras: from the first layer whose name matches
    layer_range[0] (a regular expression, matched at the start) to the last matching layer_range[1]."""
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"summary(layer_range=...): expected two layer names (strings), the first and the last "
                         f"layer to show; received layer_range={layer_range!r}")
    lower = [k for k, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [k for k, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(f"summary(layer_range={list(layer_range)!r}): no layer of the model matches "
                         f"{layer_range[0 if not lower else 1]!r}; its layers are {[layer.name for layer in layers]}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _operations(model):
    """What Keras lists for `model`: a functional model's layers and keras.ops operations in graph order (as
    `x + 3.0` on a symbolic tensor makes an 'add' row), any other model's layers."""
    if hasattr(model, "_graph_nodes"):   # only functional graphs have nodes (not Sequential, not subclassed)
        return model.operations
    return model.layers


def _listed_layers(model, expand_nested, level=0, layer_range=None):
    """(layer, nesting level, the model listing it) for each row: the model's layers (those `layer_range`
    picks), each followed by its own layers (a nested model's, recursively) when `expand_nested`."""
    rows = _operations(model)
    start, stop = _layer_bounds(rows, layer_range)
    for layer in rows[start:stop]:
        yield layer, level, model
        if expand_nested and getattr(layer, "layers", None):
            yield from _listed_layers(layer, expand_nested, level + 1)


def _row_lines(cells, widths, right, edge="│", bottom=False, center=()):
    """The text lines of one table row; `bottom` aligns shorter cells to the row's foot (as the header's);
    columns in `right` are right-aligned, in `center` centred."""
    wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths)]
    if bottom:
        height = max(len(w) for w in wrapped)
        wrapped = [[""] * (height - len(w)) + w for w in wrapped]
    lines = []
    for k in range(max(len(w) for w in wrapped)):
        parts = []
        for col, (w, width) in enumerate(zip(wrapped, widths)):
            text = w[k] if k < len(w) else ""
            parts.append(text.rjust(width) if col in right else text.center(width) if col in center else
                         text.ljust(width))
        lines.append(f"{edge} " + f" {edge} ".join(parts) + f" {edge}")
    return lines


def console_width():
    """The width of the console Keras prints its summary on (rich's rule): $COLUMNS, else the terminal's width
    (stdin, stdout or stderr), else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or 80
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):   # not a terminal
            continue
    return 80


def render(model, line_length=None, positions=None, show_trainable=False, expand_nested=False, layer_range=None):
    """The summary of `model` as one string, `line_length` characters wide (Keras's default when None); with
    `show_trainable` a "Trainable" column (Y, N, or - for a layer without weights), with `expand_nested` the
    layers of nested models on rows of their own ('   └ name (type)'), with `layer_range` (two names) only
    the rows from the first to the last named layer, as Keras prints them; the totals are the whole model's."""
    functional = not _sequential_like(model)
    default_length, default_positions = _FUNCTIONAL if functional else _SEQUENTIAL
    if show_trainable:
        default_length, default_positions = default_length + 12, [p * 0.9 for p in default_positions] + [1.0]
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = column_widths(line_length, positions or default_positions)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else []) + \
        (["Trainable"] if show_trainable else [])
    right, center = {2}, {len(headers) - 1} if show_trainable else set()
    lines = [f'Model: "{model.name}"']
    bar = lambda left, mid, end, fill: left + mid.join(fill * (w + 2) for w in widths) + end  # noqa: E731
    lines.append(bar("┏", "┳", "┓", "━"))
    lines.extend(_row_lines(headers, widths, right, edge="┃", bottom=True, center=center))
    lines.append(bar("┡", "╇", "┩", "━"))
    rows = []
    for layer, level, parent in _listed_layers(model, expand_nested, layer_range=layer_range):
        name = getattr(layer, "name", type(layer).__name__)
        kind = "Functional" if type(layer).__name__ == "Functional" else type(layer).__name__
        if getattr(layer, "_is_operation", False):   # a keras.ops node shows Keras's op class: add -> Add
            kind = "".join(part[:1].upper() + part[1:] for part in layer.op_name.split("_"))
        prefix = "   " * level + "└ " if level else ""
        cells = [f"{prefix}{name} ({kind})", _shape_text(_output_shape(layer, model, parent)), _params_text(layer)]
        if functional:
            cells.append(_connections(layer, model))
        if show_trainable:
            cells.append(("Y" if layer.trainable else "N") if getattr(layer, "weights", None) else "-")
        rows.append(_row_lines(cells, widths, right, center=center))
    for k, row in enumerate(rows):
        lines.extend(row)
        if k < len(rows) - 1:
            lines.append(bar("├", "┼", "┤", "─"))
    lines.append(bar("└", "┴", "┘", "─"))
    width = console_width()   # as Keras's console (rich) prints it: a table wider than the console is cut
    lines[1:] = [line[:width] for line in lines[1:]]
    weights = model.weights if model.built else []
    trainable = model.trainable_weights if model.built else []
    total = sum(w.size for w in weights)
    total_bytes = sum(w.size * w.dtype.itemsize for w in weights)
    train = sum(w.size for w in trainable)
    train_bytes = sum(w.size * w.dtype.itemsize for w in trainable)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "_compiled", None) is not None else None
    built = optimizer is not None and getattr(optimizer, "built", False)
    slots, slot_bytes = optimizer.count_variables(trainable) if built else (0, 0)
    lines.append(f" Total params: {total + slots:,} ({readable_size(total_bytes + slot_bytes)})")
    lines.append(f" Trainable params: {train:,} ({readable_size(train_bytes)})")
    lines.append(f" Non-trainable params: {total - train:,} ({readable_size(total_bytes - train_bytes)})")
    if built:
        lines.append(f" Optimizer params: {slots:,} ({readable_size(slot_bytes)})")
    return "\n".join(lines)
