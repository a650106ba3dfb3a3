"""The `numba` device's convolution passes: NumPy's (numpy_kernels/conv_passes.py) with the Winograd input
and gradient transforms, col2im and the depthwise convolution and both its gradients replaced by
compiled single-pass kernels for float32 and float64 (other dtypes keep NumPy's); the compiled
Winograd transforms write tiles with one junk column of pitch (`tile_pitch`), so its output transform
is compiled too (conv_winograd.py). They also offer the `direct`
algorithm (conv_direct.py: compiled direct convolutions with no column matrices) and the rule for
where it beats im2col (`prefers_direct`, figures in conv_choice.py).

Winograd F(4x4, 3x3) (`winograd4`, conv_winograd4.py: 4x fewer multiplications than direct
convolution where F(2x2)'s are 2.25x fewer, and no junk column) takes every direction of the layers
Winograd computes here (`prefers_winograd4`); F(2x2) stays the fallback for dtypes other than
float32/float64 (the cpu device runs F(4x4) too, its transforms as BLAS products). Winograd's limits are the cpu device's: timed alone, the compiled
transforms made F(2x2) win on ResNet-8's 32-channel 16x16 and 64-channel 8x8 layers, but inside a
whole training step (its tiles are four times the input and evict what the next layer reads) im2col
was faster, and the direct kernels later took those layers (see conv_choice.py).
"""
import numpy as np

from .. import split_products
from ..numpy_kernels import conv_tap_products as tap_products
from ..numpy_kernels.conv_passes import NumpyPasses
from . import conv_col2im, conv_depthwise, conv_direct, conv_lanes, conv_winograd, conv_winograd4, simd

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _compiled(*arrays):
    """True when the compiled kernels take these arrays: all float32 or all float64."""
    return arrays[0].dtype in _FLOATS and all(a.dtype == arrays[0].dtype for a in arrays[1:])


def _empty(*shapes):
    """True when any of the shapes has no elements (the compiled kernels then have nothing to do)."""
    return any(0 in tuple(shape) for shape in shapes)


def _contiguous(out):
    return out is None or out.flags.c_contiguous


#: direct kernels take filters up to this many taps (each tap beyond a 3x3 filter's is its own pass)
MAX_DIRECT_TAPS = 49
#: stride-1 direct forwards and input gradients leave layers of this many channels and LARGE_PIXELS
#: output pixels to Winograd; weight gradients only those of Winograd's domain (stride 1); stride-2
#: layers stay direct at any size. Two threads, best of 15, forward / input / weight gradient, ms: AVX2
#: EPYC (8-lane tiles) b32 64ch 56x56 direct 59 / 59 / 54 against F(4x4)'s 99 / 118 / 96, 128ch 28x28
#: 58 / 57 / 50 against 57 / 47 / 47, 256ch 14x14 60 / 59 / 61 against 41 / 44 / 45; AVX-512 Xeon
#: (16-lane tiles, two runs) 64ch 56x56 44-54 / 53-62 / 66-95 against 58-64 / 58-74 / 65-81, 128ch
#: 28x28 49-60 / 50-58 / 76-83 against 55-56 / 42-56 / 49-59, 256ch 14x14 65-68 / 60-69 / 65-66
#: against 44-57 / 46-55 / 54-63: Winograd from 128 channels on both
DIRECT_MAX_CHANNELS = 128
LARGE_PIXELS = 144
#: ... and from stop 22 (F(4x4)'s products split over the threads, its chunks the whole workspace), on
#: AVX-512 hosts also layers of WIDE_CHANNELS channels on WIDE_PIXELS output pixels and up (an AVX2 EPYC
#: measured direct far ahead there before: b32 64ch 56x56 59 / 59 / 54 ms against 99 / 118 / 96). Two
#: threads, median of 8-10, forward + input gradient + weight gradient, ms, direct against F(4x4): b32
#: 64ch 56x56 360 / 208 / 180 / 204 against 276 / 205 / 125 / 149 (four runs), b8 64ch 112x112 194
#: against 121, b32 64ch 28x28 43 against 41, b16 64ch 32x32 28 against 26; b32 64ch 14x14 12 against 18
WIDE_CHANNELS = 64
WIDE_PIXELS = 784


def _winograd_layer(x_shape, w_shape, out_hw):
    """Whether a stride-1 3x3 layer of these shapes is one the direct kernels leave to F(4x4): at least
    DIRECT_MAX_CHANNELS channels (in and out) on LARGE_PIXELS output pixels, or on AVX-512 hosts
    WIDE_CHANNELS on WIDE_PIXELS."""
    channels, pixels = min(x_shape[1], w_shape[0]), out_hw[0] * out_hw[1]
    return ((channels >= DIRECT_MAX_CHANNELS and pixels >= LARGE_PIXELS)
            or (simd.WIDTH == 64 and channels >= WIDE_CHANNELS and pixels >= WIDE_PIXELS))


