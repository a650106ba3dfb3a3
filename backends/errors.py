"""Errors raised by the device layer."""


class DeviceError(RuntimeError):
    """A device that is unknown, unavailable on this machine, or mixed with another in one op."""


class DeviceUnavailableError(DeviceError, AssertionError):
    """A cuda device asked for where CuPy or the GPU is missing: a DeviceError (a RuntimeError, as PyTorch raises
    where it has CUDA but finds no GPU) and an AssertionError, as a PyTorch built without CUDA raises ("Torch not
    compiled with CUDA enabled")."""
