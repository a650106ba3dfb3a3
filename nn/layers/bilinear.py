"""Bilinear layer: y = x1^T A x2 + b with one matrix A per output feature."""
import math

from ..functional.bilinear import bilinear
from ..module import Module
from ._init import uniform_parameter


class Bilinear(Module):
    """weight (out_features, in1_features, in2_features) and bias (out_features,), both uniform in
    +-1/sqrt(in1_features) as PyTorch; forward(input1 (*, in1), input2 (*, in2)) -> (*, out)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        bound = 1.0 / math.sqrt(in1_features) if in1_features > 0 else 0.0
        self.weight = uniform_parameter((out_features, in1_features, in2_features), bound)
        if bias:
            self.bias = uniform_parameter((out_features,), bound)
        else:
            self.register_parameter("bias", None)
        if dtype is not None:
            self.to(dtype)
        if device is not None:
            self.to(device)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
