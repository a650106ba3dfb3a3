"""The fully connected layer y = x @ weight.T + bias (one graph node, autograd.ops.linalg.Linear)."""
from autograd.ops.dims import check_tensor
from autograd.ops.linalg import Linear
from autograd import autocast_state as autocast
from autograd.nested_dispatch import nested_dispatch

from ._args import same_dtype


@nested_dispatch
def linear(input, weight, bias=None):
    """x @ weight.T + bias for x of shape (..., in_features) and weight (out_features, in_features)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("linear", linear, input, weight, bias)
    check_tensor("linear", input)
    check_tensor("linear", weight, "weight")
    same_dtype("linear", input, weight=weight, bias=bias)
    return Linear.apply(input, weight, bias)
