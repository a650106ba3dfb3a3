"""Convolution and pooling layers on channels-last images (data_format='channels_first' also accepted).

Kernels keep Keras's layout (kh, kw, in, out) so get_weights/set_weights match Keras; the computation is
deepgrad's NCHW convolution, with the layout changed around it. padding='same' pads as Keras does
(the extra row/column at the bottom/right when the total is odd), for any stride.
"""
import math

import numpy as np

import autograd as ag
from autograd.errors import SizeTypeError

from ... import functional as F
from .. import activations, config, masking
from ..constraints import check_names as _check_constraints
from ..input_spec import channels_spec
from ..layer import Layer
from ..layer_config import keras_forms
from .bias_add import add_bias, fused_bias
from .lora import LoraMixin, LoraWeight


def _pair(value, name, layer):
    if not isinstance(value, int) and (isinstance(value, (str, bytes)) or not hasattr(value, "__iter__")):
        raise SizeTypeError(f"{layer}: {name} must be an int or a pair of ints, got {value!r}")
    value = (value, value) if isinstance(value, int) else tuple(value)
    if len(value) != 2 or not all(isinstance(v, int) for v in value):
        raise ValueError(f"{layer}: {name} must be an int or a pair of ints, got {value!r}")
    if min(value) < 1:   # sizes, strides and rates of a window are counts, as Keras checks
        raise ValueError(f"{layer}: {name} must be positive, got {value!r}")
    return value


def _padding_mode(padding, layer):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"{layer}: padding must be 'valid' or 'same', got {padding!r}")
    return padding


def same_pads(size, kernel, stride, dilation=1):
    """(before, after) zeros that make an output of ceil(size / stride), as Keras's 'same' padding."""
    effective = (kernel - 1) * dilation + 1
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _data_format(value):
    value = value or config.image_data_format()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return value


def kernel_options(layer):
    """The activation, bias switch and the kernel's and bias's initializers, regularizers and constraints of a
    convolution layer, in Keras's config forms and order."""
    return keras_forms({"activation": layer.activation, "use_bias": layer.use_bias,
                        "kernel_initializer": layer.kernel_initializer, "bias_initializer": layer.bias_initializer,
                        "kernel_regularizer": layer.kernel_regularizer, "bias_regularizer": layer.bias_regularizer,
                        "activity_regularizer": layer.activity_regularizer,
                        "kernel_constraint": layer.kernel_constraint, "bias_constraint": layer.bias_constraint})


def check_groups(name, filters, groups):
    """Keras's construction checks of `groups`: a positive count that divides `filters`."""
    if groups <= 0:
        raise ValueError(f"{name}: the number of groups must be a positive integer, got groups={groups}")
    if filters % groups:
        raise ValueError(f"{name}: the number of filters must be evenly divisible by the number of groups, got "
                         f"groups={groups}, filters={filters}; pick filters as a multiple of groups")

