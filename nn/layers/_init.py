"""PyTorch's default initialisation of the layers in this package: uniform(-bound, bound) parameters."""
import math

import autograd as ag

from ..module import Parameter


def uniform_parameter(shape, bound, device=None, dtype=None):
    """A new Parameter of `shape` drawn uniformly from [-bound, bound) with the generator of `device` (default:
    the default device), of `dtype` (default: the default float dtype), as PyTorch's init.uniform_ draws it."""
    return Parameter(ag.empty(*shape, dtype=dtype, device=device).uniform_(-bound, bound))


def fan_in_bound(fan_in):
    """1 / sqrt(fan_in): PyTorch's bound for recurrent weights and for biases (0 when fan_in is 0)."""
    return 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0


def kaiming_bound(fan_in):
    """The bound of PyTorch's kaiming_uniform_(weight, a=sqrt(5)) for a weight with `fan_in` inputs: about
    1 / sqrt(fan_in), computed as PyTorch computes it so that the float32 bound is the same."""
    if fan_in == 0:
        return 0.0
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    return math.sqrt(3.0) * (gain / math.sqrt(fan_in))
