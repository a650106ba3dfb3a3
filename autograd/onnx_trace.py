"""`ag.onnx.export`'s trace: run a module's forward once on example inputs with ag.jit's recorder installed, and
write each op it recorded as ONNX nodes (onnx_ops.py). Shapes are the example's, as PyTorch's exporter gives
without `dynamic_shapes`; Python control flow is taken as it went for the example."""
import inspect

import numpy as np

from .capture import state as capture
from .grad_mode import no_grad
from .jit.recorder import Recorder
from .jit.refs import Const
from .onnx_graph import OnnxGraph
from .onnx_ops import CONVERTERS, OnnxOpError, Value
from .tensor import Tensor


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


def _write(onnx, rec, slots, input_names):
    graph = OnnxGraph(onnx)
    names = {slot: name for slot, name in zip(slots, input_names)}
    stale = set()
    for entry in rec.entries:
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
        convert = CONVERTERS.get(cls.__name__)
        if convert is None:
            raise OnnxOpError(f"autograd.onnx.export: no ONNX form here for the op {cls.__name__} "
                              f"({cls.__module__}); the ops export writes are {sorted(CONVERTERS)}")
        if any(not isinstance(a, Const) and a in stale for a in args):
            raise OnnxOpError(f"autograd.onnx.export: {cls.__name__} reads a view of a tensor the forward changed "
                              "in place after making the view; export writes values, not shared memory: make "
                              "the view after the in-place change, or use an out-of-place op")
        values, named = _arguments(cls, [_unwrap(rec, a, names) for a in args], kwargs)
        made = convert(graph, values, named)
        for slot, name in zip(outs, made):
            names[slot] = name
    return graph, names


def onnx_program(onnx, model, args, kwargs=None, input_names=None, output_names=None):
    """The ONNX ModelProto of model(*args, **kwargs) as traced on these example inputs."""
    args = args if isinstance(args, tuple) else (args,)
    kwargs = kwargs or {}
    rec, inputs, slots, result = _record(model, args, kwargs)
    names_in = _input_names(model, len(inputs), input_names)
    graph, names = _write(onnx, rec, slots, names_in)
    outputs = _flat_tensors(result, "outputs")
    given = list(output_names or [])
    spec_out = []
    for k, tensor in enumerate(outputs):
        ref = rec.ref(tensor._data)
        if isinstance(ref, Const) or ref not in names:
            raise OnnxOpError(f"autograd.onnx.export: output {k} of the forward does not depend on its inputs "
                              "through ops export writes (a constant or an op's second output)")
        name = given[k] if k < len(given) else ("output" if len(outputs) == 1 and not given else f"output_{k}")
        graph.nodes.append(onnx.helper.make_node("Identity", [names[ref]], [name], name=f"{name}/Identity"))
        spec_out.append((name, tensor._data.dtype, tensor._data.shape))
    spec_in = [(name, t._data.dtype, t._data.shape) for name, t in zip(names_in, inputs)]
    return graph.model(spec_in, spec_out, type(model).__name__)
