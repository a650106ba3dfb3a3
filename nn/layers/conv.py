"""Convolution layers: Conv1d, Conv2d, Conv3d and ConvTranspose1d/2d/3d (PyTorch's parameters, shapes and
initialisation).

padding_mode 'reflect', 'replicate' or 'circular' pads the input with F.pad in that mode and convolves with no
further padding, as PyTorch does; 'zeros' (the default) lets the convolution pad."""
import numbers

import autograd as ag
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..module import Module, Parameter
from ._init import fan_in_bound, kaiming_bound
from autograd.errors import ShapeError, SizeTypeError


PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(value, n, name, layer):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * n
    whole = isinstance(value, (tuple, list)) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
    if whole and len(value) == n:
        return tuple(int(v) for v in value)
    # a float or a string (PyTorch's TypeError) where int() would truncate 2.5 to 2 without a word; ints of another
    # count: PyTorch builds the layer and its first call raises RuntimeError
    kind = ShapeError if whole else SizeTypeError
    raise kind(f"{layer}: {name} must be an int or a tuple of {n} ints, got {value!r}")


class _ConvNd(Module):
    """Shared construction of the convolution layers; `spatial` is the number of spatial axes."""

    spatial = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 output_padding=0, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        n = self.spatial
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported (got {padding_mode!r}), as in PyTorch")
        self.padding_mode = padding_mode
        for label, size in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(size, bool) or not isinstance(size, numbers.Integral):   # PyTorch: Type/ValueError
                raise SizeTypeError(f"{name}: {label} must be an int, got {type(size).__name__} {size!r}; pass a "
                                    "whole number of channels")
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels={in_channels} and out_channels={out_channels} must both be "
                             f"divisible by groups={groups}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, n, "kernel_size", name)
        self.stride = _tuple(stride, n, "stride", name)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, n, "padding", name)
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(f"{name}: invalid padding string {padding!r}; use 'same', 'valid' or a number of "
                             "pixels per side (e.g. padding=1)")
        if self.padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError(f"{name}: padding='same' needs stride 1 (got stride={stride}), as in PyTorch; pass "
                             "explicit padding, e.g. padding=kernel_size // 2")
        self.dilation = _tuple(dilation, n, "dilation", name)
        self.output_padding = _tuple(output_padding, n, "output_padding", name)
        self._make_parameters(bias, device, dtype)

    def _make_parameters(self, bias, device=None, dtype=None):
        """The weight (and the bias) for the layer's channels, drawn by `reset_parameters` as PyTorch's
        constructor draws them (so a subclass that overrides reset_parameters is called from here, as there)."""
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(ag.empty(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ag.empty(self.out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw the weight and the bias again as PyTorch initialises them: uniform in +-1/sqrt(fan_in) (the
        weight through kaiming_uniform_ with a = sqrt(5)), fan_in the input channels of a group times the
        kernel's size."""
        receptive = 1
        for k in self.kernel_size:
            receptive *= k
        fan_in = self.weight.shape[1] * receptive
        with ag.no_grad():
            self.weight.uniform_(-kaiming_bound(fan_in), kaiming_bound(fan_in))
            if self.bias is not None:
                self.bias.uniform_(-fan_in_bound(fan_in), fan_in_bound(fan_in))

    def _pad_amounts(self):
        """The F.pad tuple (last spatial axis first) that padding_mode applies before the convolution."""
        if self.padding == "valid":
            return (0, 0) * self.spatial
        amounts = []
        for axis in reversed(range(self.spatial)):
            if self.padding == "same":   # the extra element of an odd total goes after, as in PyTorch
                total = self.dilation[axis] * (self.kernel_size[axis] - 1)
                amounts += [total // 2, total - total // 2]
            else:
                amounts += [self.padding[axis]] * 2
        return tuple(amounts)

    def _padded(self, input):
        """The input and the padding argument for the functional convolution under padding_mode."""
        if self.padding_mode == "zeros":
            return input, self.padding
        return F.pad(input, self._pad_amounts(), mode=self.padding_mode), 0

    def _check_channels(self, input):
        axis = -1 - self.spatial
        layout = {1: "(N, C, L) or (C, L)", 2: "(N, C, H, W) or (C, H, W)",
                  3: "(N, C, D, H, W) or (C, D, H, W)"}[self.spatial]
        if input.ndim not in (1 + self.spatial, 2 + self.spatial):
            raise ShapeError(f"{self!r}: expected input {layout}, got a {input.ndim}-D input of shape {input.shape}")
        if input.shape[axis] != self.in_channels:
            raise ShapeError(f"{self!r}: expected input with {self.in_channels} channels at axis {axis} ({layout}), "
                             f"got {input.shape[axis]} (input shape {input.shape})")

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.spatial:
            text += f", padding={self.padding}"   # torch prints padding=same unquoted
        if self.dilation != (1,) * self.spatial:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.spatial:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L) or (C_in, L): weight (C_out, C_in/groups, k), bias (C_out,)."""

    spatial = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode=padding_mode, device=device, dtype=dtype)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        self._check_channels(input)
        input, padding = self._padded(input)
        padding = padding if isinstance(padding, (str, int)) else padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W): weight (C_out, C_in/groups, kH, kW), bias (C_out,).

    padding: int, pair, 'valid' or 'same'; padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode=padding_mode, device=device, dtype=dtype)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        self._check_channels(input)
        input, padding = self._padded(input)
        return F.conv2d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv3d(_ConvNd):
    """3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W): weight (C_out, C_in/groups, kD, kH, kW), bias
    (C_out,). padding: int, triple, 'valid' or 'same'."""

    spatial = 3

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode=padding_mode, device=device, dtype=dtype)

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        self._check_channels(input)
        input, padding = self._padded(input)
        return F.conv3d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    """Shared forward of the transposed convolution layers; `functional` is their nn.functional op."""

    transposed = True
    functional = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         output_padding, padding_mode, device, dtype)
        if isinstance(self.padding, str):
            ints = "a pair of ints" if self.spatial == 2 else f"a tuple of {self.spatial} ints"
            # PyTorch builds it and its first call raises TypeError ("must be tuple of ints")
            raise SizeTypeError(f"{type(self).__name__}: padding must be an int or {ints}, got {padding!r}; a "
                                "transposed convolution takes no 'same'/'valid' (pad with output_padding instead)")

    def forward(self, input, output_size=None):
        check_tensor(type(self).__name__, input)
        self._check_channels(input)
        output_padding = self.output_padding if output_size is None else self._output_padding(input, output_size)
        return self.functional(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                               self.dilation)

    def _output_padding(self, input, output_size):
        """The output_padding that makes the output `output_size` (spatial sizes, or with the batch and channel
        sizes in front): within stride - 1 of the smallest output, as in PyTorch."""
        name, n = type(self).__name__, self.spatial
        leading = input.ndim - n
        if not isinstance(output_size, (tuple, list)):
            raise ValueError(f"{name}: output_size must be a sequence of {n} ints, got {output_size!r}")
        wanted = tuple(int(s) for s in output_size)
        if len(wanted) == leading + n:
            wanted = wanted[leading:]
        if len(wanted) != n:
            raise ValueError(f"{name}: output_size must have {n} or {leading + n} elements, got {len(wanted)} "
                             f"({tuple(output_size)})")
        smallest = tuple((input.shape[leading + a] - 1) * self.stride[a] - 2 * self.padding[a]
                         + self.dilation[a] * (self.kernel_size[a] - 1) + 1 for a in range(n))
        largest = tuple(s + self.stride[a] - 1 for a, s in enumerate(smallest))
        if any(not low <= w <= high for low, w, high in zip(smallest, wanted, largest)):
            raise ValueError(f"{name}: requested an output size of {wanted}, but valid sizes range from {smallest} "
                             f"to {largest} (for an input of spatial size {tuple(input.shape[leading:])}); pass an "
                             f"output_size in that range")
        return tuple(w - s for w, s in zip(wanted, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution over (N, C_in, L) or (C_in, L): weight (C_in, C_out/groups, k), bias (C_out,);
    output length (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1."""

    spatial = 1
    functional = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution over (N, C_in, H, W) or (C_in, H, W): weight (C_in, C_out/groups, kH, kW),
    bias (C_out,); output size (H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1."""

    functional = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W): weight
    (C_in, C_out/groups, kD, kH, kW), bias (C_out,); output size per axis
    (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1."""

    spatial = 3
    functional = staticmethod(F.conv_transpose3d)
