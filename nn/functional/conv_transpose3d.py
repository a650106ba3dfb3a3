"""Transposed 3-D convolution as the adjoint of conv3d (nn/functional/conv3d.py), which stacks depth slices
into channels and runs one conv2d: here one conv_transpose2d turns every input depth slice into kD output
slices (the depth taps ride along as output channels, group by group), and a fixed 0/1 matrix adds each
tap into the output depth it lands on. Gradients come from the conv_transpose2d, reshape and matmul ops."""
import numpy as np

import autograd as ag
from autograd import autocast_state as autocast
from autograd.function import named

from .conv import check_conv_args, conv_transpose2d, transposed_size
from .conv3d import triple


def _depth_placement(depth, kd, stride, padding, dilation, out_depth, dtype):
    """(depth * kd, out_depth) 0/1 matrix: row i * kd + j is 1 at the output depth i * stride + j * dilation -
    padding that input slice i reaches through depth tap j (no column when that falls outside the output)."""
    matrix = np.zeros((depth * kd, out_depth), dtype=dtype)
    for i in range(depth):
        for j in range(kd):
            target = i * stride + j * dilation - padding
            if 0 <= target < out_depth:
                matrix[i * kd + j, target] = 1
    return matrix


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 3-D convolution (the gradient of conv3d with respect to its input) of input
    (N, C_in, D, H, W) or (C_in, D, H, W) with weight (C_in, C_out/groups, kD, kH, kW), as
    torch.nn.functional.conv_transpose3d.

    Output size per axis: (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.
    """
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("conv_transpose3d", conv_transpose3d, input, weight, bias, stride, padding, output_padding,
                            groups, dilation)
    op = "conv_transpose3d"
    check_conv_args(op, input, weight, bias, groups, 3, transposed=True)
    stride = triple(stride, "stride", op, 1)
    padding = triple(padding, "padding", op)
    output_padding = triple(output_padding, "output_padding", op)
    dilation = triple(dilation, "dilation", op, 1)
    out_depth = transposed_size(op, input, weight, stride, padding, output_padding, dilation)[0]
    x = input if input.ndim == 5 else input.unsqueeze(0)
    n, c_in, depth, height, width = x.shape
    _, c_group, kd, kh, kw = weight.shape
    planes = x.transpose(1, 2).reshape(n * depth, c_in, height, width)
    # output channels of the 2-D weight run (group, depth tap, channel in group), as conv_transpose2d's groups need
    flat_weight = weight.transpose(1, 2).reshape(c_in, kd * c_group, kh, kw)
    taps = conv_transpose2d(planes, flat_weight, None, stride[1:], padding[1:], output_padding[1:], groups,
                            dilation[1:])
    out_h, out_w = taps.shape[-2:]
    taps = taps.reshape(n, depth, groups, kd, c_group, out_h, out_w).permute(0, 2, 4, 5, 6, 1, 3)
    taps = taps.reshape(n, groups * c_group, out_h, out_w, depth * kd)
    placement = _depth_placement(depth, kd, stride[0], padding[0], dilation[0], out_depth, x.dtype)
    out = (taps @ ag.tensor(placement, device=x.device)).permute(0, 1, 4, 2, 3)
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1, 1)
    named(out, "ConvolutionBackward0")   # PyTorch's one convolution node, bias included (then its unbatched squeeze)
    return out if input.ndim == 5 else out.squeeze(0)
