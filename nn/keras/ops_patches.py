"""keras.ops functions that cut tensors into blocks and put them back: depth_to_space / space_to_depth (TensorFlow's
channel order, channels-last by default), unfold / fold (PyTorch's im2col and col2im on (N, C, H, W)), and
extract_sequences (overlapping frames of the last axis). All are differentiable rearrangements."""
import autograd as ag
from autograd.errors import ShapeError

from .. import functional as F
from .ops_args import _t
from .ops_layout import data_format as _data_format


def _image4(x, op):
    x = _t(x)
    if x.ndim != 4:
        raise ValueError(f"keras.ops.{op}: x must be a 4-D batch of images, got shape {tuple(x.shape)}")
    return x


def depth_to_space(x, block_size, data_format="channels_last"):
    """Channels moved into block_size x block_size spatial blocks: (N, H, W, C) -> (N, H*b, W*b, C/b^2).
    Channels-last uses TensorFlow's channel order (block row, block column, channel); channels_first uses
    PyTorch's pixel_shuffle order (channel, block row, block column), as Keras's torch backend does."""
    x = _image4(x, "depth_to_space")
    c = x.shape[-1] if _data_format(data_format, "depth_to_space") == "channels_last" else x.shape[1]
    if c % (block_size * block_size):
        raise ValueError(f"keras.ops.depth_to_space: {c} channels are not divisible by block_size^2 = "
                         f"{block_size * block_size}")
    if data_format == "channels_first":
        return F.pixel_shuffle(x, block_size)
    n, h, w, c = x.shape
    depth = c // (block_size * block_size)
    y = ag.permute(x.reshape(n, h, w, block_size, block_size, depth), (0, 1, 3, 2, 4, 5))
    return y.reshape(n, h * block_size, w * block_size, depth)


def space_to_depth(x, block_size, data_format="channels_last"):
    """block_size x block_size spatial blocks moved into channels: (N, H, W, C) -> (N, H/b, W/b, C*b^2), in the
    channel orders depth_to_space undoes."""
    x = _image4(x, "space_to_depth")
    channels_last = _data_format(data_format, "space_to_depth") == "channels_last"
    h, w = x.shape[1:3] if channels_last else x.shape[2:4]
    if h % block_size or w % block_size:
        raise ValueError(f"keras.ops.space_to_depth: height {h} and width {w} must be multiples of block_size "
                         f"{block_size}")
    if not channels_last:
        return F.pixel_unshuffle(x, block_size)
    n, c = x.shape[0], x.shape[3]
    y = ag.permute(x.reshape(n, h // block_size, block_size, w // block_size, block_size, c), (0, 1, 3, 2, 4, 5))
    return y.reshape(n, h // block_size, w // block_size, c * block_size * block_size)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding kernel_size blocks of a (N, C, H, W) batch as columns: (N, C * kh * kw, blocks)."""
    x = _t(x)
    if x.ndim != 4:
        raise ValueError(f"keras.ops.unfold: x must be (N, C, H, W), got shape {tuple(x.shape)}")
    return F.unfold(x, kernel_size, dilation=dilation, padding=padding, stride=stride)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse arrangement of unfold: (N, C * kh * kw, blocks) columns summed back into (N, C, *output_size)
    images (overlaps add up)."""
    x = _t(x)
    if x.ndim != 3:
        raise ValueError(f"keras.ops.fold: x must be (N, C * kh * kw, blocks), got shape {tuple(x.shape)}")
    return F.fold(x, output_size, kernel_size, dilation=dilation, padding=padding, stride=stride)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of `sequence_length` steps every `sequence_stride` steps along the last axis:
    (..., T) -> (..., frames, sequence_length)."""
    x = _t(x)
    length = x.shape[-1]
    if sequence_length > length:
        raise ShapeError(f"keras.ops.extract_sequences: sequence_length {sequence_length} is longer than the last "
                         f"axis ({length}) of shape {tuple(x.shape)}")
    frames = (length - sequence_length) // sequence_stride + 1
    index = (ag.arange(frames).reshape(frames, 1) * sequence_stride + ag.arange(sequence_length).reshape(1, -1))
    return x[..., index]
