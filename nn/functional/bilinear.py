"""Bilinear map: y = x1^T A x2 + b, one matrix A per output feature."""
import math

from autograd.function import named
from autograd.ops.dims import check_tensor
from autograd.errors import ShapeError
from autograd import autocast_state as autocast

from ._args import same_dtype


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o].

    input1 (*, in1) and input2 (*, in2) share their leading dimensions; weight is (out, in1, in2)
    and bias (out,).
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("bilinear", bilinear, input1, input2, weight, bias)
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        check_tensor("bilinear", t, name)
    if weight.ndim != 3:
        raise ValueError(f"bilinear: weight must be 3-D (out, in1, in2), got shape {weight.shape}")
    out_f, in1, in2 = weight.shape
    if input1.ndim == 0 or input1.shape[:-1] != input2.shape[:-1] or input1.shape[-1] != in1 or \
            input2.shape[-1] != in2:
        raise ShapeError(f"bilinear: expects input1 (*, {in1}) and input2 (*, {in2}) with the same leading "
                         f"dimensions for weight {weight.shape}; got {input1.shape} and {input2.shape}")
    if bias is not None and tuple(bias.shape) != (out_f,):
        raise ValueError(f"bilinear: bias must have shape ({out_f},), got {tuple(bias.shape)}")
    same_dtype("bilinear", input1, input2=input2, weight=weight, bias=bias)
    lead = input1.shape[:-1]
    rows = math.prod(lead)
    # (rows, in1) @ (in1, out * in2): every output's x1^T A, then contracted with x2
    left = input1.reshape(rows, in1) @ weight.permute((1, 0, 2)).reshape(in1, out_f * in2)
    y = (left.reshape(rows, out_f, in2) * input2.reshape(rows, 1, in2)).sum(axis=2)
    if bias is not None:   # PyTorch adds the bias last
        return named((y + bias).reshape(*lead, out_f), "AddBackward0")
    return y.reshape(*lead, out_f)