def check_strides_dilation(name, strides, dilation_rate):
    """Keras's refusal, in its plain and transposed convolutions, of strides above 1 together with a dilation
    above 1 (on any axes)."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(f"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                         f"strides={tuple(strides)} and dilation_rate={tuple(dilation_rate)}: {name}; use strides=1 "
                         "with the dilation (and pool afterwards), or dilation_rate=1")


class Conv2D(LoraMixin, Layer):
    """2-D convolution: `filters` kernels of `kernel_size`, kernel shape (kh, kw, in_channels / groups, filters);
    LoRA with lora_rank= (and lora_alpha=) or enable_lora, as Keras's BaseConv (lora.py)."""
    _init_input_spec = {"min_ndim": 4}

    _one_input = _array_input = True

    kernel = LoraWeight("kernel", "lora_kernel_a", "lora_kernel_b")
    _keras_order = ("kernel", "bias")

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        lora_rank, lora_alpha = kwargs.pop("lora_rank", None), kwargs.pop("lora_alpha", None)   # Keras's **kwargs
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_lora(lora_rank, lora_alpha)
        self.filters, self.groups, self.use_bias = int(filters), int(groups), use_bias
        if self.filters <= 0:
            raise ValueError(f"{type(self).__name__}: filters must be a positive integer (the number of output "
                             f"channels), got {filters!r}")
        check_groups(type(self).__name__, self.filters, self.groups)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = _pair(strides, "strides", "Conv2D")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", "Conv2D")
        # Conv1D passes (1, n) pairs: name its own 1-tuples
        check_strides_dilation(type(self).__name__, self.strides[-self.rank:], self.dilation_rate[-self.rank:])
        self.padding = _padding_mode(padding, "Conv2D")
        self.data_format = _data_format(data_format)
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        _check_constraints(kernel_constraint, bias_constraint)   # a bad name fails here, as in Keras

    #: the rank and layout of the inputs (Conv3D's differ)
    input_rank, input_layout = 4, "(batch, height, width, channels)"
    rank = 2   # Keras's: the number of spatial axes

    def build(self, input_shape):
        if len(input_shape) != self.input_rank:
            raise ValueError(f"{self.name}: expects {self.input_rank}-D inputs {self.input_layout}, got {input_shape}")
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None or channels % self.groups:
            raise ValueError(f"{self.name}: the channel axis must be known and divisible by groups={self.groups}, "
                             f"got input shape {input_shape}")
        self.kernel = self.add_weight(self.kernel_size + (channels // self.groups, self.filters),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = (self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, name="bias") if self.use_bias else None)
        self.input_spec = channels_spec(self, input_shape, channels)
        self._build_lora()

    @property
    def _kernel(self):
        """The stored kernel (without the LoRA update)."""
        return self.__dict__["kernel"]

    def call(self, inputs):
        axis = -1 if self.data_format == "channels_last" else 1
        expected = self.kernel.shape[-2] * self.groups
        if inputs.ndim == self.input_rank and inputs.shape[axis] != expected:   # as Keras's input spec
            raise ValueError(f"{self.name}: expected axis {axis} of the inputs to have {expected} channels (the layer "
                             f"was built for them), got shape {tuple(inputs.shape)}; make a new layer for other "
                             "inputs")
        if self._convolution_op_overridden():
            return self._through_convolution_op(inputs)
        return self._convolve(inputs, self.kernel)

    def convolution_op(self, inputs, kernel):
        """The convolution alone (no bias, no activation) of `inputs` with `kernel`, in the layer's layout, with
        its strides, padding and dilation, as Keras's: a subclass overrides it to change the operation (e.g. a
        standardized kernel), or calls it from its own call()."""
        x = inputs if isinstance(inputs, ag.Tensor) else ag.tensor(np.asarray(inputs, dtype=np.float32))
        spatial = kernel.ndim - 2
        if self.data_format == "channels_last":
            x = x.permute(0, spatial + 1, *range(1, spatial + 1))
        strides, dilation = tuple(self.strides)[-spatial:], tuple(self.dilation_rate)[-spatial:]
        if self.padding == "same":
            pads = [same_pads(x.shape[2 + a], kernel.shape[a], strides[a], dilation[a]) for a in range(spatial)]
            x = F.pad(x, tuple(p for pair in reversed(pads) for p in pair))
        convolve = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spatial]
        y = convolve(x, kernel.permute(spatial + 1, spatial, *range(spatial)), None, strides, 0, dilation,
                     x.shape[1] // kernel.shape[-2])
        return y.permute(0, *range(2, spatial + 2), 1) if self.data_format == "channels_last" else y

    def _convolution_op_overridden(self):
        return type(self).convolution_op is not Conv2D.convolution_op

    def _through_convolution_op(self, inputs):
        """Keras's BaseConv.call, taken when a subclass overrides convolution_op: the op on the kernel, then the
        bias and the activation (the built-in path fuses them)."""
        outputs = self.convolution_op(inputs, self.kernel)
        if self.use_bias:
            shape = (1,) * (self.rank + 1) + (self.filters,) if self.data_format == "channels_last" else \
                (1, self.filters) + (1,) * self.rank
            outputs = outputs + self.bias.reshape(shape)
        return self.activation(outputs)

    def get_config(self):
        """Keras's BaseConv config: the sizes as tuples, data_format resolved, and the activation,
        initializers, regularizers (activity_regularizer included) and constraints in Keras's forms."""
        return self._lora_config({**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                                  "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                                  "dilation_rate": self.dilation_rate, "groups": self.groups,
                                  **kernel_options(self)})

    def _window(self):
        """(kernel_size, strides, dilation_rate) of the 2-D convolution that computes this layer."""
        return self.kernel_size, self.strides, self.dilation_rate

    def _convolve(self, inputs, kernel):
        """The convolution of 4-D inputs with a (kh, kw, in / groups, filters) kernel, bias and activation."""
        x = inputs.permute(0, 3, 1, 2) if self.data_format == "channels_last" else inputs
        sizes, strides, dilation = self._window()
        padding = 0
        if self.padding == "same":
            (top, bottom), (left, right) = (same_pads(x.shape[2 + a], sizes[a], strides[a], dilation[a])
                                            for a in range(2))
            if top == bottom and left == right:
                padding = (top, left)
            else:
                x = F.pad(x, (left, right, top, bottom))
        y = F.conv2d(x, kernel.permute(3, 2, 0, 1), fused_bias(self.bias, x), strides, padding, dilation, self.groups)
        y = add_bias(y, self.bias, x)
        if self.data_format == "channels_last":
            # contiguous channels-last, as Keras's torch backend leaves it whatever layout the kernel gave: the
            # memory order in which a later unseeded Dropout draws its mask
            y = y.permute(0, 2, 3, 1).contiguous()
        return self.activation(y)


class _Pooling2D(Layer):
    """Shared arguments of the 2-D pooling layers."""
    _init_input_spec = {"ndim": 4}

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _pair(pool_size, "pool_size", type(self).__name__)
        self.strides = self.pool_size if strides is None else _pair(strides, "strides", type(self).__name__)
        self.padding = _padding_mode(padding, type(self).__name__)
        self.data_format = _data_format(data_format)

    def call(self, inputs):
        if inputs.ndim != 4:
            layout = "(batch, height, width, channels)" if self.data_format == "channels_last" else \
                "(batch, channels, height, width)"
            raise ValueError(f"{self.name}: expects 4-D inputs {layout}, got shape {tuple(inputs.shape)}; add the "
                             f"missing axis (e.g. keras.layers.Reshape) or use the 1-D pooling layer for sequences")
        x = inputs.permute(0, 3, 1, 2) if self.data_format == "channels_last" else inputs
        pads = None
        sizes, strides = self._window()
        if self.padding == "same":
            (top, bottom), (left, right) = (same_pads(x.shape[2 + a], sizes[a], strides[a]) for a in range(2))
            pads = (left, right, top, bottom)
        y = self._pool(x, pads, sizes, strides)
        return y.permute(0, 2, 3, 1) if self.data_format == "channels_last" else y

    def _window(self):
        """(pool_size, strides) of the 2-D pooling that computes this layer."""
        return self.pool_size, self.strides

    def get_config(self):
        """Keras's pooling config: pool_size and strides as tuples (strides resolved), padding, data_format."""
        return {**super().get_config(), "pool_size": tuple(self.pool_size), "padding": self.padding,
                "strides": tuple(self.strides), "data_format": self.data_format}


class MaxPooling2D(_Pooling2D):
    """The maximum over each pool_size window (padding='same' pads with -inf)."""

    def _pool(self, x, pads, sizes, strides):
        if pads is not None and any(pads):
            x = F.pad(x, pads, value=float("-inf"))
        return F.max_pool2d(x, sizes, strides)


class AveragePooling2D(_Pooling2D):
    """The mean over each pool_size window (padding='same' averages over the real values only)."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        # pool_size has no default here, as in Keras (the max pooling layers' is (2, 2))
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)

    def _pool(self, x, pads, sizes, strides):
        if pads is None or not any(pads):
            return F.avg_pool2d(x, sizes, strides)
        ones = x.new_ones((1, 1) + tuple(x.shape[2:]))
        total = F.avg_pool2d(F.pad(x, pads), sizes, strides)
        count = F.avg_pool2d(F.pad(ones, pads), sizes, strides)
        return total / count


class _GlobalPooling2D(Layer):
    _init_input_spec = {"ndim": 4}

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format, self.keepdims = _data_format(data_format), keepdims

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: expected ndim=4 inputs (batch, height, width, channels) "
                             f"(channels_first: (batch, channels, height, width)), found ndim={inputs.ndim}; full "
                             f"shape received: {tuple(inputs.shape)}. For sequences use GlobalAveragePooling1D or "
                             "GlobalMaxPooling1D")
        axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        return self._reduce(inputs, axes)


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean over height and width: (batch, h, w, c) -> (batch, c)."""

    def _reduce(self, x, axes):
        return x.mean(dim=axes, keepdim=self.keepdims)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The maximum over height and width: (batch, h, w, c) -> (batch, c)."""

    def _reduce(self, x, axes):
        return x.amax(dim=axes, keepdim=self.keepdims)


class _GlobalPooling1D(_GlobalPooling2D):
    _init_input_spec = {"ndim": 3}

    def call(self, inputs):
        if inputs.ndim != 3:
            raise ValueError(f"{type(self).__name__}: expects (batch, steps, features) input (channels_first: "
                             f"(batch, features, steps)), got shape {tuple(inputs.shape)}")
        return self._reduce(inputs, 1 if self.data_format == "channels_last" else 2)


class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean over the steps: (batch, steps, features) -> (batch, features); with a mask (batch, steps), the
    mean over the unmasked steps."""

    _reduce = GlobalAveragePooling2D._reduce
    supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        axis = 1 if self.data_format == "channels_last" else 2
        keep = masking.as_bool(mask).unsqueeze(2 if axis == 1 else 1)
        total = ag.where(keep, inputs, 0.0).sum(dim=axis, keepdim=self.keepdims)
        return total / keep.to(inputs.dtype).sum(dim=axis, keepdim=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        """None: the steps are gone."""
        return None


class GlobalMaxPooling1D(_GlobalPooling1D):
    """The maximum over the steps: (batch, steps, features) -> (batch, features)."""

    _reduce = GlobalMaxPooling2D._reduce


MaxPool2D, AvgPool2D, AveragePool2D = MaxPooling2D, AveragePooling2D, AveragePooling2D
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D
