"""Keras's 3-D pooling layers on volumes (batch, d1, d2, d3, channels) (channels_first also accepted):
MaxPooling3D, AveragePooling3D, GlobalMaxPooling3D, GlobalAveragePooling3D."""
from ... import functional as F
from ..layer import Layer
from .conv import _data_format, _padding_mode, same_pads
from .reshaping import _sizes


def _check_volume(inputs, layer, data_format):
    if inputs.ndim != 5:
        layout = "(batch, d1, d2, d3, channels)" if data_format == "channels_last" else \
            "(batch, channels, d1, d2, d3)"
        raise ValueError(f"{layer}: expects 5-D inputs {layout}, got shape {tuple(inputs.shape)}; use the 1-D or "
                         "2-D layer for sequences and images")


class _Pooling3D(Layer):
    _init_input_spec = {"ndim": 5}

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _sizes(pool_size, 3, "pool_size", type(self).__name__)
        self.strides = self.pool_size if strides is None else _sizes(strides, 3, "strides", type(self).__name__)
        self.padding = _padding_mode(padding, type(self).__name__)
        self.data_format = _data_format(data_format)

    def call(self, inputs):
        _check_volume(inputs, self.name, self.data_format)
        x = inputs.movedim(-1, 1) if self.data_format == "channels_last" else inputs
        pads = ()
        if self.padding == "same":
            for axis in (2, 1, 0):   # F.pad lists the last axis first
                pads += same_pads(x.shape[2 + axis], self.pool_size[axis], self.strides[axis])
        y = self._pool(x, pads if any(pads) else None)
        return y.movedim(1, -1) if self.data_format == "channels_last" else y

    def get_config(self):
        """Keras's pooling config: pool_size and strides as tuples (strides resolved), padding, data_format."""
        return {**super().get_config(), "pool_size": tuple(self.pool_size), "padding": self.padding,
                "strides": tuple(self.strides), "data_format": self.data_format}


class MaxPooling3D(_Pooling3D):
    """The maximum over each pool_size window (padding='same' pads with -inf)."""

    def _pool(self, x, pads):
        if pads is not None:
            x = F.pad(x, pads, value=float("-inf"))
        return F.max_pool3d(x, self.pool_size, self.strides)


class AveragePooling3D(_Pooling3D):
    """The mean over each pool_size window (padding='same' averages over the real values only)."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        # pool_size has no default here, as in Keras (MaxPooling3D's is (2, 2, 2))
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)

    def _pool(self, x, pads):
        if pads is None:
            return F.avg_pool3d(x, self.pool_size, self.strides)
        ones = x.new_ones((1, 1) + tuple(x.shape[2:]))
        total = F.avg_pool3d(F.pad(x, pads), self.pool_size, self.strides)
        return total / F.avg_pool3d(F.pad(ones, pads), self.pool_size, self.strides)


class _GlobalPooling3D(Layer):
    _init_input_spec = {"ndim": 5}

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format, self.keepdims = _data_format(data_format), keepdims

    def call(self, inputs):
        _check_volume(inputs, self.name, self.data_format)
        axes = (1, 2, 3) if self.data_format == "channels_last" else (2, 3, 4)
        return self._reduce(inputs, axes)


class GlobalAveragePooling3D(_GlobalPooling3D):
    """The mean over the three spatial axes: (batch, d1, d2, d3, c) -> (batch, c)."""

    def _reduce(self, x, axes):
        return x.mean(dim=axes, keepdim=self.keepdims)


class GlobalMaxPooling3D(_GlobalPooling3D):
    """The maximum over the three spatial axes: (batch, d1, d2, d3, c) -> (batch, c)."""

    def _reduce(self, x, axes):
        return x.amax(dim=axes, keepdim=self.keepdims)


MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
