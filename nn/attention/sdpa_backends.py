"""SDPBackend and sdpa_kernel (torch.nn.attention): which scaled-dot-product-attention kernels may run.

deepgrad has one attention implementation, the math one. As PyTorch on a CPU, it also stands in for the
flash kernel: with FLASH_ATTENTION allowed and MATH not, a call runs only where PyTorch's CPU flash kernel
would (4-D inputs, no dropout, one head size, ...), and otherwise fails as PyTorch does, with a warning that
says why. The efficient, cuDNN and overrideable kernels do not exist on a CPU: allowing only those (or none)
leaves no kernel, as in PyTorch.
"""
import contextlib
import enum
import warnings

from autograd.errors import ArgumentError


class SDPBackend(enum.Enum):
    """The scaled-dot-product-attention kernels, with PyTorch's names and values."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


#: every backend in the order PyTorch lists the enabled ones
_ORDER = (SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH,
          SDPBackend.OVERRIDEABLE)
_enabled = set(_ORDER)
#: False while every backend is enabled (the default): scaled_dot_product_attention then checks nothing
restricted = False


def _cur_sdpa_kernel_backends():
    """The backends enabled now, in PyTorch's order."""
    return [b for b in _ORDER if b in _enabled]


def flash_allowed():
    """Whether the flash kernel may run now (PyTorch's CPU dispatch then takes it where it can, whatever the
    priority; with MATH alone it runs the math path)."""
    return SDPBackend.FLASH_ATTENTION in _enabled


def _set(backends):
    global _enabled, restricted
    _enabled = set(backends)
    restricted = _enabled != set(_ORDER)


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Allow only `backends` (an SDPBackend or a list of them) for scaled_dot_product_attention inside the
    block (or the decorated function); the previous choice comes back at exit. `set_priority` (try them in
    the list's order) is accepted: deepgrad has one kernel, so order changes nothing."""
    if isinstance(backends, SDPBackend):
        backends = [backends]
    if not isinstance(backends, list) or not all(isinstance(b, SDPBackend) for b in backends):
        raise ArgumentError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, got "
                            f"{type(backends).__name__}; e.g. sdpa_kernel([SDPBackend.MATH])")
    previous = set(_enabled)
    _set(b for b in backends if b is not SDPBackend.ERROR)
    try:
        yield {}
    finally:
        _set(previous)


def check_allowed(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Raise RuntimeError when the enabled backends leave no kernel for this call on deepgrad (as PyTorch on a
    CPU): MATH runs anything; FLASH_ATTENTION alone only what PyTorch's CPU flash kernel accepts."""
    if SDPBackend.MATH in _enabled:
        return
    if SDPBackend.FLASH_ATTENTION not in _enabled:
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This is likely due to "
                           "turning off both the math kernel and the fused kernels. (enabled: "
                           f"{[b.name for b in _cur_sdpa_kernel_backends()]}; on a CPU only MATH and "
                           "FLASH_ATTENTION exist: add SDPBackend.MATH to sdpa_kernel's list)")
    reason = _flash_refuses(query, key, value, attn_mask, dropout_p, enable_gqa)
    if reason is not None:
        warnings.warn("Flash attention kernel not used because:", UserWarning, stacklevel=3)
        warnings.warn(reason, UserWarning, stacklevel=3)
        raise RuntimeError(f"No available kernel.  Aborting execution. (scaled_dot_product_attention: only "
                           f"FLASH_ATTENTION is enabled and it cannot run this call: {reason} Allow "
                           "SDPBackend.MATH too, which runs any call)")


def _flash_refuses(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Why PyTorch's CPU flash kernel would refuse this call, or None when it would run it."""
    q, k, v = query, key, value
    if dropout_p > 0.0:
        return "Both fused kernels do not support non-zero dropout."
    if not q.ndim == k.ndim == v.ndim == 4:
        return (f"All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: {q.ndim}, "
                f"Key dim: {k.ndim}, Value dim: {v.ndim} instead.")
    if not q.shape[0] == k.shape[0] == v.shape[0]:
        return (f"For dense inputs, both fused kernels require query, key and value to have the same batch_size. "
                f"Query.sizes(): {list(q.shape)}, Key.sizes(): {list(k.shape)}, Value.sizes(): {list(v.shape)} instead; "
                "expand them to one batch size first")
    if not enable_gqa and not q.shape[1] == k.shape[1] == v.shape[1]:
        return (f"For dense input, both fused kernels require query, key and value to have the same num_heads. "
                f"Query.sizes(): {list(q.shape)}, Key sizes(): {list(k.shape)}, Value sizes(): {list(v.shape)}")
    if attn_mask is not None and attn_mask.ndim not in (2, 4):
        return ("Please use the following attn mask shapes: 2d - ({Q_seq_len, 1}  x {KV_seq_len, 1}); 4d - "
                "({Batch, 1} x {Num_heads, 1} x {Q_seq_len, 1}  x {KV_seq_len, 1})"
                f" Got attn_mask.sizes(): {list(attn_mask.shape)}")
    if not q.shape[-1] == k.shape[-1] == v.shape[-1]:
        return (f"Flash attention requires q,k,v to have the same last dimension. Got Query.size(-1): "
                f"{q.shape[-1]}, Key.size(-1): {k.shape[-1]}, Value.size(-1): {v.shape[-1]} instead.")
    strides = [t.stride()[-1] for t in (q, k, v)]
    if any(s != 1 and t.shape[-1] > 1 for s, t in zip(strides, (q, k, v))):
        return (f"All fused kernels require the last dimension of the input to have stride 1. Got Query.stride(-1): "
                f"{strides[0]}, Key.stride(-1): {strides[1]}, Value.stride(-1): {strides[2]}")
    return None
