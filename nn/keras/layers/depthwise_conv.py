"""Depthwise and separable convolutions (DepthwiseConv1D/2D, SeparableConv1D/2D) on channels-last inputs.

A depthwise kernel has Keras's layout (*kernel_size, in_channels, depth_multiplier): input channel c gives
output channels c * depth_multiplier + m. It runs as deepgrad's grouped conv2d (one group per input channel);
1-D layers run as 2-D on a height-1 image. A separable convolution is the depthwise one (no bias) followed by a
1x1 convolution with its pointwise kernel (*1s, in_channels * depth_multiplier, filters), then bias and activation.
padding='same' pads as Keras (the odd extra zero after), like Conv2D.
"""
from ... import functional as F
from .. import activations
from ..input_spec import channels_spec
from ..layer import Layer
from ..layer_config import keras_forms
from .bias_add import add_bias, fused_bias
from .conv import _data_format, _padding_mode, same_pads
from .conv_transpose import _tuple


class _Depthwise(Layer):
    """The depthwise convolution shared by the depthwise and separable layers of each rank."""

    rank = 2

    def _setup(self, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier, activation,
               use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
               constraints):
        layer, rank = type(self).__name__, self.rank
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", layer)
        self.strides = _tuple(strides, rank, "strides", layer)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", layer)
        self.padding = _padding_mode(padding, layer)
        self.data_format = _data_format(data_format)
        self.depth_multiplier = int(depth_multiplier)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer, self.bias_initializer = depthwise_initializer, bias_initializer
        self.depthwise_regularizer, self.bias_regularizer = depthwise_regularizer, bias_regularizer
        self.depthwise_constraint, self.bias_constraint = constraints[0], constraints[-1]
        if self.depth_multiplier <= 0 or min(self.kernel_size) <= 0 or min(self.strides) <= 0:
            raise ValueError(f"{layer}: depth_multiplier, kernel_size and strides must be positive, got "
                             f"depth_multiplier={depth_multiplier}, kernel_size={kernel_size}, strides={strides}")

    def _channels(self, input_shape):
        rank = self.rank
        if len(input_shape) != rank + 2:
            layout = "(batch, steps, channels)" if rank == 1 else "(batch, height, width, channels)"
            raise ValueError(f"{self.name}: expects {rank + 2}-D inputs {layout}, got shape {tuple(input_shape)}")
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None:
            raise ValueError(f"{self.name}: the channel axis must be known, got input shape {tuple(input_shape)}")
        built = getattr(self, "_in_channels", None)
        if built is not None and channels != built:
            raise ValueError(f"{self.name}: the layer was built for {built} input channels but got input shape "
                             f"{tuple(input_shape)}; pass inputs with {built} channels or use a new layer")
        return channels

    def get_config(self):
        """Keras's config: every argument (sizes as tuples, data_format resolved, the activation, initializers,
        regularizers and constraints in Keras's forms), in Keras's order."""
        separable = hasattr(self, "pointwise_initializer")
        pointwise = (lambda key: {key: getattr(self, key)}) if separable else (lambda key: {})
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                **({"filters": self.filters} if separable else {}), "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                **keras_forms({"activation": self.activation, "use_bias": self.use_bias,
                               "depthwise_initializer": self.depthwise_initializer,
                               **pointwise("pointwise_initializer"), "bias_initializer": self.bias_initializer,
                               "depthwise_regularizer": self.depthwise_regularizer,
                               **pointwise("pointwise_regularizer"), "bias_regularizer": self.bias_regularizer,
                               "activity_regularizer": self.activity_regularizer,
                               "depthwise_constraint": self.depthwise_constraint,
                               **pointwise("pointwise_constraint"), "bias_constraint": self.bias_constraint})}

    def _depthwise_weight(self, channels, name):
        self._in_channels = channels
        return self.add_weight(self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
                               regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint,
                               name=name)

    def _as_nchw(self, inputs):
        """Inputs as (N, C, H, W): channels first, a height-1 axis added for rank 1."""
        self._channels(tuple(inputs.shape))
        x = inputs.movedim(-1, 1) if self.data_format == "channels_last" else inputs
        return x.unsqueeze(2) if self.rank == 1 else x

    def _from_nchw(self, y):
        y = y.squeeze(2) if self.rank == 1 else y
        return self.activation(y.movedim(1, -1) if self.data_format == "channels_last" else y)

    def _depthwise(self, x, kernel, bias):
        """The depthwise convolution of (N, C, H, W) x with a (*kernel_size, C, multiplier) kernel."""
        size = (1,) + self.kernel_size if self.rank == 1 else self.kernel_size
        strides = (1,) + self.strides if self.rank == 1 else self.strides
        dilation = (1,) + self.dilation_rate if self.rank == 1 else self.dilation_rate
        channels = kernel.shape[-2]
        weight = kernel.reshape(size + (1, channels * self.depth_multiplier)).permute(3, 2, 0, 1)
        if self.padding == "same":
            (top, bottom), (left, right) = (same_pads(x.shape[2 + a], size[a], strides[a], dilation[a])
                                            for a in range(2))
            if (top, left) != (bottom, right):
                x = F.pad(x, (left, right, top, bottom))
                top = left = 0
            return add_bias(F.conv2d(x, weight, fused_bias(bias, x), strides, (top, left), dilation, channels),
                            bias, x)
        return add_bias(F.conv2d(x, weight, fused_bias(bias, x), strides, 0, dilation, channels), bias, x)


