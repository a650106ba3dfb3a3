"""Where a Keras layer adds its bias: inside deepgrad's fused product or convolution, or, as Keras does it, as
an op of its own.

Keras's layers compute a `matmul` (or a convolution) and then `ops.add(x, bias)`: two ops, each rounding its
result to a half-precision compute dtype. deepgrad's fused ops (F.linear, F.conv2d with a bias) round once, as
PyTorch's own do. In float32 and float64 the two give the same values, so the fused op is kept; under a float16
or bfloat16 compute dtype the bias is added afterwards, so that the layer rounds as Keras's torch backend does.
"""
from autograd.bf16_dtype import is_half


def fused_bias(bias, x):
    """`bias` for the fused op on input `x`, or None when `x` is half precision (then `add_bias` adds it)."""
    if bias is None or not is_half(x.dtype):
        return bias
    return None


def add_bias(y, bias, x, axis=1):
    """`y` plus `bias` along `axis` (of y) when `fused_bias` left the bias out for input `x`, else `y`."""
    if bias is None or not is_half(x.dtype):
        return y
    shape = [1] * y.ndim
    shape[axis] = -1
    return y + bias.reshape(shape)
