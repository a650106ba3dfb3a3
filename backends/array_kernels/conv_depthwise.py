"""Depthwise convolutions (groups == C_in == C_out: one filter per channel): which convolutions are
depthwise, and their input gradient as shifted multiply-adds over `xp` (each of the kH * kW taps one
pass over the whole output gradient, added into the input gradient's padded window at the tap's
shift), the form that any stride, padding and dilation take.
"""


def is_depthwise(x_shape, w_shape, groups):
    """True for a convolution with one filter per channel and as many outputs as inputs."""
    return groups > 1 and groups == x_shape[1] == w_shape[0] and w_shape[1] == 1


def _window(i, j, out_hw, stride, dilation):
    """The (rows, columns) slices of the padded input that tap (i, j) reads for every output pixel."""
    ho, wo = out_hw
    return (slice(i * dilation[0], i * dilation[0] + (ho - 1) * stride[0] + 1, stride[0]),
            slice(j * dilation[1], j * dilation[1] + (wo - 1) * stride[1] + 1, stride[1]))


def conv2d_grad_input(xp, gy, w, x_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its input, shape `x_shape`."""
    n, c, h, wd = x_shape
    ph, pw = padding
    gxpad = xp.zeros((n, c, h + 2 * ph, wd + 2 * pw), gy.dtype)
    term = xp.empty_like(gy)
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            rows, cols = _window(i, j, gy.shape[2:], stride, dilation)
            xp.multiply(gy, w[:, 0, i, j].reshape(c, 1, 1), out=term)
            gxpad[:, :, rows, cols] += term
    return xp.ascontiguousarray(gxpad[:, :, ph:ph + h, pw:pw + wd])
