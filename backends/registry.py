"""Device registry: names -> backend instances, the default device, and DEEPGRAD_DEVICE."""
import os

import numpy as np

from .base import Backend, scoped_devices
from .errors import DeviceError
from .unopened_device import UnopenedDevice

_factories = {}     # device type -> factory(index) -> Backend
_probes = {}        # device type -> probe() that raises when the type cannot work here, creating nothing
_instances = {}     # full device name -> Backend
_install_hints = {
    "numba": 'pip install numba (it is a required dependency of deepgrad; reinstall with pip install deepgrad)',
    "cuda": 'pip install "deepgrad[cuda]" (CuPy: cupy-cuda12x for CUDA 12, cupy-cuda13x for CUDA 13) '
            "and run on a machine with an NVIDIA GPU",
}
#: device types that hold no data (PyTorch's 'meta'): usable by name, but not listed by available() as a device
#: to compute on
_VIRTUAL = {"meta"}
_default_name = os.environ.get("DEEPGRAD_DEVICE", "cpu").strip() or "cpu"
_import_default_name = _default_name    # what set_default_device(None) goes back to
_default = None


def register(name, factory, probe=None):
    """Register a device type `name`; `factory(index)` returns its Backend (index is None or an int).
    `probe()`, when given, raises if the type cannot work here: `available()` then calls it instead of
    creating the device (creating one may change the process, as the numba device's BLAS settings)."""
    _factories[name] = factory
    if probe is None:
        _probes.pop(name, None)
    else:
        _probes[name] = probe
    for key in [k for k in _instances if k.split(":")[0] == name]:
        del _instances[key]


def _parse(name):
    if not isinstance(name, str):
        raise DeviceError(f"a device is named by a string such as 'cpu', 'numba', 'cuda' or 'cuda:1'; got {name!r}")
    kind, _, index = name.strip().lower().partition(":")
    if index:
        if not index.isdigit():
            raise DeviceError(f"device {name!r}: the index after ':' must be a non-negative integer, as in 'cuda:0'")
        index = int(index)
    else:
        index = 0 if kind == "cuda" else None
    return kind, index


def is_device(target):
    """True when `target` names a device (a Backend, or a string such as 'cpu', 'numba', 'cuda:1')."""
    from .base import Backend
    if isinstance(target, (Backend, UnopenedDevice)):
        return True
    return isinstance(target, str) and target.strip().lower().partition(":")[0] in _factories


def get_backend(name):
    """The Backend for a device name ('cpu', 'numba', 'cuda', 'cuda:N'); raises DeviceError if unusable."""
    backend = _instances.get(name)
    if backend is not None:
        return backend
    from .base import Backend
    if isinstance(name, Backend):
        return name
    if isinstance(name, UnopenedDevice):   # named earlier; using it now raises why it cannot work here
        name = name.name
    kind, index = _parse(name)
    full = kind if index is None else f"{kind}:{index}"
    backend = _instances.get(full)
    if backend is None:
        factory = _factories.get(kind)
        if factory is None:
            raise DeviceError(
                f"unknown device {name!r}. Known device types: {', '.join(sorted(_factories))} "
                f"(cuda also as 'cuda:N'). Available on this machine: {', '.join(available())}.")
        try:
            backend = factory(index)
        except DeviceError:
            raise
        except Exception as exc:  # a missing or broken optional package
            hint = _install_hints.get(kind, "check that the backend's packages are installed")
            raise DeviceError(
                f"device {name!r} is not available here: {type(exc).__name__}: {exc}. "
                f"Available on this machine: {', '.join(available())}. To install it: {hint}.") from exc
        _instances[full] = backend
    _instances[name] = backend
    return backend


def device_for(name, index=None):
    """The device object for `name` (and `index`), as torch.device builds it: the Backend when the device works
    here, else, for a known type, an UnopenedDevice that raises the reason at first use (an unknown type or a
    malformed name raises now)."""
    if isinstance(name, (Backend, UnopenedDevice)) and index is None:
        return name
    if index is not None:
        name = f"{name}:{index}"
    kind, parsed = _parse(name)
    if kind not in _factories:
        return get_backend(name)
    try:
        return get_backend(name)
    except DeviceError:
        # torch.device('cuda') has no index (only a tensor's device is cuda:0)
        return UnopenedDevice(kind, parsed if ":" in name else None)


