"""Errors raised by the device layer."""


class DeviceError(RuntimeError):
    """A device that is unknown, unavailable on this machine, or mixed with another in one op."""
