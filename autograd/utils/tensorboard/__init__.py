"""torch.utils.tensorboard's counterpart: `SummaryWriter` writes TensorBoard event files (scalars, histograms,
images, text, hyper-parameters) with the `tensorboard` package's record writer and protocol buffers, as
PyTorch's does; `tensorboard` is optional (the 'tensorboard' extra) and its absence is a clear ImportError."""
try:
    import tensorboard  # noqa: F401  (the event protos and file writer come from it)
except ImportError as missing:
    raise ImportError("autograd.utils.tensorboard (torch.utils.tensorboard) writes TensorBoard files with the "
                      "tensorboard package, which is not installed: pip install tensorboard (or deepgrad's "
                      "'tensorboard' extra)") from missing

from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
