"""LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d: normalisation layers whose num_features is read from the
first input's channel dim; the weight, bias and running statistics are then created (ones, zeros, zeros, ones)
and the layer becomes the eager one (as PyTorch's lazy modules do). As in PyTorch, the lazy instance norms
default to affine=True and track_running_stats=True."""
import autograd as ag
from autograd.ops.dims import check_tensor

from ..module import Parameter
from .instance_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from ..uninitialized import UninitializedBuffer, UninitializedParameter
from .lazy_mixin import LazyModuleMixin
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d

_SIZED = ("weight", "bias", "running_mean", "running_var")


class _LazyNorm(LazyModuleMixin):
    """What the lazy normalisations share; `becomes` is the eager class a sized layer turns into."""

    becomes = None

    def _start_lazy(self, bias, device, dtype):
        self._lazy_options = (self.affine and bool(bias), device, dtype)
        for name in _SIZED:
            setattr(self, name, None)   # made with num_features once the first input shows it
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            if getattr(self, "num_batches_tracked", None) is not None:   # a fresh count (_version 0), as PyTorch's
                self.num_batches_tracked = ag.zeros((), dtype=ag.int64, device=device)

    def _channels(self, input):
        check_tensor(type(self).__name__, input)
        ranks = getattr(self, "ranks", None) or (self.batched_ndim - 1, self.batched_ndim)
        if input.ndim not in ranks:
            raise ValueError(f"{type(self).__name__}: expected an input {self.layout} to size num_features from, "
                             f"got shape {tuple(input.shape)}")
        if getattr(self, "ranks", None):      # batch norm: channels at dim 1
            return input.shape[1]
        return input.shape[input.ndim - self.batched_ndim + 1]   # instance norm: dim 1, or 0 when unbatched

    def forward(self, input):
        bias, device, dtype = self._lazy_options
        if self.has_uninitialized_params() or not (self.affine or self.track_running_stats):
            self.num_features = self._channels(input)
            self._fill_placeholders(lambda: self._build(bias, device, dtype))
            reset = getattr(self.becomes, "reset_parameters", None)
            if reset is not None:   # as PyTorch's initialize_parameters: in place, each tensor at _version 1
                reset(self)
        else:   # filled by load_state_dict: sized by it, as in PyTorch
            self.num_features = (self.weight if self.affine else self.running_mean).shape[0]
        del self._lazy_options
        object.__setattr__(self, "__class__", self.becomes)   # as PyTorch: once sized, an ordinary layer
        return self.forward(input)

    def _build(self, bias, device, dtype):
        n = self.num_features
        if self.affine:
            self.weight = Parameter(ag.ones(n, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(ag.zeros(n, dtype=dtype, device=device))
        if self.track_running_stats:
            self.running_mean = ag.zeros(n, dtype=dtype, device=device)
            self.running_var = ag.ones(n, dtype=dtype, device=device)


def _lazy_batch_norm(eager):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        eager.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self._start_lazy(bias, device, dtype)

    doc = (f"{eager.__name__} with num_features taken from dim 1 of the first input; its parameters and running "
           f"statistics are created then, and the layer becomes a {eager.__name__}.")
    body = {"__init__": __init__, "extra_repr": _lazy_extra_repr(eager), "becomes": eager, "__doc__": doc}
    return type("Lazy" + eager.__name__, (_LazyNorm, eager), body)


def _lazy_extra_repr(eager):
    def extra_repr(self):
        text = eager.extra_repr(self)   # reads the bias as absent until it is made
        return text.replace("bias=False", "bias=True", 1) if getattr(self, "_lazy_options", (0,))[0] else text
    return extra_repr


def _lazy_instance_norm(eager):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        eager.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self._start_lazy(bias, device, dtype)

    doc = (f"{eager.__name__} with num_features taken from the first input's channel dim (dim 1, or dim 0 when "
           f"unbatched); its parameters and running statistics are created then, and the layer becomes a "
           f"{eager.__name__}.")
    body = {"__init__": __init__, "extra_repr": _lazy_extra_repr(eager), "becomes": eager, "__doc__": doc}
    return type("Lazy" + eager.__name__, (_LazyNorm, eager), body)


LazyBatchNorm1d = _lazy_batch_norm(BatchNorm1d)
LazyBatchNorm2d = _lazy_batch_norm(BatchNorm2d)
LazyBatchNorm3d = _lazy_batch_norm(BatchNorm3d)
LazyInstanceNorm1d = _lazy_instance_norm(InstanceNorm1d)
LazyInstanceNorm2d = _lazy_instance_norm(InstanceNorm2d)
LazyInstanceNorm3d = _lazy_instance_norm(InstanceNorm3d)
for _cls in (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d,
             LazyInstanceNorm3d):
    _cls.__module__ = __name__
