"""LazyConv1d/2d/3d and LazyConvTranspose1d/2d/3d: convolution layers whose in_channels is read from the first
input (dim 1 of a batched input, dim 0 of an unbatched one); the weight and bias are then created and initialised
as the eager layer's, and the layer becomes that layer (as PyTorch's lazy modules do)."""
from autograd.ops.dims import check_tensor

from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..uninitialized import UninitializedParameter
from .lazy_mixin import LazyModuleMixin


class _LazyConv(LazyModuleMixin):
    """What the lazy convolutions share; `becomes` is the eager class a sized layer turns into."""

    becomes = None

    def _start_lazy(self, bias, device, dtype):
        # built with in_channels=0 and no bias: no weight values are drawn until the first input
        self.in_channels = 0
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_options = (bool(bias), device, dtype)

    def _in_channels(self, input):
        name, n = type(self).__name__, self.spatial
        check_tensor(name, input)
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(f"{name}: expected a {n + 1}-D (unbatched) or {n + 2}-D (batched) input to size "
                             f"in_channels from, got shape {tuple(input.shape)}")
        channels = input.shape[1] if input.ndim == n + 2 else input.shape[0]
        if channels % self.groups:
            raise ValueError(f"{name}: in_channels={channels} (from input shape {tuple(input.shape)}) must be "
                             f"divisible by groups={self.groups}")
        return channels

    def _materialise(self, input):
        bias, device, dtype = self._lazy_options
        if self.has_uninitialized_params():
            self.in_channels = self._in_channels(input)
            self._fill_placeholders(lambda: self._make_parameters(bias, device, dtype))
        else:   # filled by load_state_dict: sized by it, as in PyTorch
            shape = self.weight.shape
            self.in_channels = shape[0] if self.transposed else shape[1] * self.groups
        del self._lazy_options
        object.__setattr__(self, "__class__", self.becomes)   # as PyTorch: once sized, an ordinary layer

    def forward(self, input, *args, **kwargs):
        self._materialise(input)
        return self.forward(input, *args, **kwargs)

    def extra_repr(self):
        text = self.becomes.extra_repr(self)   # reads the bias as absent until it is made
        return text.replace(", bias=False", "", 1) if self._lazy_options[0] else text


def _lazy_conv(eager):
    """The lazy form of the convolution class `eager` (the same options, out_channels first)."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        eager.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        self._start_lazy(bias, device, dtype)

    def __init_transposed__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                            bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        eager.__init__(self, 0, out_channels, kernel_size, stride, padding, output_padding, groups, False, dilation,
                       padding_mode)
        self._start_lazy(bias, device, dtype)

    doc = (f"{eager.__name__} with in_channels taken from the first input (dim 1 of a batched input, dim 0 of "
           f"an unbatched one); the weight and bias are created then, and the layer becomes a {eager.__name__}.")
    body = {"__init__": __init_transposed__ if eager.transposed else __init__, "becomes": eager, "__doc__": doc}
    return type("Lazy" + eager.__name__, (_LazyConv, eager), body)


LazyConv1d = _lazy_conv(Conv1d)
LazyConv2d = _lazy_conv(Conv2d)
LazyConv3d = _lazy_conv(Conv3d)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d)
for _cls in (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d):
    _cls.__module__ = __name__
