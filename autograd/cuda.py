"""`ag.cuda`: PyTorch's torch.cuda queries, answered for deepgrad's `cuda` devices (CuPy)."""
import backends


def _gpus():
    return backends.available("cuda")


def is_available():
    """True when at least one CUDA GPU works through CuPy on this machine."""
    return bool(_gpus())


def device_count():
    """How many CUDA GPUs work through CuPy on this machine."""
    return len(_gpus())


def current_device():
    """The index of the default CUDA device (0 unless DEEPGRAD_DEVICE names another)."""
    default = backends.get_default_device()
    if default.type != "cuda":
        return 0
    return default.index or 0


def synchronize(device=None):
    """Wait until queued work on a CUDA device (default: the current one) has finished."""
    backends.get_backend(device if device is not None else f"cuda:{current_device()}").synchronize()


def manual_seed(seed):
    """Seed every device's generator (deepgrad seeds all devices together)."""
    backends.seed_all(int(seed))


manual_seed_all = manual_seed
