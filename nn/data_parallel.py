"""DataParallel, as PyTorch code writes it: a wrapper whose forward is the wrapped module's. deepgrad runs it as
one replica on the module's device (the same numbers; data parallelism is nn.distributed's
DistributedDataParallel over processes), with PyTorch's `.module` attribute and "module."-prefixed state_dict."""
from .module import Module


class DataParallel(Module):
    """`module` behind PyTorch's DataParallel interface, run as one replica (see the module docstring)."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: expected a Module to wrap, got {type(module).__name__}")
        self.module = module
        # [] unless given, as PyTorch's without GPUs: the one replica runs on the module's own device
        self.device_ids, self.output_device, self.dim = list(device_ids or []), output_device, dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
