"""PReLU (a leaky ReLU whose negative slope is learned per channel) and GLU (gated linear unit)."""
import autograd as ag
from autograd.ops.dims import check_tensor


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), with `weight` of 1 element or one per channel (dim 1 of input)."""
    op = "prelu"
    check_tensor(op, input)
    check_tensor(op, weight, "weight")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.ndim != 1 or weight.shape[0] not in (1, channels):
        raise ValueError(f"{op}: weight must be 1-D with 1 element or one per channel ({channels}, dim 1 of input "
                         f"shape {input.shape}), got weight shape {weight.shape}; build PReLU(num_parameters="
                         f"{channels}) or PReLU(1)")
    if weight.dtype != input.dtype:
        raise TypeError(f"{op}: input is {input.dtype} but weight is {weight.dtype}; convert one to the other")
    if weight.shape[0] == 1:
        slope = weight.reshape(())
    else:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return ag.where(input > 0, input, slope * input)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of `input` along `dim` (whose size must be even)."""
    op = "glu"
    check_tensor(op, input)
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have at least one dimension, got a 0-d tensor")
    if not -input.ndim <= dim < input.ndim:
        raise ValueError(f"{op}: dim={dim} is out of range for input shape {input.shape}")
    size = input.shape[dim]
    if size % 2:
        raise ValueError(f"{op}: the halved dimension {dim} must have an even size, got {size} (input shape "
                         f"{input.shape}); pick a dim of even size")
    a, b = input.split(size // 2, dim)
    return a * ag.sigmoid(b)
