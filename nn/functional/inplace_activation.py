"""The in-place spellings of the activations (F.relu_, elu_, leaky_relu_, hardtanh_, threshold_, selu_, celu_,
rrelu_): each is its activation with inplace=True, changing `input` (its version counter ticks, as every
in-place Tensor method's does) and returning it."""
from .activation import celu, elu, hardtanh, leaky_relu, relu, rrelu, selu
from .shrink import threshold as _threshold


def relu_(input):
    """max(input, 0), written into input."""
    return relu(input, inplace=True)


def elu_(input, alpha=1.0):
    """elu(input, alpha), written into input."""
    return elu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    """leaky_relu(input, negative_slope), written into input."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """input clipped to [min_val, max_val], written into input."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input, threshold, value):
    """input where input > threshold, else value, written into input."""
    return _threshold(input, threshold, value, inplace=True)



def selu_(input):
    """selu(input), written into input."""
    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    """celu(input, alpha), written into input."""
    return celu(input, alpha, inplace=True)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """rrelu(input, lower, upper, training), written into input."""
    return rrelu(input, lower, upper, training, inplace=True)
