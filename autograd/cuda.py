"""`ag.cuda`: PyTorch's torch.cuda queries, answered for deepgrad's `cuda` devices (CuPy); the memory queries
are in cuda_memory.py, the device properties and timing events in cuda_devices.py."""
import backends

from .cuda_devices import (Event, current_device, get_device_capability, get_device_name, get_device_properties,
                           is_bf16_supported, seed, seed_all)
from .cuda_memory import (empty_cache, max_memory_allocated, max_memory_reserved, mem_get_info, memory_allocated,
                          memory_reserved, memory_stats, reset_max_memory_allocated, reset_peak_memory_stats)
from .errors import OutOfMemoryError


def _gpus():
    return backends.available("cuda")


def is_available():
    """True when at least one CUDA GPU works through CuPy on this machine."""
    return bool(_gpus())


def is_initialized():
    """True once deepgrad has set up a CUDA device in this process (PyTorch's: once its lazy CUDA init ran)."""
    return backends.created("cuda")


def __getattr__(name):
    if name == "_initialized":   # torch.cuda._initialized, which code reads (performer-pytorch's reversible layers)
        return is_initialized()
    raise AttributeError(f"module 'autograd.cuda' has no attribute {name!r}")


def device_count():
    """How many CUDA GPUs work through CuPy on this machine."""
    return len(_gpus())


def synchronize(device=None):
    """Wait until queued work on a CUDA device (default: the current one) has finished."""
    backends.get_backend(device if device is not None else f"cuda:{current_device()}").synchronize()


def manual_seed(seed):
    """Seed every device's generator (deepgrad seeds all devices together; a negative seed modulo 2**64)."""
    backends.seed_all(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)


manual_seed_all = manual_seed

