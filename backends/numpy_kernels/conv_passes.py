"""The memory-bound steps of the CPU convolution algorithms, as one object a device can replace.

Every algorithm in conv.py is BLAS products plus passes over memory that reshape data around them:
Winograd's input and gradient tile transforms and its output transform, col2im (the column
gradient summed back into the input gradient), and the depthwise convolution, whose products are
per plane and tiny (its column matrices are the work). `NumpyPasses` does them with NumPy (the `cpu` device); the `numba` device
subclasses it with compiled single-pass kernels (numba_kernels/conv_passes.py).

Winograd F(4x4, 3x3) (`winograd4`) runs here with its transforms as BLAS products (conv_winograd4.py) and
takes every direction of the layers the rule gives Winograd (`prefers_winograd4`), float32 and float64;
F(2x2)'s NumPy transforms stay for other dtypes. Forward / input gradient / weight gradient, ms, b32, two
threads, 8 MB chunks against F(2x2)'s (one run, a noisy hour; PyTorch's three together beside): 64ch
56x56 95 / 102 / 95 against 151 / 134 / 159 (PyTorch 294), 128ch 28x28 77 / 81 / 91 against 133 / 125 /
156 (244), 256ch 14x14 54 / 56 / 74 against 108 / 90 / 96 (207). Since its input tiles are gathered
channels-last (conv_winograd4.py) F(4x4) also beats im2col from 32 channels and 8x8 outputs, alone and
inside whole training steps (alone, b64, forward + both gradients, ms, a noisy hour: 32ch 16x16 17.8
against im2col's 25.8, 64ch 8x8 10.7 against im2col_chwn's 17.4, b128 32ch 32x32 148 against 175). At
16 channels it won alone (b64 16ch 32x32 35.8 against 41.7) but not inside a ResNet step, so those
layers keep im2col: CIFAR ResNet training steps, medians of alternating rules in one process, ms,
F(4x4) from 64 channels and 144 pixels (before) / from 32 channels and 64 pixels / from 16 channels and
16 pixels: ResNet-20 b64 501 / 450 / 499 and in a second run 455 / 438 (minima 413 / 365 / 397, 401 /
347); ResNet-8 b64 216 / 202 / 202 (minima 160 / 135 / 179), b128 420 / 374.
"""
from contextlib import nullcontext

import numpy as np

from .. import thread_choice
from ..array_kernels import conv_winograd as winograd
from . import conv_depthwise as depthwise
from .conv_winograd4 import MINIMAL4_PRODUCTS

#: F(4x4, 3x3) takes layers of at least this many channels (in and out) and output pixels (figures above)
WINOGRAD4_MIN_CHANNELS = 32
WINOGRAD4_MIN_PIXELS = 64


def _window_slices(i, j, out_hw, stride, dilation):
    """The (rows, columns) of a padded input that tap (i, j) meets for every output pixel."""
    ho, wo = out_hw
    return (slice(i * dilation[0], i * dilation[0] + (ho - 1) * stride[0] + 1, stride[0]),
            slice(j * dilation[1], j * dilation[1] + (wo - 1) * stride[1] + 1, stride[1]))


class NumpyPasses:
    """The NumPy passes: tile transforms as a few strided ufunc calls writing into the caller's
    buffers, col2im as kH * kW strided slice-adds into one padded buffer, depthwise convolutions as per-plane
    column matrices and stacked products (conv_depthwise.py)."""

    #: Winograd F(4x4, 3x3) for float32 and float64, its transforms as BLAS products
    winograd4 = MINIMAL4_PRODUCTS

    @staticmethod
    def prefers_winograd4(direction, x_shape, w_shape, out_hw):
        """True for the layers F(4x4) takes on this device: every direction of those with
        WINOGRAD4_MIN_CHANNELS channels and WINOGRAD4_MIN_PIXELS output pixels and up (figures above)."""
        return (out_hw is not None and min(x_shape[1], w_shape[0]) >= WINOGRAD4_MIN_CHANNELS
                and out_hw[0] * out_hw[1] >= WINOGRAD4_MIN_PIXELS)

    @staticmethod
    def stack_products():
        """(a context to hold around a convolution, the product of stacks for its per-sample products and
        Winograd's positions): NumPy's here, on the BLAS thread count measured per shape."""
        return nullcontext(), thread_choice.matmul

    @staticmethod
    def tile_pitch(tile_columns, dtype):
        """The row pitch of the tiles `input_tiles` and `gradient_tiles` write (the tile columns here;
        a device's compiled transforms may add junk columns that the products compute and
        `output_from_tiles` skips)."""
        return tile_columns

    @staticmethod
    def input_tiles(x, padding, tiles, out=None):
        """Winograd's V = B^T d B of every input tile, (16, C, N, tile rows, tile_pitch(tile columns))."""
        return winograd.input_tiles(np, x, padding, tiles, out)

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        """Winograd's A gY A^T of every output-gradient tile, (16, C_out, N, tile rows,
        tile_pitch(tile columns)), zero in any junk column."""
        return winograd.gradient_tiles(np, gy, tiles, out)

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        """Winograd's y = A^T M A of every product tile (M with the row pitch of `tile_pitch`), (N, C_out, Ho, Wo)."""
        return winograd.output_from_tiles(np, m, n, ho, wo, out)

    @staticmethod
    def col2im_nchw(gcol, x_shape, stride, padding, dilation, out=None):
        """The input gradient (N, C, H, W) from the column gradient gcol (N, C, kH, kW, Ho, Wo), any strides."""
        n, c, h, w = x_shape
        ph, pw = padding
        kh, kw, ho, wo = gcol.shape[2:]
        padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw), gcol.dtype)
        for i in range(kh):
            for j in range(kw):
                rows, cols = _window_slices(i, j, (ho, wo), stride, dilation)
                padded[:, :, rows, cols] += gcol[:, :, i, j]
        gx = np.empty(tuple(x_shape), gcol.dtype) if out is None else out
        gx[...] = padded[:, :, ph:ph + h, pw:pw + w]
        return gx

    @staticmethod
    def col2im_chwn(gcol, x_shape, stride, padding, dilation):
        """The input gradient (N, C, H, W) from a batch-last column gradient gcol (C, kH, kW, Ho, Wo, N)."""
        n, c, h, w = x_shape
        ph, pw = padding
        kh, kw, ho, wo = gcol.shape[1:5]
        padded = np.zeros((c, h + 2 * ph, w + 2 * pw, n), gcol.dtype)   # CHWN, as the column matrix
        for i in range(kh):
            for j in range(kw):
                rows, cols = _window_slices(i, j, (ho, wo), stride, dilation)
                padded[:, rows, cols] += gcol[:, i, j]
        return np.ascontiguousarray(padded[:, ph:ph + h, pw:pw + w].transpose(3, 0, 1, 2))

    @staticmethod
    def depthwise_conv2d(x, w, out_hw, stride, padding, dilation):
        """Depthwise cross-correlation of x (N, C, H, W) with w (C, 1, kH, kW) -> (N, C, Ho, Wo)."""
        return depthwise.conv2d(x, w, out_hw, stride, padding, dilation)

    @staticmethod
    def depthwise_grad_input(gy, w, x_shape, stride, padding, dilation):
        """Gradient of the depthwise convolution with respect to its input, shape `x_shape`."""
        return depthwise.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation)

    @staticmethod
    def depthwise_grad_weight(gy, x, w_shape, stride, padding, dilation):
        """Gradient of the depthwise convolution with respect to its weight, shape `w_shape`."""
        return depthwise.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation)


NUMPY_PASSES = NumpyPasses()
