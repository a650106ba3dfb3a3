"""model.summary(): the table Keras prints — layer (type), output shape, parameter count (and, for
functional models, what each layer is connected to) — then the totals with their size in bytes."""
import textwrap

from .symbolic import KerasTensor, flatten

_SEQUENTIAL_WIDTHS = (31, 22, 13)
_FUNCTIONAL_WIDTHS = (27, 22, 11, 24)


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
    return str(tuple(shape))


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
        for tensor in flatten((node.args, node.kwargs)):
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


def _row_lines(cells, widths, right):
    wrapped = [textwrap.wrap(cell, width, break_on_hyphens=False) or [""] for cell, width in zip(cells, widths)]
    lines = []
    for k in range(max(len(w) for w in wrapped)):
        parts = []
        for col, (w, width) in enumerate(zip(wrapped, widths)):
            text = w[k] if k < len(w) else ""
            parts.append(text.rjust(width) if col in right else text.ljust(width))
        lines.append("│ " + " │ ".join(parts) + " │")
    return lines


def render(model, line_length=None):
    """The summary of `model` as one string."""
    functional = not _sequential_like(model)
    widths = _FUNCTIONAL_WIDTHS if functional else _SEQUENTIAL_WIDTHS
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    right = {2}
    lines = [f'Model: "{model.name}"']
    bar = lambda left, mid, end, fill: left + mid.join(fill * (w + 2) for w in widths) + end  # noqa: E731
    lines.append(bar("┏", "┳", "┓", "━"))
    lines.append("┃ " + " ┃ ".join(h.rjust(w) if k in right else h.ljust(w)
                                    for k, (h, w) in enumerate(zip(headers, widths))) + " ┃")
    lines.append(bar("┡", "╇", "┩", "━"))
    rows = []
    for layer in model.layers:
        name = getattr(layer, "name", type(layer).__name__)
        kind = "Functional" if type(layer).__name__ == "Functional" else type(layer).__name__
        cells = [f"{name} ({kind})", _shape_text(getattr(layer, "_output_shape", None)), _params_text(layer)]
        if functional:
            cells.append(_connections(layer, model))
        rows.append(_row_lines(cells, widths, right))
    for k, row in enumerate(rows):
        lines.extend(row)
        if k < len(rows) - 1:
            lines.append(bar("├", "┼", "┤", "─"))
    lines.append(bar("└", "┴", "┘", "─"))
    weights = model.weights if model.built else []
    trainable = model.trainable_weights if model.built else []
    total = sum(w.size for w in weights)
    total_bytes = sum(w.size * w.dtype.itemsize for w in weights)
    train = sum(w.size for w in trainable)
    train_bytes = sum(w.size * w.dtype.itemsize for w in trainable)
    lines.append(f" Total params: {total:,} ({readable_size(total_bytes)})")
    lines.append(f" Trainable params: {train:,} ({readable_size(train_bytes)})")
    lines.append(f" Non-trainable params: {total - train:,} ({readable_size(total_bytes - train_bytes)})")
    return "\n".join(lines)
