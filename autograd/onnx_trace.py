"""`ag.onnx.export`'s trace: run a module's forward once on example inputs with ag.jit's recorder installed, and
write each op it recorded as ONNX nodes (onnx_ops.py). Shapes are the example's, as PyTorch's exporter gives
without `dynamic_shapes`; Python control flow is taken as it went for the example."""
import inspect

import numpy as np

from .capture import CaptureError, state as capture
from .grad_mode import no_grad
from .jit.recorder import Recorder
from .jit.refs import Const
from .jit.tree import flatten, unflatten
from . import onnx_dynamic, onnx_index_ops, onnx_math_ops, onnx_ops
from .onnx_graph import OnnxGraph
from .onnx_ops import OnnxOpError, Value
from .ops.no_grad_op import NoGradOp
from .tensor import Tensor, wrap_array


#: Function class name -> converter, over every converter module
CONVERTERS = {**onnx_ops.CONVERTERS, **onnx_math_ops.CONVERTERS, **onnx_index_ops.CONVERTERS}


def _converter(cls):
    """The converter of a recorded op (an op without a gradient by its recorded name: several share a class name
    with differentiable ops, `//`'s 'div' beside Div), or a refusal naming it."""
    if issubclass(cls, NoGradOp):
        convert, name = onnx_index_ops.NO_GRAD_CONVERTERS.get(cls.op_name), cls.op_name
    else:
        convert, name = CONVERTERS.get(cls.__name__), cls.__name__
    if convert is None:
        raise OnnxOpError(f"autograd.onnx.export: no ONNX form here for the op {name} ({cls.__module__}); the ops "
                          f"export writes are {sorted(CONVERTERS)} and, without a gradient, "
                          f"{sorted(onnx_index_ops.NO_GRAD_CONVERTERS)}")
    return convert


def _flat_tensors(value, what):
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _flat_tensors(item, what)]
    if isinstance(value, dict):
        return [t for key in value for t in _flat_tensors(value[key], what)]
    raise OnnxOpError(f"autograd.onnx.export: the model's {what} holds {type(value).__name__}; export takes "
                      "tensors (in tuples, lists or dicts)")


