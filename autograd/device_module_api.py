"""torch.get_device_module (the module of a device type: torch.cpu, torch.cuda), torch.AcceleratorError and
torch.thread_safe_generator."""
import importlib

from .accelerator import current_accelerator
from .type_objects import device as device_type

#: device types deepgrad has a module for, and where it lives
_MODULES = {"cpu": "autograd.cpu", "numba": "autograd.cpu", "cuda": "autograd.cuda"}


class AcceleratorError(RuntimeError):
    """An error the accelerator (the GPU runtime) reported (torch.AcceleratorError): a RuntimeError."""


def get_device_module(device=None):
    """The module of `device`'s type (ag.cpu for 'cpu', ag.cuda for 'cuda'), of the current accelerator when None
    (ag.cpu when there is none)."""
    if device is None:
        current = current_accelerator()
        kind = current.type if current is not None else "cpu"
    elif isinstance(device, device_type):
        kind = device.type
    elif isinstance(device, str):
        kind = device.split(":", 1)[0]
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    if kind not in _MODULES:
        raise RuntimeError(f"get_device_module: no module for the device type {kind!r}; deepgrad has "
                            f"{', '.join(sorted(_MODULES))}")
    return importlib.import_module(_MODULES[kind])


def thread_safe_generator():
    """The generator a DataLoader thread worker should draw from, None elsewhere (PyTorch's); deepgrad's loader
    has no thread workers (its prefetch thread draws nothing), so always None: the global stream."""
    return None
