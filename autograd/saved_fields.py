"""Which saved values a graph node shows as PyTorch's `grad_fn._saved_<name>` fields, per op and node name.

Pure data, read by node_names when it names a node's class for the user, and by saved_hooks, which packs the
fields in the order listed here (PyTorch's packing order): each field maps to where the value is
kept (Function.saved_value reads it). A spec is ("saved", i, k): the op's i-th saved value, present (else None)
only when forward argument k requires grad, or always when k is None, as PyTorch saves only what the gradients
that will be computed need (a fourth item "number": PyTorch keeps that operand a Python number); ("out",): the node's output; ("T", spec): that value transposed; ("number", v): v; ("ctx", attr, form): the node's own attribute `attr` (a dim, flag or shape it kept), shown in
`form` ("dim": one int, negative as PyTorch's unsigned reading of it; "dims": a tuple of ints, a negative dim as PyTorch's unsigned reading of it; "sizes": a tuple; "numel": the
product of a shape; "value": as it is).
Tensor fields give a number operand as a 0-d tensor, as PyTorch's wrapped numbers.
"""

_ELEMENTWISE = "autograd.ops.elementwise."
_LINALG = "autograd.ops.linalg."
_REDUCTION = "autograd.ops.reduction."
_SHAPE = "autograd.ops.shape."
_GIVEN_DIM = {"dim": ("ctx", "given_dim", "dim")}   # a dim kept as the user gave it (function.kept_as_given)
_SOFTMAX = {"dim": ("ctx", "given_dim", "dim"), "result": ("out",)}
_DIM_FIELDS = {"dim": ("ctx", "dim", "dims"), "keepdim": ("ctx", "keepdims", "value"),
               "self_sym_sizes": ("ctx", "shape", "sizes")}

FIELDS = {
    (_ELEMENTWISE + "Mul", "MulBackward0"): {"other": ("saved", 1, 0), "self": ("saved", 0, 1)},
    (_ELEMENTWISE + "Div", "DivBackward0"): {"other": ("saved", 0, None), "self": ("saved", 2, 1)},
    (_ELEMENTWISE + "Pow", "PowBackward0"): {"self": ("saved", 0, None),
                                             "exponent": ("saved", 1, None, "number")},
    (_ELEMENTWISE + "Pow", "PowBackward1"): {"exponent": ("saved", 1, None), "self": ("saved", 0, None),
                                             "result": ("saved", 2, None)},
    (_ELEMENTWISE + "Pow", "PowBackward2"): {"exponent": ("saved", 1, None), "self": ("saved", 0, None, "number"),
                                             "result": ("saved", 2, None)},
    (_ELEMENTWISE + "Exp", "ExpBackward0"): {"result": ("out",)},
    (_ELEMENTWISE + "Tanh", "TanhBackward0"): {"result": ("out",)},
    (_ELEMENTWISE + "Sqrt", "SqrtBackward0"): {"result": ("out",)},
    (_ELEMENTWISE + "Sin", "SinBackward0"): {"self": ("saved", 0, None)},
    (_ELEMENTWISE + "Cos", "CosBackward0"): {"self": ("saved", 0, None)},
    (_ELEMENTWISE + "Log", "LogBackward0"): {"self": ("saved", 0, None)},
    ("autograd.ops.activation.Sigmoid", "SigmoidBackward0"): {"result": ("out",)},
    ("autograd.ops.shape.Reshape", "ViewBackward0"): {"self_sym_sizes": ("ctx", "shape", "sizes")},
    ("autograd.ops.shape.Reshape", "UnsafeViewBackward0"): {"self_sym_sizes": ("ctx", "shape", "sizes")},
    ("autograd.ops.shape.BroadcastTo", "ExpandBackward0"): {"self_sym_sizes": ("ctx", "shape", "sizes")},
    (_REDUCTION + "Sum", "SumBackward0"): {"self_sym_sizes": ("ctx", "shape", "sizes")},
    (_REDUCTION + "Sum", "SumBackward1"): _DIM_FIELDS,
    (_REDUCTION + "Mean", "MeanBackward0"): {"self_sym_numel": ("ctx", "shape", "numel"),
                                             "self_sym_sizes": ("ctx", "shape", "sizes")},
    (_REDUCTION + "Mean", "MeanBackward1"): {**_DIM_FIELDS, "self_sym_numel": ("ctx", "shape", "numel")},
    ("autograd.ops.activation.Softmax", "SoftmaxBackward0"): _SOFTMAX,
    ("autograd.ops.activation.Softmax", "LogSoftmaxBackward0"): _SOFTMAX,
    (_SHAPE + "Transpose", "TransposeBackward0"): {"dim0": ("ctx", "given_dim0", "dim"),
                                                   "dim1": ("ctx", "given_dim1", "dim")},
    (_SHAPE + "Transpose", "PermuteBackward0"): {"dims": ("ctx", "given_dims", "dims")},
    (_SHAPE + "Reshape", "UnsqueezeBackward0"): _GIVEN_DIM,
    (_SHAPE + "Reshape", "SqueezeBackward0"): {"self_sym_sizes": ("ctx", "shape", "sizes")},
    (_SHAPE + "Reshape", "SqueezeBackward1"): {**_GIVEN_DIM, "self_sym_sizes": ("ctx", "shape", "sizes")},
    (_SHAPE + "Reshape", "SqueezeBackward2"): {"dim": ("ctx", "given_dim", "dims"),
                                               "self_sym_sizes": ("ctx", "shape", "sizes")},
    ("autograd.ops.indexing.GetItem", "SelectBackward0"): {"dim": ("ctx", "select_dim", "dim"),
                                                           "index": ("ctx", "select_index", "dim"),
                                                           "self_sym_sizes": ("ctx", "select_sizes", "sizes")},
    ("autograd.ops.indexing.GetItem", "UnsqueezeBackward0"): {"dim": ("ctx", "unsqueeze_dim", "dim")},
    ("autograd.ops.joining.Concatenate", "CatBackward0"): _GIVEN_DIM,
    ("autograd.ops.joining.Stack", "StackBackward0"): _GIVEN_DIM,
    (_LINALG + "MatMul", "MmBackward0"): {"mat2": ("saved", 1, 0), "self": ("saved", 0, 1)},
    (_LINALG + "MatMul", "MvBackward0"): {"self": ("saved", 0, 1), "vec": ("saved", 1, 0)},
    (_LINALG + "MatMul", "DotBackward0"): {"self": ("saved", 0, 1), "tensor": ("saved", 1, 0)},
    # Linear(x, weight, bias) on a matrix is PyTorch's addmm(bias, x, weight.t()) (mm without a bias)
    (_LINALG + "Linear", "AddmmBackward0"): {"mat1": ("saved", 0, 1), "mat2": ("T", ("saved", 1, 0)),
                                             "alpha": ("number", 1), "beta": ("number", 1)},
    (_LINALG + "Linear", "MmBackward0"): {"mat2": ("T", ("saved", 1, 0)), "self": ("saved", 0, 1)},
}

def fields_of(op_class, node_name):
    """{field: spec} of a node of `op_class` shown as `node_name` (empty when none are known)."""
    return FIELDS.get((f"{op_class.__module__}.{op_class.__qualname__}", node_name), {})
