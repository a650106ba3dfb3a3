"""An ONNX graph under construction: fresh value names, nodes, weights stored as initializers, and the finished
`onnx.ModelProto`. Two writers add to it: autograd.onnx_ops (a traced PyTorch-style forward, `ag.onnx.export`) and
nn.keras.export (Keras layers, `Model.export`)."""
import numpy as np

#: the opset written (Keras 3.15's torch backend writes 20 too); LayerNormalization needs 17, Gelu 20
OPSET = 20


class OnnxGraph:
    """Nodes and initializers of one exported model; values are named by strings, as ONNX names them."""

    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes, self.initializers = [], []
        self._count = 0
        self.call_options = {}   # the keyword arguments of the layer call being converted (use_causal_mask=...)

    def fresh(self, hint):
        """A value name not used before, readable in a viewer ('dense_1/MatMul_3')."""
        self._count += 1
        return f"{hint}_{self._count}"

    def constant(self, array, hint="const"):
        """The name of an initializer holding `array` (a weight, a shape, a perm)."""
        name = self.fresh(hint)
        array = np.asarray(array)
        # np.ascontiguousarray makes a 0-d array 1-d: a scalar constant would then turn a 0-d result into shape (1,)
        array = np.ascontiguousarray(array) if array.ndim else array
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def op(self, op_type, inputs, hint, **attributes):
        """Add one node and return its (single) output's name; `None` inputs are ONNX's empty optional inputs."""
        out = self.fresh(f"{hint}/{op_type}")
        node = self.onnx.helper.make_node(op_type, ["" if i is None else i for i in inputs], [out],
                                          name=out, **attributes)
        self.nodes.append(node)
        return out

    def model(self, inputs, outputs, graph_name):
        """The finished ModelProto; `inputs`/`outputs`: (name, numpy dtype, shape with None or a label for a free
        size)."""
        helper = self.onnx.helper

        def value_info(name, dtype, shape, role, k):
            dims = [d if isinstance(d, str) else
                    "batch" if d is None and i == 0 else (f"dim_{role}{k}_{i}" if d is None else int(d))
                    for i, d in enumerate(shape)]
            elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
            return helper.make_tensor_value_info(name, elem, dims)

        graph = helper.make_graph(
            self.nodes, graph_name,
            [value_info(n, d, s, "", k) for k, (n, d, s) in enumerate(inputs)],
            [value_info(n, d, s, "out", k) for k, (n, d, s) in enumerate(outputs)],
            initializer=self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="deepgrad")
        model.ir_version = min(model.ir_version, 10)   # what onnxruntime releases of 2024 onwards read
        self.onnx.checker.check_model(model)
        return model
