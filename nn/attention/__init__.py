"""`torch.nn.attention`: choose the scaled-dot-product-attention kernels (SDPBackend, sdpa_kernel)."""
from .sdpa_backends import SDPBackend, _cur_sdpa_kernel_backends, sdpa_kernel

__all__ = ["SDPBackend", "sdpa_kernel"]
