"""The fully connected layer y = x @ weight.T + bias (one graph node, autograd.ops.linalg.Linear)."""
from autograd.ops.linalg import Linear


def linear(x, weight, bias=None):
    """x @ weight.T + bias for x of shape (..., in_features) and weight (out_features, in_features)."""
    return Linear.apply(x, weight, bias)
