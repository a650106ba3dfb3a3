"""Depthwise convolutions (groups == C_in == C_out: one filter per channel) as shifted multiply-adds, over `xp`.

A depthwise filter mixes no channels, so im2col would feed BLAS products of one row; instead each of
the kH * kW taps is one pass over the whole (N, C, Ho, Wo) array: the output adds the input window
shifted by the tap times that tap's per-channel weight. The weight gradient of a tap is the
per-channel sum of the output gradient times the same shifted window.
"""


def is_depthwise(x_shape, w_shape, groups):
    """True for a convolution with one filter per channel and as many outputs as inputs."""
    return groups > 1 and groups == x_shape[1] == w_shape[0] and w_shape[1] == 1


def _padded(xp, x, padding):
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def _window(i, j, out_hw, stride, dilation):
    """The (rows, columns) slices of the padded input that tap (i, j) reads for every output pixel."""
    ho, wo = out_hw
    return (slice(i * dilation[0], i * dilation[0] + (ho - 1) * stride[0] + 1, stride[0]),
            slice(j * dilation[1], j * dilation[1] + (wo - 1) * stride[1] + 1, stride[1]))


def conv2d(xp, x, w, out_hw, stride, padding, dilation):
    """Depthwise cross-correlation of x (N, C, H, W) with w (C, 1, kH, kW) -> (N, C, Ho, Wo)."""
    xpad = _padded(xp, x, padding)
    n, c = x.shape[:2]
    y = xp.zeros((n, c) + tuple(out_hw), x.dtype)
    term = xp.empty_like(y)
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            rows, cols = _window(i, j, out_hw, stride, dilation)
            xp.multiply(xpad[:, :, rows, cols], w[:, 0, i, j].reshape(c, 1, 1), out=term)
            y += term
    return y


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


def conv2d_grad_weight(xp, gy, x, w_shape, stride, padding, dilation):
    """Gradient of the depthwise convolution with respect to its weight, shape `w_shape`."""
    xpad = _padded(xp, x, padding)
    gw = xp.empty(tuple(w_shape), gy.dtype)
    for i in range(w_shape[2]):
        for j in range(w_shape[3]):
            rows, cols = _window(i, j, gy.shape[2:], stride, dilation)
            gw[:, 0, i, j] = xp.einsum("nchw,nchw->c", gy, xpad[:, :, rows, cols])
    return gw
