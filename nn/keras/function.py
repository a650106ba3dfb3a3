"""keras.Function: the computation graph from some KerasTensors (inputs) to others (outputs), applied again to
new values. Like a functional Model without the Layer API: it holds no state of its own."""
from .layer import as_tensor
from .operation import Operation
from .symbolic import KerasTensor, flatten_sorted, map_structure


def _nodes_between(inputs, outputs):
    """The nodes that compute `outputs` from `inputs`, each after the nodes it needs, in the order they were
    recorded; a ValueError names an output that needs a tensor not among the inputs."""
    known = {id(t) for t in inputs}
    needed, stack = {}, [t for t in outputs if id(t) not in known]
    while stack:
        tensor = stack.pop()
        node = tensor.node
        if node is None or not node.parents() and not any(isinstance(t, KerasTensor) for t in
                                                          flatten_sorted((node.args, node.kwargs))):
            raise ValueError(f"Graph disconnected: cannot obtain value for tensor {tensor} at layer "
                             f"'{getattr(getattr(node, 'layer', None), 'name', None)}'. The following previous "
                             f"tensors were accessed without issue: {[t.name for t in inputs]}; pass it among "
                             "the `inputs` of the keras.Function")
        if id(node) in needed:
            continue
        needed[id(node)] = node
        stack.extend(t for t in flatten_sorted((node.args, node.kwargs))
                     if isinstance(t, KerasTensor) and id(t) not in known)
    return sorted(needed.values(), key=lambda n: n.id)


class Function(Operation):
    """The graph linking `inputs` to `outputs` (KerasTensors, or nested lists/tuples/dicts of them), callable on
    values structured as `inputs` and returning values structured as `outputs`."""

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        self._inputs_struct = map_structure(lambda x: x, inputs)
        self._outputs_struct = map_structure(lambda x: x, outputs)
        self._inputs = flatten_sorted(inputs)
        self._outputs = flatten_sorted(outputs)
        if not self._inputs:
            raise ValueError(f"`inputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        if not self._outputs:
            raise ValueError(f"`outputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        for tensor in self._inputs + self._outputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(f"keras.Function takes KerasTensors as inputs and outputs; received {tensor!r} "
                                 f"(of type {type(tensor).__name__})")
        self._graph_steps = _nodes_between(self._inputs, self._outputs)

    @property
    def operations(self):
        """The operations (layers and keras.ops) of the graph, each once, in the order they run."""
        seen, result = set(), []
        for node in self._graph_steps:
            if id(node.layer) not in seen:
                seen.add(id(node.layer))
                result.append(node.layer)
        return result

    @property
    def inputs(self):
        """The input KerasTensors, flat."""
        return list(self._inputs)

    @property
    def outputs(self):
        """The output KerasTensors, flat."""
        return list(self._outputs)

    def _run(self, inputs, step):
        values = {id(k): v for k, v in zip(self._inputs, flatten_sorted(inputs))}

        def value_of(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x
        for node in self._graph_steps:
            results = step(node, map_structure(value_of, node.args), map_structure(value_of, node.kwargs))
            for tensor, result in zip(flatten_sorted(node.outputs), flatten_sorted(results)):
                values[id(tensor)] = result
        return map_structure(value_of, self._outputs_struct)

    def compute_output_spec(self, inputs):
        """KerasTensors shaped as the outputs for inputs shaped as the KerasTensors `inputs`."""
        self._check_inputs(inputs)
        return self._run(inputs, lambda node, args, kwargs: node.layer._probe(args, kwargs))

    def call(self, inputs):
        """The outputs' values computed from `inputs` (arrays or tensors structured as the inputs)."""
        self._check_inputs(inputs)
        return self._run(map_structure(as_tensor, inputs), lambda node, args, kwargs: node.layer(*args, **kwargs))

    def _check_inputs(self, inputs):
        given = flatten_sorted(inputs)
        if len(given) != len(self._inputs):
            raise ValueError(f"Function '{self.name}' expects {len(self._inputs)} input(s), structured as "
                             f"{self._inputs_struct}; received {len(given)}")
        for expected, value in zip(self._inputs, given):
            shape = tuple(value.shape) if hasattr(value, "shape") else None
            if shape is None:
                continue
            if len(shape) != len(expected.shape) or any(e is not None and s is not None and e != s
                                                        for e, s in zip(expected.shape, shape)):
                raise ValueError(f"Function was passed incompatible inputs. For input '{expected.name}', expected "
                                 f"shape {expected.shape}, but received instead a tensor with shape {shape}.")
