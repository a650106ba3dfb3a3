"""A functional or Sequential Keras model's graph, node by node, as an ONNX model (onnx_layers.py converts each
layer; a nested functional or Sequential model is walked in place)."""
import numpy as np

from ..symbolic import KerasTensor, flatten
from .export_error import ExportError
from autograd.onnx_graph import OPSET, OnnxGraph
from .onnx_layers import converters


def _graph(model):
    """(flat input KerasTensors, flat output KerasTensors, nodes in creation order) of a functional or Sequential
    model; None for a subclassed model, whose call is Python (traced_model exports it)."""
    if hasattr(model, "_graph_nodes"):   # functional: the nodes it traced when it was made
        return list(model._flat_inputs), flatten(model._outputs_struct), list(model._graph_nodes)
    if hasattr(model, "_stack"):   # a Sequential: its graph exists once built, one node a layer
        chain = model._layer_outputs() if model.built else None
        if chain is None:
            raise ValueError("The model provided has never called. ")
        return list(model.inputs), [chain[-1]], [flatten(out)[0].node for out in chain]
    return None


def _walk(graph, parts, xs, table):
    """Add the nodes of a model's graph `parts` (_graph's) fed with the ONNX values `xs`; returns the output
    value names."""
    inputs, outputs, nodes = parts
    values = {id(t): x for t, x in zip(inputs, xs)}
    for node in nodes:
        layer = node.layer
        tensors = [t for t in flatten(node.args) if isinstance(t, KerasTensor)]
        if any(isinstance(t, KerasTensor) for t in flatten(node.kwargs)):
            raise ExportError(f"export(format='onnx'): {layer.name} takes a tensor by keyword (a mask or a second "
                              "input); export takes layers called on positional tensors")
        fed = [values[id(t)] for t in tensors]
        shapes = [t.shape for t in tensors]
        results = [t for t in flatten(node.outputs) if isinstance(t, KerasTensor)]
        inner = _graph(layer)
        if inner is not None:   # a nested functional or Sequential model: its own graph
            ys = _walk(graph, inner, fed, table)
        else:
            convert = table.get(type(layer))
            if getattr(layer, "quantization_mode", None) or getattr(layer.dtype_policy, "quantization_mode", None):
                raise ExportError(f"export(format='onnx'): {layer.name} is quantized "
                                  f"({layer.dtype_policy.name}); export writes float32 layers only")
            if getattr(layer, "compute_dtype", "float32") != "float32":
                raise ExportError(f"export(format='onnx'): {layer.name} computes in {layer.compute_dtype} "
                                  f"(dtype policy {layer.dtype_policy.name}); as Keras's, export takes a model "
                                  "whose dtype policy is 'float32'")
            if convert is None:
                raise ExportError(f"export(format='onnx'): no ONNX form for {layer.name} ({type(layer).__name__}); "
                                  f"the layers export writes are {sorted(c.__name__ for c in table)}")
            if len(results) != 1:
                raise ExportError(f"export(format='onnx'): {layer.name} returns {len(results)} tensors; export "
                                  "takes layers with one output")
            graph.call_options = dict(node.kwargs)
            ys = [convert(graph, layer, fed, shapes)]
        for t, y in zip(results, ys):
            values[id(t)] = y
    return [values[id(t)] for t in outputs]


def _signature(inputs, input_signature):
    """(name, dtype, shape) of each model input, from the model or from `input_signature`."""
    if input_signature is None:   # any batch size, as Keras's own signature (a Sequential built by a call has one)
        return [(t.name, np.dtype(t.dtype), (None,) + tuple(t.shape[1:])) for t in inputs]
    specs = flatten(input_signature)
    if len(specs) != len(inputs):
        raise ValueError(f"export: input_signature gives {len(specs)} inputs; the model takes {len(inputs)}")
    result = []
    for t, spec in zip(inputs, specs):
        shape = tuple(None if d is None else int(d) for d in spec.shape)
        dtype = getattr(spec, "dtype", None) or t.dtype
        result.append((getattr(spec, "name", None) or t.name, np.dtype(str(dtype).replace("torch.", "")), shape))
    return result


def onnx_model(onnx, model, input_signature=None, opset_version=None):
    """The ONNX ModelProto of `model`'s inference pass (layers at training=False)."""
    if opset_version is not None and int(opset_version) < OPSET:
        raise ValueError(f"export(format='onnx'): opset_version={opset_version}; nn.keras writes opset {OPSET} "
                         "(its Gelu and LayerNormalization nodes need it)")
    parts = _graph(model)
    if parts is None:
        return traced_model(onnx, model, input_signature, opset_version)
    inputs, outputs, _ = parts
    signature = _signature(inputs, input_signature)
    graph = OnnxGraph(onnx)
    ys = _walk(graph, parts, [name for name, _, _ in signature], converters())
    named = []
    for k, (y, t) in enumerate(zip(ys, outputs)):
        name = f"output_{k}"
        graph.nodes.append(onnx.helper.make_node("Identity", [y], [name], name=f"{name}/Identity"))
        shape = (signature[0][2][0],) + tuple(t.shape[1:]) if signature and signature[0][2] else t.shape
        named.append((name, np.dtype(t.dtype), shape))
    return graph.model(signature, named, model.name)


def traced_model(onnx, model, input_signature=None, opset_version=None):
    """A subclassed model's call, traced by ag.onnx's exporter on zeros of its first call's shapes (or
    `input_signature`'s), every unknown size (the batch) free, as Keras's torch backend marks them."""
    import autograd as ag
    if input_signature is not None:
        specs = flatten(input_signature)
        shapes = [tuple(spec.shape) for spec in specs]
        dtypes = [str(getattr(spec, "dtype", None) or "float32").replace("torch.", "") for spec in specs]
        names = [getattr(spec, "name", None) or f"input_{k}" for k, spec in enumerate(specs)]
    else:
        built = getattr(model, "_build_input_shape", None)
        if not model.built or built is None:
            raise ValueError("The model provided has never called. ")
        single = not (isinstance(built, (list, tuple)) and built and isinstance(built[0], (list, tuple)))
        shapes = [(None,) + tuple(built[1:])] if single else [(None,) + tuple(s[1:]) for s in built]
        dtypes = ["float32"] * len(shapes)
        names = [f"input_{k}" for k in range(len(shapes))]
    examples = [ag.zeros(*[2 if d is None else int(d) for d in shape], dtype=np.dtype(dtype))
                for shape, dtype in zip(shapes, dtypes)]
    axes = {name: {axis: ("batch" if axis == 0 else f"dim_{k}_{axis}") for axis, d in enumerate(shape) if d is None}
            for k, (name, shape) in enumerate(zip(names, shapes))}
    args = (examples[0],) if len(examples) == 1 else (examples,)
    program = ag.onnx.export(model, args, input_names=names, dynamic_axes={n: a for n, a in axes.items() if a},
                             opset_version=opset_version)
    return program.model_proto