"""PyTorch's TORCH_WARN_ONCE: a warning given at most once per process for each key."""
import warnings

_given = set()


def warn_once(key, message, category=UserWarning, stacklevel=2):
    """warnings.warn(message, category) the first time `key` comes in this process, nothing after; `stacklevel`
    counts from the caller of warn_once, as warnings.warn's counts from its own caller."""
    if key in _given:
        return
    _given.add(key)
    warnings.warn(message, category, stacklevel=stacklevel + 1)
