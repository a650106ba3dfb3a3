"""`ag.amp.custom_fwd` / `custom_bwd`: decorators for the forward and backward of a custom autograd.Function
under autocast, as PyTorch's. custom_fwd remembers whether autocast was on (and its dtype) when forward ran;
with cast_inputs it casts the floating inputs on that device type to that dtype and runs forward with autocast
off. custom_bwd runs backward under the autocast state forward saw."""
import functools

from ..tensor import Tensor
from .autocast_mode import _as_dtype, _kind, autocast, get_autocast_dtype, is_autocast_enabled


def _cast(value, kind, dtype):
    """value with its floating tensors (not float64) of autocast device type `kind` cast to dtype, inside
    tuples, lists and dicts too."""
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.dtype != "float64" and _kind("custom_fwd",
                                                                                     value.device.type) == kind
        return value.to(dtype) if eligible else value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, kind, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast(v, kind, dtype) for k, v in value.items()}
    return value


def _device_type(call, device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    return device_type


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorate a custom Function's forward: it records the autocast state for custom_bwd, and with cast_inputs
    (inside an autocast region) runs on inputs cast to that dtype with autocast off."""
    device_type = _device_type("custom_fwd", device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    kind = _kind("custom_fwd", device_type)
    target = None if cast_inputs is None else _as_dtype("custom_fwd", cast_inputs)

    @functools.wraps(fwd)
    def decorated(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        enabled = is_autocast_enabled(device_type)
        if target is None:
            ctx._fwd_used_autocast = enabled
            return fwd(*args, **kwargs)
        ctx._fwd_used_autocast = False
        if not enabled:
            return fwd(*args, **kwargs)
        with autocast(device_type, enabled=False):
            return fwd(*_cast(args, kind, target), **_cast(kwargs, kind, target))
    return decorated


def custom_bwd(bwd=None, *, device_type):
    """Decorate a custom Function's backward: it runs under the autocast state its forward ran under."""
    device_type = _device_type("custom_bwd", device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorated(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorated
