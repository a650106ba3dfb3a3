"""Keras's output-shape rules of the layers that slide a window or resize the spatial axes: convolutions (plain,
transposed, depthwise, separable), pooling, global and adaptive pooling, zero padding, cropping and upsampling.

Each rule answers for the layer's own class only (see nn/keras/static_shapes.py) and gives None for inputs the
layer would refuse, so that running the layer raises its own error. Sizes follow Keras's
`compute_conv_output_shape` and `compute_conv_transpose_output_shape`; a None size stays None.
"""
from .. import activations
from ..static_shapes import register
from .adaptive_pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
                               AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)
from .conv import (AveragePooling2D, Conv2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
                   GlobalMaxPooling2D, MaxPooling2D)
from .conv1d import AveragePooling1D, Conv1D, MaxPooling1D
from .conv3d import Conv3D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from .depthwise_conv import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .pooling3d import AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D
from .reshaping import (Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D,
                        ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)


def keras_activation(fn):
    """Whether `fn` is one of Keras's named activations (a user's function may return any shape or dtype)."""
    return any(fn is known for known in activations._NAMES.values())


def window_length(size, kernel, stride, padding, dilation=1):
    """The output length of a window of `kernel` (dilated) sliding by `stride` over `size` positions."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride)
    return (size - (kernel - 1) * dilation - 1) // stride + 1


def transposed_length(size, kernel, stride, padding, output_padding, dilation):
    """The output length of a transposed convolution, as Keras's deconv_output_length."""
    if size is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if output_padding is None:
        return size * stride + (max(kernel - stride, 0) if padding == "valid" else 0)
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


def split(shape, rank, data_format):
    """(spatial sizes, channels) of an input of `rank` spatial axes, or (None, None) for another rank."""
    if len(shape) != rank + 2:
        return None, None
    if data_format == "channels_last":
        return list(shape[1:-1]), shape[-1]
    return list(shape[2:]), shape[1]


def join(batch, spatial, channels, data_format):
    """The shape of a (batch, spatial, channels) output in `data_format`."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


@register(Conv1D, Conv2D, Conv3D)
def _convolution(layer, shape):
    rank = len(layer.kernel_size)
    spatial, channels = split(shape, rank, layer.data_format)
    kernel = getattr(layer, "kernel", None)
    if spatial is None or kernel is None or channels != kernel.shape[-2] * layer.groups \
            or not keras_activation(layer.activation):
        return None
    sizes = [window_length(n, k, s, layer.padding, d)
             for n, k, s, d in zip(spatial, layer.kernel_size, layer.strides, layer.dilation_rate)]
    return join(shape[0], sizes, layer.filters, layer.data_format)


@register(Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
def _transposed_convolution(layer, shape):
    spatial, channels = split(shape, layer.rank, layer.data_format)
    kernel = getattr(layer, "kernel", None)
    if spatial is None or kernel is None or channels != kernel.shape[-1] or not keras_activation(layer.activation):
        return None
    output_padding = layer.output_padding or (None,) * layer.rank
    sizes = [transposed_length(n, k, s, layer.padding, p, d) for n, k, s, p, d in
             zip(spatial, layer.kernel_size, layer.strides, output_padding, layer.dilation_rate)]
    return join(shape[0], sizes, layer.filters, layer.data_format)


@register(DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D)
def _depthwise_convolution(layer, shape):
    spatial, channels = split(shape, layer.rank, layer.data_format)
    if spatial is None or channels is None or channels != getattr(layer, "_in_channels", None) \
            or not keras_activation(layer.activation):
        return None
    sizes = [window_length(n, k, s, layer.padding, d)
             for n, k, s, d in zip(spatial, layer.kernel_size, layer.strides, layer.dilation_rate)]
    produced = layer.filters if hasattr(layer, "pointwise_kernel") else channels * layer.depth_multiplier
    return join(shape[0], sizes, produced, layer.data_format)


@register(MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D, MaxPooling3D, AveragePooling3D)
def _pooling(layer, shape):
    spatial, channels = split(shape, len(layer.pool_size), layer.data_format)
    if spatial is None:
        return None
    sizes = [window_length(n, k, s, layer.padding) for n, k, s in zip(spatial, layer.pool_size, layer.strides)]
    return join(shape[0], sizes, channels, layer.data_format)


_GLOBAL_RANKS = {GlobalAveragePooling1D: 1, GlobalMaxPooling1D: 1, GlobalAveragePooling2D: 2, GlobalMaxPooling2D: 2,
                 GlobalAveragePooling3D: 3, GlobalMaxPooling3D: 3}


@register(*_GLOBAL_RANKS)
def _global_pooling(layer, shape):
    rank = _GLOBAL_RANKS[type(layer)]
    spatial, channels = split(shape, rank, layer.data_format)
    if spatial is None:
        return None
    if layer.keepdims:
        return join(shape[0], [1] * rank, channels, layer.data_format)
    return (shape[0], channels)


@register(AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D,
          AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)
def _adaptive_pooling(layer, shape):
    spatial, channels = split(shape, len(layer.output_size), layer.data_format)
    if spatial is None:
        return None
    return join(shape[0], list(layer.output_size), channels, layer.data_format)


@register(ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
def _zero_padding(layer, shape):
    spatial, channels = split(shape, layer._count, layer.data_format)
    if spatial is None:
        return None
    sizes = [None if n is None else n + before + after for n, (before, after) in zip(spatial, layer.padding)]
    return join(shape[0], sizes, channels, layer.data_format)


@register(Cropping1D, Cropping2D, Cropping3D)
def _cropping(layer, shape):
    spatial, channels = split(shape, layer._count, layer.data_format)
    if spatial is None:
        return None
    sizes = [None if n is None else n - before - after for n, (before, after) in zip(spatial, layer.cropping)]
    return join(shape[0], sizes, channels, layer.data_format)


@register(UpSampling1D, UpSampling2D, UpSampling3D)
def _upsampling(layer, shape):
    spatial, channels = split(shape, layer._count, layer.data_format)
    if spatial is None:
        return None
    sizes = [None if n is None else n * factor for n, factor in zip(spatial, layer.size)]
    return join(shape[0], sizes, channels, layer.data_format)
