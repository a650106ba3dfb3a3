"""The `numba` device's convolution passes: NumPy's (numpy_kernels/conv_passes.py) with the Winograd input
and gradient transforms, col2im and the depthwise convolution and both its gradients replaced by
compiled single-pass kernels for float32 and float64 (other dtypes keep NumPy's). Winograd's output
transform stays NumPy's: compiled, it measured under 1.5x faster.

Winograd's limits stay the cpu device's: timed alone, the compiled transforms made it win on
ResNet-8's 32-channel 16x16 and 64-channel 8x8 layers, but inside a whole training step (its tiles
are four times the input and evict what the next layer reads) im2col was faster (see conv_choice.py).
"""
import numpy as np

from ..numpy_kernels.conv_passes import NumpyPasses
from . import conv_col2im, conv_depthwise, conv_winograd

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _compiled(*arrays):
    """True when the compiled kernels take these arrays: all float32 or all float64."""
    return arrays[0].dtype in _FLOATS and all(a.dtype == arrays[0].dtype for a in arrays[1:])


def _contiguous(out):
    return out is None or out.flags.c_contiguous


class NumbaPasses(NumpyPasses):
    """Compiled passes where they measured at least 1.5x faster, NumPy's elsewhere."""

    @staticmethod
    def input_tiles(x, padding, tiles, out=None):
        if _compiled(x) and _contiguous(out):
            return conv_winograd.input_tiles(x, padding, tiles, out)
        return NumpyPasses.input_tiles(x, padding, tiles, out)

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        if _compiled(gy) and _contiguous(out):
            return conv_winograd.gradient_tiles(gy, tiles, out)
        return NumpyPasses.gradient_tiles(gy, tiles, out)

    @staticmethod
    def col2im_nchw(gcol, x_shape, stride, padding, dilation, out=None):
        if _compiled(gcol) and _contiguous(out):
            return conv_col2im.col2im_nchw(gcol, x_shape, stride, padding, dilation, out)
        return NumpyPasses.col2im_nchw(gcol, x_shape, stride, padding, dilation, out)

    @staticmethod
    def col2im_chwn(gcol, x_shape, stride, padding, dilation):
        if _compiled(gcol):
            return conv_col2im.col2im_chwn(gcol, x_shape, stride, padding, dilation)
        return NumpyPasses.col2im_chwn(gcol, x_shape, stride, padding, dilation)

    @staticmethod
    def depthwise_conv2d(x, w, out_hw, stride, padding, dilation):
        if _compiled(x, w):
            return conv_depthwise.conv2d(x, w, out_hw, stride, padding, dilation)
        return NumpyPasses.depthwise_conv2d(x, w, out_hw, stride, padding, dilation)

    @staticmethod
    def depthwise_grad_input(gy, w, x_shape, stride, padding, dilation):
        if _compiled(gy, w):
            return conv_depthwise.conv2d_grad_input(gy, w, x_shape, stride, padding, dilation)
        return NumpyPasses.depthwise_grad_input(gy, w, x_shape, stride, padding, dilation)

    @staticmethod
    def depthwise_grad_weight(gy, x, w_shape, stride, padding, dilation):
        if _compiled(gy, x):
            return conv_depthwise.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation)
        return NumpyPasses.depthwise_grad_weight(gy, x, w_shape, stride, padding, dilation)


NUMBA_PASSES = NumbaPasses()
