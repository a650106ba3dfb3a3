"""Loading the libraries under comparison, on the device that matches a deepgrad device.

Imports happen inside these functions, so a library that is missing or broken makes only the
sides that need it "unavailable", never the whole run.
"""
import os


def load_deepgrad(device):
    """(ag, nn, F, synchronize) for deepgrad on `device`; raises if autograd/nn or the device is missing."""
    import autograd as ag
    import backends
    import nn
    import nn.functional as F
    backend = backends.get_backend(device)
    return ag, nn, F, backend.synchronize


def load_backend(device):
    """The deepgrad Backend object for `device` (its `xp` array module and `synchronize`)."""
    import backends
    return backends.get_backend(device)


def torch_device_for(device):
    """The PyTorch device that matches a deepgrad device: cpu for 'cpu'/'numba', the same GPU for 'cuda:N'."""
    kind, _, index = str(device).partition(":")
    if kind == "cuda":
        return f"cuda:{index or 0}"
    return "cpu"


def load_torch(device, threads=None):
    """(torch, torch device, synchronize) matching deepgrad's `device`, using `threads` CPU threads."""
    try:
        import torch
    except ImportError:
        raise RuntimeError("PyTorch is not installed (pip install torch to compare against it)") from None
    if threads:
        torch.set_num_threads(threads)
    tdev = torch_device_for(device)
    if tdev.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError(f"this PyTorch ({torch.__version__}) has no CUDA support or sees no GPU")
        # deepgrad computes float32 in float32; PyTorch's cuDNN convolutions default to TF32 (10-bit
        # mantissas), which would compare different arithmetic. Matmuls already default to full float32.
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        return torch, tdev, lambda: torch.cuda.synchronize(tdev)
    return torch, tdev, lambda: None


def thread_count():
    """The number of CPU threads this process may run on (the default for --threads)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
