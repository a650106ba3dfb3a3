"""einops's backend for deepgrad tensors: rearrange, reduce, repeat, einsum, pack/unpack on `Tensor`.

Loaded only once einops is (see `einops_hook`); every step is a deepgrad op, so gradients flow through
einops calls on every device, as they do for torch tensors.
"""
import importlib

from einops._backends import AbstractBackend

from .. import methods   # noqa: F401  (binds the Tensor methods used below)
from ..creation import arange, tensor
from ..ops.einsum import einsum
from ..ops.joining import cat, stack
from ..tensor import Tensor

# the reductions PyTorch runs over one dim at a time (einops's torch backend does the same)
_ONE_DIM_REDUCTIONS = ("prod", "any", "all")


class DeepgradBackend(AbstractBackend):
    """The einops backend einops picks for an `autograd.Tensor` (and subclasses such as `nn.Parameter`)."""

    framework_name = "autograd"

    def is_appropriate_type(self, x):
        """Whether x is a deepgrad tensor."""
        return isinstance(x, Tensor)

    def from_numpy(self, x):
        """A tensor of a NumPy array; a float one requires grad (as einops's torch backend makes it)."""
        result = tensor(x)
        if self.is_float_type(result):
            result.requires_grad_(True)
        return result

    def to_numpy(self, x):
        """x's values as a host NumPy array (einops.asnumpy)."""
        return x.detach().cpu().numpy()

    def arange(self, start, stop):
        """int64 integers start .. stop - 1 on the default device."""
        return arange(start, stop)

    def shape(self, x):
        """x's shape (a Size, the tuple of ints einops's messages print as torch.Size for torch tensors)."""
        return x.shape

    def reshape(self, x, shape):
        """x viewed (or copied) to shape."""
        return x.reshape(tuple(shape))

    def transpose(self, x, axes):
        """x with its dims in the order `axes`."""
        return x.permute(tuple(axes))

    def reduce(self, x, operation, axes):
        """x reduced by `operation` ('min', 'max', 'sum', 'mean', 'prod', 'any', 'all') over `axes`."""
        if operation == "min":
            return x.amin(dim=axes)
        if operation == "max":
            return x.amax(dim=axes)
        if operation in ("sum", "mean"):
            return getattr(x, operation)(dim=axes)
        if operation in _ONE_DIM_REDUCTIONS:
            for dim in sorted(axes, reverse=True):
                x = getattr(x, operation)(dim=dim)
            return x
        raise ValueError(f"einops reduce on a deepgrad tensor: unknown reduction {operation!r}; use one of "
                         "'min', 'max', 'sum', 'mean', 'prod', 'any', 'all' or a callable")

    def stack_on_zeroth_dimension(self, tensors):
        """The tensors stacked along a new first dim."""
        return stack(list(tensors))

    def add_axis(self, x, new_position):
        """x with a new dim of length 1 at new_position."""
        return x.unsqueeze(new_position)

    def add_axes(self, x, n_axes, pos2len):
        """x with new dims at the positions of pos2len, broadcast (a view) to their lengths."""
        sizes = [-1] * n_axes
        for position, length in pos2len.items():
            x = x.unsqueeze(position)
            sizes[position] = length
        return x.expand(*sizes)

    def tile(self, x, repeats):
        """x tiled `repeats[i]` times along dim i."""
        return x.repeat(tuple(repeats))

    def concat(self, tensors, axis):
        """The tensors joined along dim `axis`."""
        return cat(list(tensors), dim=axis)

    def is_float_type(self, x):
        """Whether x holds floating-point values (einops takes a mean only of those)."""
        return x.is_floating_point()

    def einsum(self, pattern, *x):
        """deepgrad's einsum of the operands by the letter pattern."""
        return einsum(pattern, *x)

    def layers(self):
        """The module of deepgrad's einops layers (`Rearrange`, `Reduce`, `EinMix`): nn's, found at run time."""
        return importlib.import_module("nn.layers.einops_layers")