class DepthwiseConv2D(_Depthwise):
    """Depthwise 2-D convolution: each input channel convolved with its own depth_multiplier kernels; weights
    kernel (kh, kw, in_channels, depth_multiplier) and bias (in_channels * depth_multiplier,)."""
    _init_input_spec = {"min_ndim": 4}

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier, activation, use_bias,
                    depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                    (depthwise_constraint, bias_constraint))

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self._depthwise_weight(channels, "kernel")
        self.bias = (self.add_weight((channels * self.depth_multiplier,), self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                     name="bias") if self.use_bias else None)
        self.input_spec = channels_spec(self, input_shape, channels)

    def call(self, inputs):
        return self._from_nchw(self._depthwise(self._as_nchw(inputs), self.kernel, self.bias))


class DepthwiseConv1D(DepthwiseConv2D):
    """Depthwise 1-D convolution over the steps: kernel (kernel_size, in_channels, depth_multiplier)."""
    _init_input_spec = {"min_ndim": 3}

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, **kwargs)


class SeparableConv2D(_Depthwise):
    """Depthwise 2-D convolution then a 1x1 convolution to `filters` channels; weights depthwise_kernel
    (kh, kw, in_channels, depth_multiplier), pointwise_kernel (1, 1, in_channels * depth_multiplier, filters)
    and bias (filters,)."""
    _init_input_spec = {"min_ndim": 4}

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier, activation, use_bias,
                    depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                    (depthwise_constraint, pointwise_constraint, bias_constraint))
        self.filters = int(filters)
        if self.filters <= 0:
            raise ValueError(f"{type(self).__name__}: filters must be positive, got {filters}")
        self.pointwise_initializer, self.pointwise_regularizer = pointwise_initializer, pointwise_regularizer
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self._depthwise_weight(channels, "depthwise_kernel")
        self.pointwise_kernel = self.add_weight((1,) * self.rank + (channels * self.depth_multiplier, self.filters),
                                                self.pointwise_initializer, regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = (self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.input_spec = channels_spec(self, input_shape, channels)

    def call(self, inputs):
        y = self._depthwise(self._as_nchw(inputs), self.depthwise_kernel, None)
        pointwise = self.pointwise_kernel.reshape(self.pointwise_kernel.shape[-2:]).transpose(0, 1)
        y = add_bias(F.conv2d(y, pointwise.reshape(tuple(pointwise.shape) + (1, 1)), fused_bias(self.bias, y)),
                     self.bias, y)
        return self._from_nchw(y)


class SeparableConv1D(SeparableConv2D):
    """Depthwise 1-D convolution then a pointwise one: depthwise_kernel (kernel_size, in_channels,
    depth_multiplier), pointwise_kernel (1, in_channels * depth_multiplier, filters), bias (filters,)."""
    _init_input_spec = {"min_ndim": 3}

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
                         **kwargs)
