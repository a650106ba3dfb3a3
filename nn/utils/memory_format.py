"""torch.nn.utils.convert_conv2d_weight_memory_format / convert_conv3d_weight_memory_format: the weights of every
convolution in a module laid out in a memory format (values unchanged)."""
import autograd as ag

from ..layers import conv


def _convert(module, memory_format, kinds, who):
    if not isinstance(memory_format, ag.memory_format):
        raise TypeError(f"{who}: memory_format must be a memory format such as torch.channels_last, got "
                        f"{type(memory_format).__name__} {memory_format!r}")
    if isinstance(module, kinds):
        module._laid_out(memory_format)
    for child in module.children():
        _convert(child, memory_format, kinds, who)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """`module` with the weights of its Conv2d and ConvTranspose2d layers (itself included) in `memory_format`
    (torch.channels_last, torch.contiguous_format), as PyTorch's; returns module."""
    return _convert(module, memory_format, (conv.Conv2d, conv.ConvTranspose2d),
                    "convert_conv2d_weight_memory_format")


def convert_conv3d_weight_memory_format(module, memory_format):
    """`module` with the weights of its Conv3d and ConvTranspose3d layers (itself included) in `memory_format`
    (torch.channels_last_3d, torch.contiguous_format), as PyTorch's; returns module."""
    return _convert(module, memory_format, (conv.Conv3d, conv.ConvTranspose3d),
                    "convert_conv3d_weight_memory_format")
