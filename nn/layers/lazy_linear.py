"""LazyLinear: a Linear layer whose in_features is read from its first input."""
import autograd as ag
from autograd.ops.dims import check_tensor

from ..module import Module, Parameter
from ..uninitialized import UninitializedParameter
from .lazy_mixin import LazyModuleMixin
from .linear import Linear


class LazyLinear(LazyModuleMixin, Linear):
    """Linear(in_features, out_features) with in_features taken from the last dimension of the first input;
    the weight and bias are created and initialised then (as Linear's), and the layer becomes a Linear."""

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self._lazy_options = (bool(bias), device, dtype)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        check_tensor("LazyLinear", input)
        if input.ndim < 1:
            raise ValueError(f"{self!r}: the first input must have a feature dimension (its last) to size the "
                             f"weight from, got a 0-d tensor; pass a (*, in_features) input")
        bias, device, dtype = self._lazy_options
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self._fill_placeholders(lambda: self._build(bias, device, dtype))
        else:   # filled by load_state_dict: sized by it, as in PyTorch
            self.in_features = self.weight.shape[1]
        del self._lazy_options
        object.__setattr__(self, "__class__", Linear)   # as PyTorch: once sized, it is an ordinary Linear
        return self.forward(input)

    def _build(self, bias, device, dtype):
        self.weight = Parameter(ag.empty(self.out_features, self.in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ag.empty(self.out_features, dtype=dtype, device=device))
        self.reset_parameters()

    def extra_repr(self):
        return f"in_features=0, out_features={self.out_features}, bias={self._lazy_options[0]}"
