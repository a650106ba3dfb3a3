"""PReLU (a leaky ReLU whose negative slope is learned per channel) and GLU (gated linear unit)."""
from autograd.ops.self_gated import Glu
from autograd.ops import activation_forms as _forms
from autograd import complex_forms
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast
from autograd.errors import DimRangeError, ShapeError


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), with `weight` of 1 element or one per channel (dim 1 of input)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("prelu", prelu, input, weight)
    return _forms.prelu(input, weight)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of `input` along `dim` (whose size must be even)."""
    op = "glu"
    check_tensor(op, input)
    if complex_forms.active:
        complex_forms.refuse(op, input)
    if input.ndim == 0:
        raise ShapeError(f"{op}: input must have at least one dimension, got a 0-d tensor")
    if not -input.ndim <= dim < input.ndim:
        raise DimRangeError(f"{op}: dim={dim} is out of range for input shape {input.shape}")
    size = input.shape[dim]
    if size % 2:
        raise ShapeError(f"{op}: the halved dimension {dim} must have an even size, got {size} (input shape "
                         f"{input.shape}); pick a dim of even size")
    return Glu.apply(input, dim % input.ndim)
