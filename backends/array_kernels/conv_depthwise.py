"""Depthwise convolutions (groups == C_in == C_out: one filter per channel): which convolutions are
depthwise. Each device computes them with its own kernels (numpy_kernels/conv_depthwise.py,
numba_kernels/conv_depthwise.py)."""


def is_depthwise(x_shape, w_shape, groups):
    """True for a convolution with one filter per channel and as many outputs as inputs."""
    return groups > 1 and groups == x_shape[1] == w_shape[0] and w_shape[1] == 1
