"""Normalisation layers: BatchNorm1d, BatchNorm2d, BatchNorm3d and LayerNorm (PyTorch's parameters and buffers)."""
import numpy as np

import autograd as ag
from autograd.ops.dims import check_tensor

from .. import functional as F
from ..functional.normalization import normalized_dims
from ..module import Module, Parameter
from .norm_base import _NormBase
from autograd.errors import ShapeError


class _BatchNorm(_NormBase):
    """Shared state of the batch-norm layers: weight/bias (affine; bias only when bias=True, as PyTorch's),
    running_mean/var, num_batches_tracked."""

    #: accepted input ranks and how they read
    ranks = (4,)
    layout = "(N, C, H, W)"
    #: PyTorch's: version 2 added num_batches_tracked
    _version = 2

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """A checkpoint from before num_batches_tracked (version < 2, or a plain dict without metadata) loads
        without it, keeping the module's count, as PyTorch's."""
        key = prefix + "num_batches_tracked"
        if (local_metadata.get("version") or 1) < 2 and self.track_running_stats and key not in state_dict:
            state_dict[key] = self.num_batches_tracked

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ag.ones(num_features, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(ag.zeros(num_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", ag.tensor(np.array(0, dtype=np.int64), device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()   # in place, as PyTorch: each tensor starts at _version 1

    def _check_input(self, input):
        check_tensor(type(self).__name__, input)
        if input.ndim not in self.ranks or input.shape[1] != self.num_features:
            raise ShapeError(f"{self!r}: expected an input {self.layout} with C = {self.num_features} channels, "
                             f"got shape {input.shape}")

    def _running_momentum(self):
        """The weight of this batch in the running statistics; a training step that tracks them counts it."""
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)   # in place: a state_dict or reference taken earlier sees it
            if self.momentum is None:   # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        return momentum

    def forward(self, input):
        self._check_input(input)
        momentum = self._running_momentum()
        use_batch_stats = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch_stats, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over (N, C) or (N, C, L) per channel C."""

    ranks = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over (N, C, H, W) per channel C."""


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over (N, C, D, H, W) per channel C."""

    ranks = (5,)
    layout = "(N, C, D, H, W)"


class LayerNorm(Module):
    """Normalisation over the last dimensions `normalized_shape`, with weight and bias of that shape."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = normalized_dims("LayerNorm", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ag.ones(self.normalized_shape, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(ag.zeros(self.normalized_shape, dtype=dtype, device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
