"""Device backends: one interface, implemented by NumPy (`cpu`), Numba (`numba`) and CuPy (`cuda`)."""
from .base import ACTIVATIONS, Backend
from .errors import DeviceError
from .registry import (available, created, device_for, get_backend, get_default_device, host_rng_states, initial_seed,
                       is_device, register, seed_all, seed_all_fresh, set_default_device, set_host_rng_states)
from . import registry as _registry


def _numpy_factory(index):
    from .numpy_backend import NumpyBackend
    return NumpyBackend(index)


def _numba_factory(index):
    from .numba_backend import NumbaBackend
    return NumbaBackend(index)


def _numba_probe():
    import numba  # noqa: F401  (the kernels compile on first use; the device is created on first use too)
    from . import numba_backend  # noqa: F401


def _cupy_factory(index):
    from .cupy_backend import CupyBackend
    return CupyBackend(index)


register("cpu", _registry._seeded(_numpy_factory))
register("numba", _registry._seeded(_numba_factory), _numba_probe)
register("cuda", _registry._seeded(_cupy_factory))


def _meta_factory(index):
    from .meta_backend import MetaBackend
    return MetaBackend(index)


register("meta", _meta_factory)   # shapes without data (PyTorch's meta device); not listed by available()

__all__ = ["ACTIVATIONS", "Backend", "DeviceError", "available", "device_for", "get_backend", "get_default_device",
           "created", "host_rng_states", "initial_seed", "is_device", "register", "seed_all", "seed_all_fresh",
           "set_default_device", "set_host_rng_states"]
