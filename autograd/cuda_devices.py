"""`ag.cuda`'s questions about the GPUs and its timing events, as torch.cuda's: get_device_name,
get_device_properties, get_device_capability, current_device, is_bf16_supported, seed / seed_all, and Event (GPU
timestamps for timing code: record, synchronize, elapsed_time). Answered through CuPy; without a GPU
they raise a DeviceError that says so, where PyTorch's CPU build raises too."""
import backends


def _cupy():
    """CuPy, when a CUDA GPU works here; else None."""
    if not backends.available("cuda"):
        return None
    import cupy
    return cupy


def current_device():
    """The index of the default CUDA device (0 unless DEEPGRAD_DEVICE names another)."""
    default = backends.get_default_device()
    if default.type != "cuda":
        return 0
    return default.index or 0


def _index(device):
    """The GPU index a torch.cuda query names (None: the current one)."""
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    backend = backends.get_backend(device) if isinstance(device, str) else device
    if getattr(backend, "type", None) != "cuda":
        raise ValueError(f"expected a cuda device, got {device!r}")
    return backend.index or 0


def _gpu(op):
    cupy = _cupy()
    if cupy is None:
        raise backends.DeviceError(f"{op}: no CUDA GPU works on this machine (ag.cuda.is_available() is False); "
                                   f"run on a machine with an NVIDIA GPU and CuPy (pip install \"deepgrad[cuda]\")")
    return cupy


class DeviceProperties:
    """What the driver reports of one GPU (torch.cuda.get_device_properties' fields that CuPy gives)."""

    def __init__(self, props):
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.major, self.minor = int(props["major"]), int(props["minor"])
        self.total_memory = int(props["totalGlobalMem"])
        self.multi_processor_count = int(props["multiProcessorCount"])
        self.L2_cache_size = int(props.get("l2CacheSize", 0))

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // 2 ** 20}MB, multi_processor_count={self.multi_processor_count}, "
                f"L2_cache_size={self.L2_cache_size // 2 ** 20}MB)")


def _properties(op, device):
    cupy = _gpu(op)
    return DeviceProperties(cupy.cuda.runtime.getDeviceProperties(_index(device)))


def get_device_properties(device=None):
    """The name, compute capability, memory and multiprocessor count of a GPU (the current one by default)."""
    return _properties("get_device_properties", device)


def get_device_name(device=None):
    """The GPU's name, e.g. 'NVIDIA H100 80GB HBM3'."""
    return _properties("get_device_name", device).name


def get_device_capability(device=None):
    """The GPU's compute capability as (major, minor), e.g. (9, 0) for an H100."""
    props = _properties("get_device_capability", device)
    return props.major, props.minor


def is_bf16_supported(including_emulation=True):
    """False: deepgrad's cuda device (CuPy) has no bfloat16, whatever the GPU supports; bfloat16 tensors live on
    the CPU devices (cpu, numba)."""
    return False


def seed():
    """Start every GPU's generator from fresh entropy (nothing without a GPU)."""
    for name in backends.available("cuda"):
        backends.get_backend(name).seed(None)


seed_all = seed


class Event:
    """A marker in a GPU's stream of work, as torch.cuda.Event: record() it, then synchronize() and read
    elapsed_time(other) in milliseconds between two recorded events (enable_timing=True)."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        cupy = _gpu("Event")
        self._cupy = cupy
        self._event = cupy.cuda.Event(block=blocking, disable_timing=not enable_timing, interprocess=interprocess)

    def record(self, stream=None):
        """Mark the current point of `stream`'s work (the current stream by default)."""
        self._event.record(stream)

    def synchronize(self):
        """Wait until the GPU has reached this event."""
        self._event.synchronize()

    def query(self):
        """True when the GPU has reached this event."""
        return self._event.done

    def wait(self, stream=None):
        """Make `stream` (the current one by default) wait for this event before its later work."""
        (stream or self._cupy.cuda.get_current_stream()).wait_event(self._event)

    def elapsed_time(self, end_event):
        """Milliseconds from this event to `end_event` (both recorded, both with enable_timing=True)."""
        return self._cupy.cuda.get_elapsed_time(self._event, end_event._event)
