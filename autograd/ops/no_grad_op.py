"""Ops without a gradient (comparisons, masks, argmax, sort indices, ...) as graph-free Function calls.

They could compute their raw arrays directly, but then `ag.jit` would not see them: its recorder
learns a step from the Function calls it makes, so a mask computed outside one was captured as a
constant and every replay reused the capture's mask (an ELU, `where(x > 0, ...)` or an accuracy from
`argmax` went stale from the second replay on). Running them through `apply` records them like any op.
"""
from ..function import Function
from ..tensor import Tensor

_classes = {}
#: ops without a gradient whose result is as defined for complex values as for real ones (ordering
#: comparisons, sorting and rounding are not: PyTorch refuses them, and so do they here)
COMPLEX_SAFE = frozenset({"eq", "ne", "isnan", "isinf", "isfinite", "isclose", "nonzero", "count_nonzero",
                          "logical_and", "logical_or", "logical_xor", "logical_not", "equal", "isreal", "any", "all",
                          "vander", "fill_diagonal"})


class NoGradOp(Function):
    """`compute(xp, *arrays)` on the arrays of the tensors given, as one op named `op_name`; `settings` (the op's
    dim, k, mode...) are recorded with the call for readers of a trace (ONNX export) and not used here."""

    def forward(ctx, *arrays, compute, **settings):
        return compute(ctx.xp, *arrays)


def _op_class(name):
    cls = _classes.get(name)
    if cls is None:
        cls = _classes[name] = type(name.title().replace("_", ""), (NoGradOp,),
                                    {"op_name": name, "complex_ready": name in COMPLEX_SAFE})
    return cls


def no_grad_op(name, compute, *args, **settings):
    """compute(xp, *arrays of args) as a Tensor with no gradient, recorded as op `name` with its `settings`;
    args are Tensors or plain values (at least one Tensor, whose device the result takes)."""
    if not any(isinstance(a, Tensor) for a in args):
        raise TypeError(f"{name}: expects a Tensor argument")
    # inputs that need gradients go in detached (the same arrays, so a jit capture still finds them):
    # the op makes no graph node
    args = tuple(a.detach() if isinstance(a, Tensor) and a.requires_grad else a for a in args)
    return _op_class(name).apply(*args, compute=compute, **settings)
