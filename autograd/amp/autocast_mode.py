"""`ag.autocast` (torch.autocast): regions in which ops run in float16 or float32 by op, and its switches.

    with ag.autocast("cuda"):                       # float16 by default on cuda, as PyTorch
        loss = loss_fn(model(x), y)                 # linear / conv in float16, the loss in float32
    with ag.autocast("cpu"):                        # bfloat16 by default on cpu (and numba), as PyTorch
        ...

The state is per thread, as grad mode is; autograd/amp/policy.py says which op casts how.
"""
import functools
import warnings

import numpy as np

import backends

from .. import autocast_state as _state
from .. import half_forms
from ..autocast_state import device_type_of
from ..bf16_dtype import MissingBFloat16, bfloat16_dtype, is_bf16, names_bf16

_F16 = np.dtype(np.float16)


def _dtype_for(call, kind, device_type):
    """This thread's autocast dtype for `kind`; cpu's default, bfloat16, is looked up on first use (importing
    the optional ml_dtypes package), and its absence named with the install and the float16 alternative."""
    dtype = _state.state.dtype[kind]
    if dtype is None:
        try:
            dtype = _state.state.dtype[kind] = bfloat16_dtype(
                f"{call}: PyTorch's default autocast dtype on '{device_type}' is bfloat16, and")
        except MissingBFloat16 as exc:
            raise MissingBFloat16(f"{exc}; or pass dtype=ag.float16") from None
    return dtype


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
    if isinstance(dtype, str):   # PyTorch takes dtype objects only ('float16' is its TypeError)
        raise TypeError(f"{call}: argument 'dtype' must be torch.dtype, not str {dtype!r}; pass e.g. "
                        "dtype=ag.float16 or ag.bfloat16")
    if names_bf16(dtype):
        return bfloat16_dtype(call)
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{call}: dtype must be a dtype such as ag.float16, got {dtype!r}") from None


class autocast:
    """Context manager and decorator: inside it, ops on tensors of `device_type` ('cuda', or 'cpu', which also
    covers deepgrad's 'numba' device) run in `dtype` or float32 by PyTorch's op lists; outputs of float16 ops
    are float16 tensors, and gradients flow back through the casts, so float32 parameters get float32 .grad.

    dtype: float16 (the default on cuda) or bfloat16 (the default on cpu; it needs the optional ml_dtypes
    package). enabled=False turns autocast off inside the block,
    also within an enabled region. cache_enabled (default: the current setting, True): cast each float32 leaf
    that requires grad (a weight) once per outermost region. As in PyTorch, `cuda` on a machine without a CUDA
    device and an unsupported dtype warn and disable autocast.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device = device_type
        self._kind = _kind("autocast", device_type)
        for name, flag in (("enabled", enabled), ("cache_enabled", cache_enabled)):
            if flag is not None and not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"autocast: argument '{name}' must be bool, not {type(flag).__name__} ({flag!r}); "
                                "pass True or False")
        enabled = bool(enabled)
        if dtype is not None:
            self.fast_dtype = _as_dtype("autocast", dtype)
        else:   # a disabled region needs no dtype: cpu's bfloat16 default is not looked up for it
            self.fast_dtype = _dtype_for("autocast", self._kind, device_type) if enabled else \
                _state.state.dtype[self._kind]
        self._cache_enabled = _state.state.cache_enabled if cache_enabled is None else bool(cache_enabled)
        self._saved = []
        if enabled and self._kind == "cuda" and not backends.available("cuda"):
            warnings.warn("autocast: CUDA is not available (no CuPy device here); disabling autocast.", stacklevel=2)
            enabled = False
        elif enabled and self.fast_dtype != _F16 and (not is_bf16(self.fast_dtype) or self._kind == "cuda"):
            warnings.warn(f"autocast: the target dtype {self.fast_dtype} is not supported on {self._kind}; deepgrad "
                          f"autocasts to {'float16' if self._kind == 'cuda' else 'float16 or bfloat16'} there. "
                          "Disabling autocast.", stacklevel=2)
            enabled = False
        if enabled:
            half_forms.note_half(self.fast_dtype)   # ops start computing half-precision arrays in float32
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
    if enabled:
        dtype = _dtype_for("set_autocast_enabled", kind, device_type)
        half_forms.note_half(dtype)
    _state.set_enabled(kind, enabled)


def get_autocast_dtype(device_type):
    """The dtype autocast uses for `device_type` in this thread (float16 on cuda, bfloat16 on cpu unless set)."""
    return _dtype_for("get_autocast_dtype", _kind("get_autocast_dtype", device_type), device_type)


def set_autocast_dtype(device_type, dtype):
    """Set the dtype a plain `ag.autocast(device_type)` uses in this thread (float16, or bfloat16 on cpu)."""
    kind = _kind("set_autocast_dtype", device_type)
    dtype = _as_dtype("set_autocast_dtype", dtype)
    if dtype != _F16 and (not is_bf16(dtype) or kind == "cuda"):
        allowed = "ag.float16" if kind == "cuda" else "ag.float16 or ag.bfloat16"
        raise TypeError(f"set_autocast_dtype: deepgrad autocasts {kind} to {allowed}, got {dtype}; pass {allowed}")
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
