"""Fully connected layers."""
import math
import numbers

import autograd as ag

from .. import init
from ..functional.linear import linear
from ..module import Module, Parameter
from autograd.errors import ShapeError, SizeTypeError


class Linear(Module):
    """y = x @ weight.T + bias, with weight (out_features, in_features) initialised as PyTorch's Linear."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        for name, size in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(size, bool) or not isinstance(size, numbers.Integral):
                raise SizeTypeError(f"Linear: {name} must be an int, got {type(size).__name__} {size!r}; pass a "
                                    f"whole number, e.g. {name}=int(n)")
            if size < 0:
                raise ShapeError(f"Linear: {name} must be >= 0, got {size} (Linear({in_features}, "
                                 f"{out_features})); it is the number of features, e.g. x.shape[-1]")
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ag.empty(out_features, in_features, dtype=dtype, device=device))
        self.bias = Parameter(ag.empty(out_features, dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """Kaiming-uniform weight (a = sqrt(5)) and bias uniform in +-1/sqrt(in_features), as PyTorch."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        try:
            return linear(input, self.weight, self.bias)
        except ValueError:
            shape = tuple(getattr(input, "shape", ()))
            if shape and shape[-1] == self.in_features:
                raise
            raise ShapeError(f"{self!r}: expected input with {self.in_features} features in its last dimension, "
                             f"got shape {shape}{_products(shape, self.weight.shape)}{_flatten_hint(shape, self)}"
                             ) from None

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _products(shape, weight_shape):
    """PyTorch's words for the mismatch (the rows its matmul sees), so that a search for them finds the fix."""
    if len(shape) < 1:
        return ""
    rows = math.prod(shape[:-1])
    return (f" (PyTorch: mat1 and mat2 shapes cannot be multiplied ({rows}x{shape[-1]} and "
            f"{weight_shape[1]}x{weight_shape[0]}))")


def _flatten_hint(shape, layer):
    """The fix for an image-like batch (N, C, H, W) fed to a Linear without flattening it."""
    if len(shape) < 3:
        return ""
    flat = math.prod(shape[1:])
    fits = ("; it has exactly that many" if flat == layer.in_features else
            f" (Linear({flat}, {layer.out_features}) takes them)")
    return (f"; to feed each sample's {shape[1:]} values to the layer, flatten it first: x.flatten(1) or "
            f"nn.Flatten() before the Linear gives ({shape[0]}, {flat}){fits}")


#: the Keras-style name of the same class (nn.keras.layers.Dense is the Keras layer with `units`)
Dense = Linear


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. for a removed head)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input
