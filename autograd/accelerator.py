"""`ag.accelerator`: PyTorch's torch.accelerator queries; deepgrad's accelerator is a CUDA GPU."""
import backends

from . import cuda


def is_available():
    """True when an accelerator (a CUDA GPU through CuPy) works on this machine."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """The accelerator device (`cuda:N`), or None when there is none."""
    if not cuda.is_available():
        return None
    return backends.get_backend(f"cuda:{cuda.current_device()}")


def device_count():
    """How many accelerators work on this machine."""
    return cuda.device_count()


def synchronize(device=None):
    """Wait until queued work on the accelerator has finished."""
    cuda.synchronize(device)