def available(kind=None):
    """Names of the devices that work on this machine, e.g. ['cpu', 'numba', 'cuda:0']; with `kind`
    ('cuda', ...), only that type's. A type registered with a probe is listed without being created."""
    names = []
    for name, factory in _factories.items():
        if (kind is not None and name != kind) or (kind is None and name in _VIRTUAL):
            continue
        indices = [None] if name in ("cpu", "numba") or name in _VIRTUAL else _probe_indices(name)
        for index in indices:
            full = name if index is None else f"{name}:{index}"
            if full in _instances or _works(name, factory, index, full):
                names.append(full)
    return names


def _works(name, factory, index, full):
    """True when device `full` can be used here; without a probe, creates and keeps it."""
    try:
        if name in _probes:
            _probes[name]()
        else:
            _instances[full] = factory(index)
    except Exception:
        return False
    return True


def _probe_indices(kind):
    if kind != "cuda":
        return [None]
    try:
        import cupy
        return list(range(cupy.cuda.runtime.getDeviceCount()))
    except Exception:
        return []


def get_default_device():
    """The default device: the innermost `with ag.device(...)` block's, else DEEPGRAD_DEVICE's (read at import)
    or set_default_device's."""
    global _default
    if scoped_devices:
        device = scoped_devices[-1]
        return device if isinstance(device, Backend) else get_backend(device)
    if _default is None:
        try:
            _default = get_backend(_default_name)
        except DeviceError as exc:
            raise DeviceError(f"DEEPGRAD_DEVICE={_default_name!r}: {exc}") from None
    return _default


def set_default_device(name):
    """Make `name` the default device for new tensors, and export it to child processes; None goes back to
    the device DEEPGRAD_DEVICE named at import (as PyTorch's None drops a default device set before)."""
    global _default, _default_name
    _default = get_backend(_import_default_name if name is None else name)
    _default_name = _default.name
    os.environ["DEEPGRAD_DEVICE"] = _default.name
    return _default


def seed_all(seed):
    """Seed every backend created so far, and remember the seed for backends created later."""
    global _pending_seed
    _pending_seed = seed
    for backend in set(_instances.values()):
        backend.seed(seed)


_pending_seed = None


def seed_all_fresh():
    """Seed every backend from a fresh non-deterministic seed (below 2**63); returns that seed."""
    seed_all(int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) >> 1)
    return _pending_seed


def initial_seed():
    """The seed the devices' generators were last started from: the last seed_all's, or else a fresh one
    drawn now, with which every device is then seeded (until then they drew from fresh entropy)."""
    return seed_all_fresh() if _pending_seed is None else _pending_seed


def created(kind):
    """True when a device of type `kind` ('cuda', ...) has been created in this process."""
    return any(b.type == kind for b in _instances.values())


def host_rng_states():
    """{device name: generator state} of the host devices created so far ('cpu' always): see set_host_rng_states."""
    get_backend("cpu")
    return {b.name: b.rng_state() for b in set(_instances.values()) if b.host_memory}


def set_host_rng_states(states):
    """Restore generator states taken by host_rng_states (devices not created yet are created); the seed a state
    was started from becomes initial_seed()'s again, as PyTorch's CPU state carries it."""
    global _pending_seed
    for name, state in states.items():
        get_backend(name).set_rng_state(state)
    seeds = [state["seed"] for state in states.values() if isinstance(state, dict) and state.get("seed") is not None]
    if seeds:
        _pending_seed = int(seeds[0])


def _seeded(factory):
    def make(index):
        backend = factory(index)
        if _pending_seed is not None and not _shares_a_stream(backend):
            backend.seed(_pending_seed)
        return backend
    return make


def _shares_a_stream(backend):
    """Whether `backend` draws from the stream of a device made before it (the host devices share PyTorch's one
    CPU stream): seed_all seeded that stream then, and seeding it again would restart it mid-program."""
    rng = getattr(backend, "numpy_rng", None) if backend.host_memory else None
    return rng is not None and any(other is not backend and other.host_memory and
                                   getattr(other, "numpy_rng", None) is rng for other in set(_instances.values()))


def _pickled_device(backend):
    # a device pickled (a tensor sent to a DataLoader worker, a multiprocessing queue) comes back as this
    # process's own device of that name, since ops compare devices by identity
    return get_backend, (backend.name,)


Backend.__reduce__ = _pickled_device
