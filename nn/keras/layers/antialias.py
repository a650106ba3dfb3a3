"""Antialiased resizing (Keras's resize(..., antialias=True) on the torch backend): each output pixel averages the
input pixels under a filter stretched by the shrink factor (a triangle for bilinear, the cubic convolution
kernel with a = -0.5 for bicubic), so shrinking does not alias. Each axis is one (output, input) weight matrix,
applied by a matmul (differentiable)."""
import numpy as np

import autograd as ag


def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _weights(in_size, out_size, bicubic=False):
    """(out_size, in_size) weights of the antialiased filter along one axis (PyTorch's, which Keras calls):
    centres at scale * (i + 0.5), support max(scale, 1) (twice that for bicubic), each row normalised to 1."""
    scale = in_size / out_size
    half_width = 2.0 if bicubic else 1.0
    support = half_width * scale if scale >= 1.0 else half_width
    inv = 1.0 / scale if scale >= 1.0 else 1.0
    matrix = np.zeros((out_size, in_size))
    for i in range(out_size):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)   # int() truncates toward zero, as the C++ cast
        hi = min(int(center + support + 0.5), in_size)
        taps = (_cubic if bicubic else _triangle)((np.arange(lo, hi) - center + 0.5) * inv)
        total = taps.sum()
        matrix[i, lo:hi] = taps / total if total else 0.0
    return matrix


def resize_antialiased(x, size, interpolation):
    """A channels-first float batch (N, C, H, W) resized to `size` = (height, width) with the antialiased
    'bilinear' or 'bicubic' filter."""
    bicubic = interpolation == "bicubic"
    rows = ag.tensor(_weights(x.shape[2], size[0], bicubic).astype(x.dtype))
    cols = ag.tensor(_weights(x.shape[3], size[1], bicubic).astype(x.dtype))
    return ag.matmul(ag.matmul(rows, x), cols.T)
