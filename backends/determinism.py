"""Whether kernels must give the same bits on every run (`ag.use_deterministic_algorithms`).

The host devices' kernels are deterministic anyway. On `cuda`, floating-point scatter-adds (indexing and
embedding gradients) and the gradient of max pooling add with atomics, whose order varies between runs
where two adds meet one element; in deterministic mode they take an ordered path instead (slower: the
adds run on the host).
"""
_state = {"enabled": False, "warn_only": False}


def set_deterministic(enabled, warn_only=False):
    """Turn deterministic mode on or off (`warn_only` is kept for PyTorch's API; every op here has an
    ordered path, so nothing warns)."""
    _state["enabled"], _state["warn_only"] = bool(enabled), bool(warn_only)


def enabled():
    """True in deterministic mode."""
    return _state["enabled"]


def warn_only():
    """The warn_only flag last given with deterministic mode."""
    return _state["warn_only"]
