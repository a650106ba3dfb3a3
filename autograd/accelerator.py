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


def check_pinnable(op, tensor=None):
    """A RuntimeError, as PyTorch's, where `op` asks for page-locked host memory: without an accelerator there is
    no pinned allocator, and only host tensors can be pinned."""
    if not cuda.is_available():
        raise RuntimeError(f"{op}: pinned memory needs a CUDA accelerator and none is available on this machine (as "
                           "in PyTorch); drop pin_memory, or guard it with `if torch.cuda.is_available():`")
    if tensor is not None and tensor.device.type == "cuda":
        raise RuntimeError(f"{op}: cannot pin a tensor on {tensor.device} (shape {tuple(tensor.shape)}); only host "
                           "tensors can be pinned, so call pin_memory() before moving it to the GPU")
