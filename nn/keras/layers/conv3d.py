"""Conv3D on volumes (batch, depth, height, width, channels) (channels_first also accepted), and the Keras
alias names of the convolution layers (Convolution1D/2D/3D, their Transpose forms, SeparableConvolution1D/2D).

The kernel keeps Keras's layout (kd, kh, kw, in_channels / groups, filters); the computation is deepgrad's
conv3d on NCDHW, with padding='same' as Keras's (the odd extra zero after)."""
from ... import functional as F
from ..signature_tail import with_parent_arguments
from .bias_add import add_bias, fused_bias
from .conv import Conv2D, check_strides_dilation, same_pads
from .conv1d import Conv1D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, _ConvTranspose, _tuple
from .depthwise_conv import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D


class Conv3D(Conv2D):
    """3-D convolution: `filters` kernels of `kernel_size`, kernel shape (kd, kh, kw, in_channels / groups,
    filters)."""
    _init_input_spec = {"min_ndim": 5}

    input_rank, input_layout = 5, "(batch, depth, height, width, channels)"
    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, **kwargs):
        super().__init__(filters, 1, padding=padding, data_format=data_format, groups=groups, **kwargs)
        self.kernel_size = _tuple(kernel_size, 3, "kernel_size", "Conv3D")
        self.strides = _tuple(strides, 3, "strides", "Conv3D")
        self.dilation_rate = _tuple(dilation_rate, 3, "dilation_rate", "Conv3D")
        if self.filters <= 0 or min(self.kernel_size) <= 0 or min(self.strides) <= 0:
            raise ValueError(f"Conv3D: filters, kernel_size and strides must be positive, got filters={filters}, "
                             f"kernel_size={kernel_size}, strides={strides}")
        check_strides_dilation(type(self).__name__, self.strides, self.dilation_rate)

    def _convolve(self, inputs, kernel):
        """The convolution of 5-D inputs with a (kd, kh, kw, in / groups, filters) kernel, bias and activation."""
        if inputs.ndim != 5:
            raise ValueError(f"{self.name}: expects 5-D inputs (batch, depth, height, width, channels), "
                             f"got shape {tuple(inputs.shape)}")
        x = inputs.permute(0, 4, 1, 2, 3) if self.data_format == "channels_last" else inputs
        if self.padding == "same":
            pads = [same_pads(x.shape[2 + a], self.kernel_size[a], self.strides[a], self.dilation_rate[a])
                    for a in range(3)]
            x = F.pad(x, tuple(p for pair in reversed(pads) for p in pair))
        y = F.conv3d(x, kernel.permute(4, 3, 0, 1, 2), fused_bias(self.bias, x), self.strides, 0,
                     self.dilation_rate, self.groups)
        y = add_bias(y, self.bias, x)
        if self.data_format == "channels_last":
            y = y.permute(0, 2, 3, 4, 1)
        return self.activation(y)


Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = Conv1DTranspose, Conv2DTranspose, \
    Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D

# as Keras's: each lists the activation, initializer, regularizer and constraint arguments after its own
with_parent_arguments(Conv2D.__init__, Conv1D, Conv3D)
with_parent_arguments(_ConvTranspose.__init__, Conv2DTranspose, Conv3DTranspose)
with_parent_arguments(DepthwiseConv2D.__init__, DepthwiseConv1D)
with_parent_arguments(SeparableConv2D.__init__, SeparableConv1D)
