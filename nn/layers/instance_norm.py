"""InstanceNorm1d/2d/3d: normalise each channel of each sample over its spatial positions."""
import warnings

import autograd as ag
from autograd.ops.dims import check_tensor

from ..functional.sample_norm import instance_norm
from ..module import Parameter
from .norm_base import _NormBase


class _InstanceNorm(_NormBase):
    """PyTorch's InstanceNorm parameters and buffers: weight/bias (C,) when affine, running_mean/var and
    num_batches_tracked when track_running_stats (both off by default)."""

    #: dimensions of a batched input; one fewer is an unbatched one
    batched_ndim = 4
    layout = "(N, C, H, W) or (C, H, W)"

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(ag.ones(num_features, dtype=dtype, device=device)) if affine else None
        self.bias = Parameter(ag.zeros(num_features, dtype=dtype, device=device)) if affine and bias else None
        for name in ("weight", "bias"):
            if getattr(self, name) is None:
                self.register_parameter(name, None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", ag.zeros((), dtype=ag.int64, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()   # in place, as PyTorch: each tensor starts at _version 1

    def forward(self, input):
        check_tensor(type(self).__name__, input)
        ndim = getattr(input, "ndim", None)
        if ndim not in (self.batched_ndim, self.batched_ndim - 1):
            raise ValueError(f"{self!r}: expected an input {self.layout}, got shape {getattr(input, 'shape', input)}")
        channels = input.shape[ndim - self.batched_ndim + 1]
        if channels != self.num_features:
            if self.affine:
                raise ValueError(f"{self!r}: expected {self.num_features} channels (num_features), got input shape "
                                 f"{input.shape}")
            warnings.warn(f"{type(self).__name__}: input shape {input.shape} has {channels} channels but "
                          f"num_features is {self.num_features}; without affine parameters the value is unused",
                          UserWarning, stacklevel=2)
        unbatched = ndim == self.batched_ndim - 1
        x = input.reshape((1,) + input.shape) if unbatched else input
        y = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training or not self.track_running_stats,
                          self.momentum if self.momentum is not None else 0.0, self.eps)
        return y.reshape(input.shape) if unbatched else y

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L)."""

    batched_ndim = 3
    layout = "(N, C, L) or (C, L)"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W)."""


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W)."""

    batched_ndim = 5
    layout = "(N, C, D, H, W) or (C, D, H, W)"
