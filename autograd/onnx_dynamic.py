"""`dynamic_axes` for ag.onnx.export: the forward is traced again with each dynamic size grown by one and by two,
and every recorded setting that changes with a size (a reshape's target, an expand's shape) is written as
arithmetic on the input's shape, found from those traces (c * size + k, or c times a product of sizes). Settings
that change otherwise, and ops whose written form still depends on a size (a causal mask, a negative index), are
refused: the file must compute what the forward computes at every size, not only at the example's."""
import numpy as np

from .jit.refs import Const
from .onnx_ops import OnnxOpError

#: ops whose shape-like settings may follow a dynamic size: class name -> positions of those arguments
SHAPE_ARGUMENTS = {"Reshape": (1,), "BroadcastTo": (1,)}


class ShapeValue:
    """An int64 shape computed in the ONNX graph (a converter uses its `name` instead of a constant)."""

    def __init__(self, name):
        self.name = name


def dynamic_dims(dynamic_axes, input_names, inputs):
    """([(input index, axis, example size, symbolic name)], ties) from PyTorch's `dynamic_axes` ({name: {axis:
    'name'}} or {name: [axes]}); output entries only name the outputs' axes. A name given to axes of several inputs
    is one size: the first such axis is listed and `ties` holds [(listed index, input index, axis)] for the others,
    which are grown with it."""
    found, ties, first = [], [], {}
    for name, axes in dynamic_axes.items():
        if name not in input_names:
            continue
        k = input_names.index(name)
        named = axes if isinstance(axes, dict) else {a: f"{name}_dynamic_axes_{n + 1}" for n, a in enumerate(axes)}
        for axis, label in named.items():
            axis, label = int(axis) % inputs[k].ndim, str(label)
            if label in first:
                j = first[label]
                if inputs[k].shape[axis] != found[j][2]:
                    raise OnnxOpError(f"autograd.onnx.export(dynamic_axes=...): '{label}' names axis {axis} of "
                                      f"'{name}' (size {inputs[k].shape[axis]}) and axis {found[j][1]} of "
                                      f"'{input_names[found[j][0]]}' (size {found[j][2]}); one name is one size: give "
                                      "the examples equal sizes there, or the axes different names")
                ties.append((j, k, axis))
                continue
            first[label] = len(found)
            found.append((k, axis, inputs[k].shape[axis], label))
    return found, ties


def grown(inputs, dims, which, by, ties=()):
    """Copies of the example inputs with dynamic size `which` (and the axes tied to it) grown by `by` (slices
    repeated from the start)."""
    arrays = [t._data for t in inputs]
    k, axis, _, _ = dims[which]
    for k, axis in [(k, axis)] + [(k2, a2) for j, k2, a2 in ties if j == which]:
        a = arrays[k]
        index = np.arange(a.shape[axis] + by) % a.shape[axis]
        arrays[k] = np.take(a, index, axis=axis)
    return arrays


def _fit(values, dims):
    """One setting element across the traces [base, (dim0 +1, dim0 +2), (dim1 +1, ...)...]: an int, or
    ("lin", dim, c, k) for c * size + k, or ("prod", dims, c) for c * product of sizes; None if neither fits."""
    base = values[0]
    moving = [j for j in range(len(dims)) if values[1 + 2 * j] != base or values[2 + 2 * j] != base]
    if not moving:
        return base
    if len(moving) == 1:
        j = moving[0]
        step = values[1 + 2 * j] - base
        if values[2 + 2 * j] - values[1 + 2 * j] == step:
            return ("lin", j, step, base - step * dims[j][2])
        return None
    sizes = [dims[j][2] for j in moving]
    product = int(np.prod(sizes))
    if product == 0 or base % product:
        return None
    c = base // product
    for j in moving:
        if values[1 + 2 * j] * dims[j][2] != base * (dims[j][2] + 1) or \
                values[2 + 2 * j] * dims[j][2] != base * (dims[j][2] + 2):
            return None
    return ("prod", moving, c)


