"""The GraphDef SummaryWriter.add_graph writes: the autograd graph of one forward call of a model, one node per
recorded operation (named by its grad_fn class, e.g. AddmmBackward0, in the scope of the output), one per
parameter (named by its name in the model) and one per input, with edges from each operation's inputs."""
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.versions_pb2 import VersionDef


def _inputs_tuple(value):
    return value if isinstance(value, (list, tuple)) else (value,)


def graph_def(model, inputs):
    """The GraphDef of model(*inputs): operations from the outputs' grad_fn chains, parameters and inputs."""
    import autograd as ag
    inputs = tuple(ag.as_tensor(x) if not isinstance(x, ag.Tensor) else x for x in _inputs_tuple(inputs))
    parameters = {id(p): name for name, p in getattr(model, "named_parameters", lambda: [])()}
    with ag.enable_grad():
        probes = [x.detach().requires_grad_(x.dtype.kind in "fc") for x in inputs]
        outputs = [o for o in _inputs_tuple(model(*probes)) if isinstance(o, ag.Tensor)]
    leaves = {id(p): f"input/{k}" for k, p in enumerate(probes)}
    names, nodes = {}, []

    def name_of(fn):
        if fn is None:
            return None
        if id(fn) in names:
            return names[id(fn)]
        variable = getattr(fn, "variable", None)
        if variable is not None:   # a leaf: a parameter of the model, or one of the inputs
            label = parameters.get(id(variable)) or leaves.get(id(variable)) or f"leaf/{len(names)}"
            names[id(fn)] = label
            nodes.append(NodeDef(name=label, op="Parameter" if id(variable) in parameters else "IO Node"))
            return label
        op = type(fn).__name__
        label = names[id(fn)] = f"{type(model).__name__}/{op}_{len(names)}"
        sources = [name_of(parent) for parent, _ in getattr(fn, "next_functions", ())]
        nodes.append(NodeDef(name=label, op=op, input=[s for s in sources if s is not None]))
        return label

    for k, out in enumerate(outputs):
        source = name_of(out.grad_fn)
        nodes.append(NodeDef(name=f"output/{k}", op="IO Node", input=[source] if source else []))
    for k in range(len(probes)):
        if f"input/{k}" not in names.values():
            nodes.append(NodeDef(name=f"input/{k}", op="IO Node"))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