class NumbaPasses(NumpyPasses):
    """Compiled passes where they measured at least 1.5x faster, NumPy's elsewhere."""

    #: Winograd F(4x4, 3x3) (float32 and float64), the `winograd4` algorithm
    winograd4 = conv_winograd4.MINIMAL4

    #: stacks of products (Winograd's positions, a 1x1 convolution's samples) split over the worker
    #: threads with OpenBLAS held to one thread (backends/split_products.py: OpenBLAS's polling threads
    #: take half a core from the compiled kernels that run next)
    stack_products = staticmethod(split_products.on_workers)

    @staticmethod
    def tile_pitch(tile_columns, dtype):
        """The compiled transforms' row pitch (one junk column) for float32/float64, NumPy's otherwise."""
        if np.dtype(dtype) in _FLOATS:
            return conv_winograd.tile_pitch(tile_columns)
        return tile_columns

    @staticmethod
    def input_tiles(x, padding, tiles, out=None):
        if _compiled(x):
            return conv_winograd.input_tiles(x, padding, tiles, out)
        return NumpyPasses.input_tiles(x, padding, tiles, out)

    @staticmethod
    def gradient_tiles(gy, tiles, out=None):
        if _compiled(gy):
            return conv_winograd.gradient_tiles(gy, tiles, out)
        return NumpyPasses.gradient_tiles(gy, tiles, out)

    @staticmethod
    def output_from_tiles(m, n, ho, wo, out=None):
        if _compiled(m) and m.shape[4] == conv_winograd.tile_pitch(-(-wo // 2)) and _contiguous(out):
            return conv_winograd.output_from_tiles(np.ascontiguousarray(m), n, ho, wo, out)
        return NumpyPasses.output_from_tiles(m[..., :-(-wo // 2)], n, ho, wo, out)

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


    # ----- direct convolutions (conv_direct.py) -----------------------------------------------
    @staticmethod
    def direct_applies(w_shape, stride, padding, dilation, groups, dtype, direction=None, x_shape=None):
        """True when the direct kernels compute this convolution (this `direction`, or every one when
        None): one group, filters up to MAX_DIRECT_TAPS taps, float32 or float64; dilated only where
        the lanes kernels take it (conv_lanes.suits, channels in whole tiles)."""
        if groups != 1 or dtype not in _FLOATS:
            return False
        if tuple(dilation) == (1, 1):
            return w_shape[2] * w_shape[3] <= MAX_DIRECT_TAPS
        directions = ("forward", "grad_input", "grad_weight") if direction is None else (direction,)
        return all(_lanes_dilated(d, x_shape, w_shape, stride, padding, dilation, dtype) for d in directions)

    @staticmethod
    def prefers_direct(direction, x_shape, w_shape, out_hw, stride, dilation=(1, 1)):
        """The measured rule (conv_choice.py has the figures): 3x3 filters; the forward and the
        stride-1 input gradient of layers outside Winograd's domain (`_winograd_layer`), the
        weight gradient everywhere but Winograd's stride-1 domain, and every direction
        of a stride-2 layer (the input gradient by stride phases); other strided input gradients
        stay with im2col. Other filter sizes (4x4, 5x5, 7x7): every direction at stride 1 and 2, but
        a strided input gradient of fewer than 4 input channels."""
        if out_hw is None:
            return False
        if w_shape[0] == 1 and direction != "grad_input" and tap_products.prefers(direction, x_shape, w_shape, out_hw):
            # one output channel fills a quarter of the direct tiles' four; the taps' products won (one
            # thread, forward / weight gradient, ms): b64 128->1 7x7 28x28 71 / 79 against direct's 129 / 139,
            # b64 32->1 5x5 13 / 8.5 against 22 / 23, b16 64->1 3x3 64x64 15 / 16 against 20 / 18 (at two
            # output channels 99 / 88 against 128 / 138, at four 173 / 160 against 126 / 126)
            return False
        if tuple(dilation) != (1, 1):      # the lanes kernels, where they apply (else im2col's 3x)
            return True
        if tuple(w_shape[2:]) != (3, 3):
            # stride 2 too (stop 20, two threads, best of 9, forward / input gradient / weight gradient,
            # ms, direct against im2col): the transposed convolution's b16 32->64 4x4 7.0 / 7.2 / 6.3
            # against 8.1 / 8.1 / 8.7, DCGAN's b64 64->128 4x4 59 / 76 / 45 against 92 / 103 / 121, b32
            # 32->64 5x5 17 / 19 / 16 against 23 / 23 / 26; a 3-channel input's gradient stays im2col's
            # (the 7x7 stem, b16 3->64 112x112: 29 against 23)
            if max(stride) > 2:
                return False
            return direction != "grad_input" or tuple(stride) == (1, 1) or x_shape[1] >= 4
        large = _winograd_layer(x_shape, w_shape, out_hw)
        if direction == "grad_weight":
            return not (large and tuple(stride) == (1, 1))
        if tuple(stride) == (2, 2):
            return True
        if direction == "grad_input" and tuple(stride) != (1, 1):
            return False
        return not large

    @staticmethod
    def prefers_winograd4(direction, x_shape, w_shape, out_hw):
        """The measured rule for F(4x4, 3x3) (figures in conv_choice.py): every direction of the layers
        that the direct kernels leave to Winograd (`_winograd_layer`), where it beat F(2x2, 3x3) by
        1.2-1.45x."""
        return out_hw is not None and _winograd_layer(x_shape, w_shape, out_hw)

    @staticmethod
    def direct_conv2d(x, w, out_hw, stride, padding, dilation=(1, 1)):
        """The forward convolution by direct kernels, (N, C_out, Ho, Wo): channels in the lanes on
        small planes and dilated layers (conv_lanes.suits), flat runs of positions otherwise."""
        if _empty(x.shape, w.shape, out_hw):
            return np.zeros((x.shape[0], w.shape[0]) + tuple(out_hw), x.dtype)
        if conv_lanes.suits(w.shape[0], out_hw, w.shape[2:], stride, x.dtype, dilation):
            return conv_lanes.conv2d(x, w, out_hw, stride, padding, dilation)
        return conv_direct.conv2d(x, w, out_hw, stride, padding)

    @staticmethod
    def direct_grad_input(gy, w, x_shape, stride, padding, dilation=(1, 1)):
        """The input gradient by direct kernels, shape `x_shape` (conv_lanes where it suits, at stride
        1 with the padding within the dilated filter's reach)."""
        if _empty(gy.shape, w.shape, x_shape):
            return np.zeros(tuple(x_shape), gy.dtype)
        if _lanes_input_gradient(x_shape, w.shape, stride, padding, dilation, gy.dtype):
            return conv_lanes.conv2d_grad_input(gy, w, x_shape, padding, dilation)
        return conv_direct.conv2d_grad_input(gy, w, x_shape, stride, padding)

    @staticmethod
    def direct_grad_weight(gy, x, w_shape, stride, padding, dilation=(1, 1)):
        """The weight gradient by direct kernels, shape `w_shape` (conv_lanes where it suits)."""
        if _empty(gy.shape, x.shape, w_shape):
            return np.zeros(tuple(w_shape), gy.dtype)
        if conv_lanes.suits(w_shape[0], gy.shape[2:], w_shape[2:], stride, gy.dtype, dilation):
            return conv_lanes.conv2d_grad_weight(gy, x, w_shape, stride, padding, dilation)
        return conv_direct.conv2d_grad_weight(gy, x, w_shape, stride, padding)


def _lanes_input_gradient(x_shape, w_shape, stride, padding, dilation, dtype):
    """Whether conv_lanes computes this input gradient: stride 1, the padding within the dilated
    filter's reach (the gradient is then a convolution of the output gradient), channels that suit."""
    return (tuple(stride) == (1, 1) and padding[0] <= dilation[0] * (w_shape[2] - 1)
            and padding[1] <= dilation[1] * (w_shape[3] - 1)
            and conv_lanes.suits(x_shape[1], x_shape[2:], w_shape[2:], stride, dtype, dilation))


#: dilated layers take the lanes kernels up to this many channels (two threads, median ms, forward / input
#: gradient / weight gradient, lanes against im2col, 33x33, dilation 2: b16 128ch 68 / 64 / 51 against 86 /
#: 86 / 88, b8 256ch 111 / 86 / 87 against 114 / 115 / 121; b4 512ch dilation 6 217 / 187 / 438 against
#: 194 / 178 / 189: the lanes weight gradient's partial sums outgrow the caches)
DILATED_MAX_CHANNELS = 256


def _lanes_dilated(direction, x_shape, w_shape, stride, padding, dilation, dtype):
    """Whether conv_lanes computes this direction of a dilated convolution (x_shape None: unknown, no)."""
    if x_shape is None or max(w_shape[0], w_shape[1]) > DILATED_MAX_CHANNELS:
        return False
    if direction == "grad_input":
        return _lanes_input_gradient(x_shape, w_shape, stride, padding, dilation, dtype)
    # the output plane's size does not matter once dilated; (1, 1) stands for it
    return conv_lanes.suits(w_shape[0], (1, 1), w_shape[2:], stride, dtype, dilation)


NUMBA_PASSES = NumbaPasses()