def _input_names(model, count, given):
    if given is not None:
        return list(given)[:count] + [f"input_{k}" for k in range(len(list(given)), count)]
    try:   # PyTorch's exporter names the inputs after forward's parameters
        params = [p.name for p in inspect.signature(model.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[k] if k < len(params) else f"input_{k}" for k in range(count)]


def _record(model, args, kwargs):
    rec = Recorder()
    inputs = _flat_tensors(args, "inputs") + _flat_tensors(kwargs, "inputs")
    slots = [rec.new_slot(t._data) for t in inputs]
    capture.recorder = rec
    try:
        with no_grad():
            result = model(*args, **kwargs)
    except CaptureError as error:   # the recorder's refusals are worded for ag.jit's compiled steps
        raise OnnxOpError(f"autograd.onnx.export: the forward cannot be written as a fixed graph of ops "
                          f"(export traces it with ag.jit's recorder, which says: {error})") from error
    finally:
        capture.recorder = None
    return rec, inputs, slots, result


def _unwrap(rec, ref, names):
    """An op's recorded argument as a converter takes it: a Value for a slot, the constant itself otherwise."""
    if isinstance(ref, Const):
        return ref.value
    if ref not in names:
        raise OnnxOpError("autograd.onnx.export: an op reads a tensor that an op export does not write made")
    return Value(names[ref], rec.vals[ref])


def _arguments(cls, values, kwargs):
    """The op's arguments in its forward's order, defaults filled in (a recorded call may pass any by keyword),
    and every named one by name too: (positional list, {name: value})."""
    signature = inspect.signature(cls.forward)
    bound = signature.bind(None, *values, **kwargs)
    bound.apply_defaults()
    args, named = [], {}
    for k, (name, param) in enumerate(signature.parameters.items()):
        value = bound.arguments.get(name, param.default)
        if k == 0:   # ctx
            continue
        if param.kind == param.VAR_POSITIONAL:
            args.extend(value)
        elif param.kind == param.VAR_KEYWORD:
            named.update(value)
        elif param.kind == param.KEYWORD_ONLY:
            named[name] = value
        else:
            args.append(value)
            named[name] = value
    return args, named


def _assign(rec, names, stale, dst, src):
    """An in-place write (`out += identity`, `ReLU(inplace=True)`): later reads of `dst` read `src`'s value. A view
    of `dst` made before the write would still show the old value here, so reading one afterwards is refused."""
    if isinstance(dst, Const):
        raise OnnxOpError("autograd.onnx.export: the forward writes in place into a parameter or a tensor made "
                          "outside it; export writes a forward that leaves those unchanged")
    array = rec.vals[dst]
    for slot in names:
        if slot != dst and np.may_share_memory(rec.vals[slot], array):
            stale.add(slot)
    names[dst] = names[src] if not isinstance(src, Const) else None
    if names[dst] is None:
        raise OnnxOpError("autograd.onnx.export: the forward fills a tensor in place with a constant; write it "
                          "as an op (ag.full_like, ag.where) to export it")


def _write(onnx, rec, slots, input_names, shapes=None, dims=None):
    """The ONNX graph of `rec`'s entries; `shapes`: {(entry, argument): element forms} of settings computed from
    the inputs' shapes (onnx_dynamic.py)."""
    shapes = shapes or {}
    graph = OnnxGraph(onnx)
    names = {slot: name for slot, name in zip(slots, input_names)}
    stale, folded = set(), set()   # folded: slots of ops on parameters and buffers alone, written as constants
    for e, entry in enumerate(rec.entries):
        kind = entry[0]
        if kind == "rng" and getattr(getattr(entry[1], "__self__", None), "shape", None) is not None:
            names[entry[3]] = graph.constant(np.asarray(entry[1].__self__), "tensor")   # a tensor made in forward
            continue
        if kind == "assign":
            _assign(rec, names, stale, entry[1], entry[2])
            continue
        if kind != "fwd":
            what = {"rng": "draws random numbers (call model.eval(); dropout and noise must be off)",
                    "host": "calls Python code that changes state", "assign": "writes into a tensor in place"}
            raise OnnxOpError(f"autograd.onnx.export: the forward {what.get(kind, 'does ' + kind)}; export "
                              "writes a forward of tensor ops only")
        _, cls, _ctx, args, kwargs, outs = entry[:6]
        if all(isinstance(a, Const) or a in folded for a in args) and not entry[8]:
            # an op on parameters and buffers alone (a normalised prototype, a mask cut from a buffer): its value is
            # as fixed as theirs, so it is written as one, as PyTorch's exporter folds constants
            for slot in outs:
                names[slot] = graph.constant(rec.vals[slot], "folded")
            folded.update(outs)
            continue
        convert = _converter(cls)
        if any(not isinstance(a, Const) and a in stale for a in args):
            raise OnnxOpError(f"autograd.onnx.export: {cls.__name__} reads a view of a tensor the forward changed "
                              "in place after making the view; export writes values, not shared memory: make "
                              "the view after the in-place change, or use an out-of-place op")
        raw = [_unwrap(rec, a, names) for a in args]
        for p in range(len(raw)):
            if (e, p) in shapes:
                raw[p] = onnx_dynamic.shape_value(graph, shapes[(e, p)], dims, input_names)
        values, named = _arguments(cls, raw, kwargs)
        made = convert(graph, values, named)
        for slot, name in zip(outs, made):
            names[slot] = name
    return graph, names


def _traces(model, args, kwargs, inputs, dims, ties):
    """The recordings of the forward at the example's sizes and with each dynamic size grown by one and by two."""
    runs = []
    _, spec = flatten((args, kwargs))   # its leaves are `inputs`, in order (_flat_tensors refused anything else)
    for which in range(len(dims)):
        for by in (1, 2):
            arrays = onnx_dynamic.grown(inputs, dims, which, by, ties)
            grown_args, grown_kwargs = unflatten(spec, [wrap_array(a, t._device) for a, t in zip(arrays, inputs)])
            runs.append(_record(model, grown_args, grown_kwargs))
    return runs


def _label(seen, dims):
    """The name of the input size an output size moves with across the traces (it equals that size), or None."""
    for j, (_, _, size, label) in enumerate(dims):
        expected = [size] + [size + by if which == j else size for which in range(len(dims)) for by in (1, 2)]
        if seen == expected:
            return label
    return None


def _graph_text(graph):
    return [n.SerializeToString() for n in graph.nodes] + [t.SerializeToString() for t in graph.initializers]


def onnx_program(onnx, model, args, kwargs=None, input_names=None, output_names=None, dynamic_axes=None):
    """The ONNX ModelProto of model(*args, **kwargs) as traced on these example inputs; `dynamic_axes` (PyTorch's
    {name: {axis: 'label'}}) leaves those sizes free (onnx_dynamic.py)."""
    args = args if isinstance(args, tuple) else (args,)
    kwargs = kwargs or {}
    rec, inputs, slots, result = _record(model, args, kwargs)
    names_in = _input_names(model, len(inputs), input_names)
    outputs = _flat_tensors(result, "outputs")
    given = list(output_names or [])
    names_out = [given[k] if k < len(given) else ("output" if len(outputs) == 1 and not given else f"output_{k}")
                 for k in range(len(outputs))]
    dims, ties = onnx_dynamic.dynamic_dims(dynamic_axes or {}, names_in, [t._data for t in inputs])
    runs = _traces(model, args, kwargs, inputs, dims, ties) if dims else []
    shapes = onnx_dynamic.settings([rec] + [run[0] for run in runs], dims) if dims else {}
    graph, names = _write(onnx, rec, slots, names_in, shapes, dims)
    for other in runs:   # the file must be the same whatever the sizes: no converter may bake one in
        again, _ = _write(onnx, other[0], other[2], names_in, shapes, dims)
        if _graph_text(again) != _graph_text(graph):
            raise OnnxOpError("autograd.onnx.export(dynamic_axes=...): an op's ONNX form depends on a dynamic "
                              "size (a causal mask, a negative index or a slice bound computed from it); export "
                              "at fixed sizes")
    labels = {(k, axis): label for k, axis, _, label in dims}
    labels.update({(k, axis): dims[j][3] for j, k, axis in ties})
    run_outputs = [_flat_tensors(run[3], "outputs") for run in runs]
    spec_out = []
    for k, tensor in enumerate(outputs):
        ref = rec.ref(tensor._data)
        if isinstance(ref, Const) or ref not in names:
            raise OnnxOpError(f"autograd.onnx.export: output {k} of the forward does not depend on its inputs "
                              "through ops export writes (a constant or an op's second output)")
        graph.nodes.append(onnx.helper.make_node("Identity", [names[ref]], [names_out[k]],
                                                 name=f"{names_out[k]}/Identity"))
        shape = list(tensor._data.shape)
        own = (dynamic_axes or {}).get(names_out[k], {})
        own = own if isinstance(own, dict) else {a: f"{names_out[k]}_dynamic_axes_{n + 1}" for n, a in enumerate(own)}
        sizes = [list(tensor._data.shape)] + [list(other[k]._data.shape) for other in run_outputs]
        for axis in range(len(shape)):
            seen = [row[axis] for row in sizes]
            if len(set(seen)) > 1:
                shape[axis] = str(own.get(axis, _label(seen, dims) or f"{names_out[k]}_dim_{axis}"))
        spec_out.append((names_out[k], tensor._data.dtype, tuple(shape)))
    spec_in = [(name, t._data.dtype, tuple(labels.get((k, axis), n) for axis, n in enumerate(t._data.shape)))
               for k, (name, t) in enumerate(zip(names_in, inputs))]
    return graph.model(spec_in, spec_out, type(model).__name__)
