"""PyTorch's default initialisation of the layers in this package: uniform(-bound, bound) parameters."""
import math

import autograd as ag

from ..module import Parameter


def uniform_parameter(shape, bound, device=None, dtype=None):
    """A new Parameter of `shape` drawn uniformly from [-bound, bound) with the generator of `device` (default:
    the default device), of `dtype` (default: the default float dtype)."""
    return Parameter(ag.rand(*shape, dtype=dtype, device=device) * (2.0 * bound) - bound)


def fan_in_bound(fan_in):
    """1 / sqrt(fan_in): PyTorch's bound for conv and recurrent weights (kaiming_uniform with a = sqrt(5))
    and their biases (0 when fan_in is 0)."""
    return 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