def settings(recs, dims):
    """{(entry index, argument index): [element forms]} for the shape settings that follow a dynamic size; raises
    for any other difference between the traces."""
    base = recs[0]
    found = {}
    for others in recs[1:]:
        if len(others.entries) != len(base.entries) or any(
                a[0] != b[0] or (a[0] == "fwd" and (a[1] is not b[1] or len(a[3]) != len(b[3])))
                for a, b in zip(base.entries, others.entries)):
            raise OnnxOpError("autograd.onnx.export(dynamic_axes=...): the forward runs other ops when a dynamic "
                              "size changes (Python control flow on a size); export it at fixed sizes")
    for e, entry in enumerate(base.entries):
        if entry[0] == "rng":
            shapes = {np.shape(getattr(rec.entries[e][1], "__self__", None)) for rec in recs}
            if len(shapes) > 1:
                raise OnnxOpError("autograd.onnx.export(dynamic_axes=...): the forward makes a tensor whose shape "
                                  "follows a dynamic size (ag.zeros(x.size(0), ...)); make it with a *_like op")
            continue
        if entry[0] != "fwd":
            continue
        cls = entry[1]
        for p, ref in enumerate(entry[3]):
            refs = [rec.entries[e][3][p] for rec in recs]
            if not isinstance(ref, Const):
                if any(r != ref for r in refs):
                    raise OnnxOpError(f"autograd.onnx.export(dynamic_axes=...): {cls.__name__} reads other tensors "
                                      "when a dynamic size changes; export it at fixed sizes")
                continue
            values = [r.value for r in refs]
            if all(_same(v, values[0]) for v in values[1:]):
                continue
            if p not in SHAPE_ARGUMENTS.get(cls.__name__, ()) or not all(
                    isinstance(v, (tuple, list)) and len(v) == len(values[0]) for v in values):
                raise OnnxOpError(f"autograd.onnx.export(dynamic_axes=...): {cls.__name__}'s argument {p} "
                                  f"({values[0]!r} at the example's sizes) changes with a dynamic size in a way "
                                  "the file cannot compute; export at fixed sizes")
            forms = [_fit([int(v[i]) for v in values], dims) for i in range(len(values[0]))]
            if any(f is None for f in forms):
                raise OnnxOpError(f"autograd.onnx.export(dynamic_axes=...): {cls.__name__}'s shape {values[0]!r} "
                                  "follows the dynamic sizes in a way the file cannot compute")
            found[(e, p)] = forms
    return found


def _same(a, b):
    """Whether two recorded settings are equal, looking inside tuples and lists (interpolate's plans hold arrays)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is b or (np.shape(a) == np.shape(b) and np.array_equal(a, b))
    return a == b


def shape_value(graph, forms, dims, input_names):
    """The int64 vector of `forms` computed from the graph inputs' shapes."""
    pieces = []
    for form in forms:
        if isinstance(form, (int, np.integer)):
            pieces.append(graph.constant(np.array([form], np.int64), "dim"))
            continue
        if form[0] == "lin":
            _, j, c, k = form
            size = _size(graph, dims[j], input_names)
            if c != 1:
                size = graph.op("Mul", [size, graph.constant(np.array([c], np.int64), "c")], "DynamicShape")
            if k:
                size = graph.op("Add", [size, graph.constant(np.array([k], np.int64), "k")], "DynamicShape")
            pieces.append(size)
        else:
            _, moving, c = form
            size = graph.constant(np.array([c], np.int64), "c")
            for j in moving:
                size = graph.op("Mul", [size, _size(graph, dims[j], input_names)], "DynamicShape")
            pieces.append(size)
    return ShapeValue(graph.op("Concat", pieces, "DynamicShape", axis=0))


def _size(graph, dim, input_names):
    k, axis, _, _ = dim
    shape = graph.op("Shape", [input_names[k]], "DynamicShape")
    return graph.op("Gather", [shape, graph.constant(np.array([axis], np.int64), "axis")], "DynamicShape", axis=0)
