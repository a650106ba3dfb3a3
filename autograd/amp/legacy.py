"""PyTorch's deprecated spellings: `torch.cuda.amp.autocast`, `torch.cuda.amp.GradScaler` and their
`torch.cpu.amp` twins, as `ag.cuda.amp` and `ag.cpu.amp` (importable: `from autograd.cuda.amp import
autocast, GradScaler`). Each warns FutureWarning, as PyTorch's do, and builds the `ag.amp` object."""
import sys
import types
import warnings

import numpy as np

from .. import cuda
from .autocast_mode import autocast
from .custom_function import custom_bwd, custom_fwd
from .grad_scaler import GradScaler


def _deprecated(old, new):
    warnings.warn(f"`{old}(args...)` is deprecated. Please use `{new}` instead.", FutureWarning, stacklevel=3)


class CudaAutocast(autocast):
    """`ag.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True)`: ag.autocast('cuda', ...)."""

    def __init__(self, enabled=True, dtype=np.float16, cache_enabled=True):
        _deprecated("ag.cuda.amp.autocast", "ag.amp.autocast('cuda', args...)")
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class CpuAutocast(autocast):
    """`ag.cpu.amp.autocast(enabled=True, dtype=None, cache_enabled=True)`: ag.autocast('cpu', ...), bfloat16 by
    default as PyTorch's (the dtype needs the optional ml_dtypes package)."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("ag.cpu.amp.autocast", "ag.amp.autocast('cpu', args...)")
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def _legacy_scaler(device):
    class LegacyGradScaler(GradScaler):
        __doc__ = f"`ag.{device}.amp.GradScaler(init_scale=2.**16, ...)`: ag.amp.GradScaler('{device}', ...)."

        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                     enabled=True):
            _deprecated(f"ag.{device}.amp.GradScaler", f"ag.amp.GradScaler('{device}', args...)")
            super().__init__(device, init_scale=init_scale, growth_factor=growth_factor,
                             backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)
    LegacyGradScaler.__name__ = LegacyGradScaler.__qualname__ = "GradScaler"
    return LegacyGradScaler


def cuda_custom_fwd(fwd=None, *, cast_inputs=None):
    """`ag.cuda.amp.custom_fwd(fwd, cast_inputs=None)`: ag.amp.custom_fwd(fwd, device_type='cuda', ...)."""
    _deprecated("ag.cuda.amp.custom_fwd", "ag.amp.custom_fwd(args..., device_type='cuda')")
    return custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def cuda_custom_bwd(bwd):
    """`ag.cuda.amp.custom_bwd(bwd)`: ag.amp.custom_bwd(bwd, device_type='cuda')."""
    _deprecated("ag.cuda.amp.custom_bwd", "ag.amp.custom_bwd(args..., device_type='cuda')")
    return custom_bwd(bwd, device_type="cuda")


def _namespace(name, doc, **attrs):
    module = types.ModuleType(name, doc)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


cuda_amp = _namespace("autograd.cuda.amp", "torch.cuda.amp's deprecated autocast and GradScaler.",
                      autocast=CudaAutocast, GradScaler=_legacy_scaler("cuda"), custom_fwd=cuda_custom_fwd,
                      custom_bwd=cuda_custom_bwd)
cuda.amp = cuda_amp
cpu = _namespace("autograd.cpu", "torch.cpu's namespace, for its deprecated amp names (ag.cpu.amp).")
cpu.amp = _namespace("autograd.cpu.amp", "torch.cpu.amp's deprecated autocast and GradScaler.",
                     autocast=CpuAutocast, GradScaler=_legacy_scaler("cpu"))
CudaAutocast.__name__ = CpuAutocast.__name__ = "autocast"
cuda_custom_fwd.__name__, cuda_custom_bwd.__name__ = "custom_fwd", "custom_bwd"
