"""PyTorch's deterministic-algorithms switch: `ag.use_deterministic_algorithms(True)` makes every kernel give
the same bits on every run (backends/determinism.py says what changes: on `cuda`, the atomic adds of
scatter and max-pooling gradients take an ordered path; the host devices are deterministic already)."""
import backends.determinism as _determinism


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Turn deterministic mode on (True) or off (False)."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms: mode must be True or False, got {mode!r}")
    _determinism.set_deterministic(mode, warn_only)


def are_deterministic_algorithms_enabled():
    """True while deterministic mode is on."""
    return _determinism.enabled()


def is_deterministic_algorithms_warn_only_enabled():
    """The warn_only flag given with deterministic mode."""
    return _determinism.warn_only()
