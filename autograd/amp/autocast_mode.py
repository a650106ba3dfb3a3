"""`ag.autocast` (torch.autocast): regions in which ops run in float16 or float32 by op, and its switches.

    with ag.autocast("cuda"):                       # float16 by default on cuda, as PyTorch
        loss = loss_fn(model(x), y)                 # linear / conv in float16, the loss in float32
    with ag.autocast("cpu", dtype=ag.float16):      # cpu (and numba) need the dtype: no bfloat16 here
        ...

The state is per thread, as grad mode is; autograd/amp/policy.py says which op casts how.
"""
import functools
import warnings

import numpy as np

import backends

from .. import autocast_state as _state
from ..autocast_state import device_type_of

_F16 = np.dtype(np.float16)


def _no_bfloat16(call, device_type):
    return ValueError(
        f"{call}: PyTorch's default autocast dtype on '{device_type}' is bfloat16, which deepgrad does not have "
        "(NumPy has no bfloat16); pass dtype=ag.float16, e.g. ag.autocast('cpu', dtype=ag.float16), or set it once "
        "for this thread with ag.set_autocast_dtype('cpu', ag.float16)")


def _kind(call, device_type):
    """The autocast device type ('cpu' or 'cuda') a device_type argument names; numba counts as cpu."""
    if not isinstance(device_type, str):
        raise ValueError(f"{call}: expected device_type as a str ('cuda' or 'cpu'), got {type(device_type).__name__} "
                         f"{device_type!r}; pass t.device.type for a tensor t")
    kind = device_type_of(device_type)
    if kind is None:
        raise RuntimeError(f"{call}: unsupported autocast device_type {device_type!r}; deepgrad autocasts 'cuda' and "
                           "'cpu' (the 'numba' device autocasts as 'cpu')")
    return kind


def _as_dtype(call, dtype):
    if str(dtype) in ("bfloat16", "torch.bfloat16"):
        raise ValueError(f"{call}: deepgrad has no bfloat16 (NumPy has none); use dtype=ag.float16, and an "
                         "ag.amp.GradScaler for its smaller range")
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{call}: dtype must be a dtype such as ag.float16, got {dtype!r}") from None


class autocast:
    """Context manager and decorator: inside it, ops on tensors of `device_type` ('cuda', or 'cpu', which also
    covers deepgrad's 'numba' device) run in `dtype` or float32 by PyTorch's op lists; outputs of float16 ops
    are float16 tensors, and gradients flow back through the casts, so float32 parameters get float32 .grad.

    dtype: float16 (the default on cuda; on cpu PyTorch's default is bfloat16, which deepgrad lacks, so pass
    dtype=ag.float16 or set it with ag.set_autocast_dtype). enabled=False turns autocast off inside the block,
    also within an enabled region. cache_enabled (default: the current setting, True): cast each float32 leaf
    that requires grad (a weight) once per outermost region. As in PyTorch, `cuda` on a machine without a CUDA
    device and an unsupported dtype warn and disable autocast.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device = device_type
        self._kind = _kind("autocast", device_type)
        self.fast_dtype = _state.state.dtype[self._kind] if dtype is None else _as_dtype("autocast", dtype)
        self._cache_enabled = _state.state.cache_enabled if cache_enabled is None else bool(cache_enabled)
        self._saved = []
        enabled = bool(enabled)
        if enabled and self.fast_dtype is None:
            raise _no_bfloat16("autocast", device_type)
        if enabled and self._kind == "cuda" and not backends.available("cuda"):
            warnings.warn("autocast: CUDA is not available (no CuPy device here); disabling autocast.", stacklevel=2)
            enabled = False
        elif enabled and self.fast_dtype != _F16:
            warnings.warn(f"autocast: the target dtype {self.fast_dtype} is not supported on {self._kind}; deepgrad "
                          "autocasts to float16 only. Disabling autocast.", stacklevel=2)
            enabled = False
        self._enabled = enabled

    def __enter__(self):
        st, kind = _state.state, self._kind
        self._saved.append((st.enabled[kind], st.dtype[kind], st.cache_enabled))
        _state.set_enabled(kind, self._enabled)
        if self.fast_dtype is not None:
            st.dtype[kind] = self.fast_dtype
        st.cache_enabled = self._cache_enabled
        st.nesting += 1
        return self

    def __exit__(self, *exc):
        st, kind = _state.state, self._kind
        st.nesting -= 1
        if st.nesting == 0:   # leaving the outermost region: drop the cached casts of the weights
            st.cache.clear()
        enabled, st.dtype[kind], st.cache_enabled = self._saved.pop()
        _state.set_enabled(kind, enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) needs a callable, got {type(func).__name__}; to autocast a block "
                            "write `with ag.autocast(device_type=...):`")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast

    def __repr__(self):
        return (f"autocast(device_type={self.device!r}, dtype={self.fast_dtype}, enabled={self._enabled}, "
                f"cache_enabled={self._cache_enabled})")


def is_autocast_available(device_type):
    """True for the device types deepgrad autocasts: 'cuda', 'cpu' and 'numba' (a cpu device type)."""
    return device_type_of(device_type) is not None


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for `device_type` in this thread (no argument: 'cuda', as PyTorch's legacy form)."""
    return _state.state.enabled[_kind("is_autocast_enabled", "cuda" if device_type is None else device_type)]


def set_autocast_enabled(device_type, enabled=None):
    """Turn autocast on or off for `device_type` in this thread, outside any `with` (set_autocast_enabled(flag)
    alone means 'cuda', as PyTorch's legacy form). A region's exit restores what it found at its entry."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    kind = _kind("set_autocast_enabled", device_type)
    if enabled and _state.state.dtype[kind] is None:
        raise _no_bfloat16("set_autocast_enabled", device_type)
    _state.set_enabled(kind, enabled)


def get_autocast_dtype(device_type):
    """The dtype autocast uses for `device_type` in this thread (float16 on cuda; on cpu only once set, since
    PyTorch's default there is bfloat16, which deepgrad does not have)."""
    dtype = _state.state.dtype[_kind("get_autocast_dtype", device_type)]
    if dtype is None:
        raise _no_bfloat16("get_autocast_dtype", device_type)
    return dtype


def set_autocast_dtype(device_type, dtype):
    """Set the dtype a plain `ag.autocast(device_type)` uses in this thread (float16: the only one deepgrad has)."""
    kind = _kind("set_autocast_dtype", device_type)
    dtype = _as_dtype("set_autocast_dtype", dtype)
    if dtype != _F16:
        raise TypeError(f"set_autocast_dtype: deepgrad autocasts to float16 only, got {dtype}; pass ag.float16")
    _state.state.dtype[kind] = dtype


def is_autocast_cache_enabled():
    """Whether autocast casts each float32 weight once per region (this thread)."""
    return _state.state.cache_enabled


def set_autocast_cache_enabled(enabled):
    """Turn the weight-cast cache on or off for this thread."""
    _state.state.cache_enabled = bool(enabled)


def clear_autocast_cache():
    """Drop this thread's cached weight casts (the outermost autocast region does this at its exit)."""
    _state.state.cache.clear()


__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype",
           "set_autocast_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled", "clear_autocast_cache"]
