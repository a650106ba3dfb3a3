"""A device that was named but cannot be opened on this machine (`ag.device('cuda:5')` without that GPU).

PyTorch builds `torch.device('cuda:5')` anywhere and only fails when a tensor goes there; deepgrad's devices
are backends, which cannot exist without their library and hardware. An UnopenedDevice stands in for one: it
has the device's type, index, repr, str, equality and hash, and every use that needs the real device goes
through registry.get_backend, which then raises the reason and the fix.
"""
from .base import Backend, DeviceIdentity


class UnopenedDevice(DeviceIdentity):
    """A known device type and index that cannot work here; compares and hashes as that device, and `with` it
    fails only when something is created inside, as torch's `with torch.device('cuda:5'):` does."""

    __slots__ = ("type", "index", "name")

    def __init__(self, kind, index):
        self.type, self.index = kind, index
        self.name = kind if index is None else f"{kind}:{index}"

    def __eq__(self, other):
        if isinstance(other, (UnopenedDevice, Backend)):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __reduce__(self):
        # unpickled where the device works, it still names it: get_backend opens it at first use
        return UnopenedDevice, (self.type, self.index)
