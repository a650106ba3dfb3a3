"""unfold (im2col: sliding blocks of an image as columns) and fold (col2im: columns summed back into an image).

Both gather or scatter-add through one table of flat positions in the padded image, so their gradients
come from indexing and index_add.
"""
import numpy as np

import autograd as ag
from autograd.errors import IndexShapeError, ShapeError, UnsupportedDtypeError
from autograd.function import named
from autograd.ops.dims import check_tensor

from ._args import pair


def _block_positions(op, size, kernel, dilation, padding, stride):
    """The (kH * kW, L) table of flat positions in the padded (H + 2pH, W + 2pW) image that each kernel offset
    reads for each of the L blocks, and the (blocks along H, blocks along W) counts."""
    padded = [size[a] + 2 * padding[a] for a in (0, 1)]
    blocks = [(padded[a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1 for a in (0, 1)]
    if min(blocks) < 1:
        raise ShapeError(f"{op}: a kernel {kernel} with dilation {dilation} does not fit the padded size "
                         f"{tuple(padded)} (spatial size {tuple(size)}, padding {padding}); use a smaller kernel "
                         "or more padding")
    rows = (np.arange(blocks[0]) * stride[0])[None, :] + (np.arange(kernel[0]) * dilation[0])[:, None]
    cols = (np.arange(blocks[1]) * stride[1])[None, :] + (np.arange(kernel[1]) * dilation[1])[:, None]
    flat = rows[:, None, :, None] * padded[1] + cols[None, :, None, :]   # (kH, kW, bH, bW)
    return flat.reshape(kernel[0] * kernel[1], blocks[0] * blocks[1]).astype(np.int64), blocks, padded


def _args(op, kernel_size, dilation, padding, stride):
    return (pair(kernel_size, "kernel_size", op, 1), pair(dilation, "dilation", op, 1),
            pair(padding, "padding", op), pair(stride, "stride", op, 1))


def _float_only(op, input):
    """PyTorch's im2col / col2im have no integer or bool kernels ("not implemented for 'Long'")."""
    if input.dtype.kind in "biu":
        raise UnsupportedDtypeError(f"{op}: not implemented for {input.dtype} inputs (shape {tuple(input.shape)}), "
                                    "as in PyTorch; convert with input.float()")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C, H, W) or (C, H, W) -> (N, C * kH * kW, L) or (C * kH * kW, L): every kH x kW block (L of them) as
    a column, channel-major then kernel row then kernel column, as torch.nn.functional.unfold."""
    op = "unfold"
    check_tensor(op, input)
    if input.ndim not in (3, 4):
        raise IndexShapeError(f"{op}: expects an input (N, C, H, W) or (C, H, W), got shape {input.shape}; "
                              "add the missing dims with unsqueeze")
    _float_only(op, input)
    kernel, dilation, padding, stride = _args(op, kernel_size, dilation, padding, stride)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    n, c, h, w = x.shape
    table, blocks, padded = _block_positions(op, (h, w), kernel, dilation, padding, stride)
    x = ag.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2), 0)
    columns = x.reshape(n, c, padded[0] * padded[1])[:, :, ag.tensor(table, device=x.device)]
    out = columns.reshape(n, c * table.shape[0], table.shape[1])
    return named(out if input.ndim == 4 else out.squeeze(0), "Im2ColBackward0")


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C * kH * kW, L) or (C * kH * kW, L) -> (N, C, H, W) or (C, H, W) with (H, W) = output_size: each column
    added back into its block of the image (overlaps summed), the adjoint of unfold."""
    op = "fold"
    check_tensor(op, input)
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expects an input (N, C * kH * kW, L) or (C * kH * kW, L), got shape {input.shape}")
    _float_only(op, input)
    size = pair(output_size, "output_size", op, 1)
    kernel, dilation, padding, stride = _args(op, kernel_size, dilation, padding, stride)
    x = input if input.ndim == 3 else input.unsqueeze(0)
    n, ck, length = x.shape
    table, blocks, padded = _block_positions(op, size, kernel, dilation, padding, stride)
    k = table.shape[0]
    if ck % k:
        raise ShapeError(f"{op}: dimension 1 of input {input.shape} ({ck}) must be a multiple of kH * kW = {k} "
                         f"(kernel_size {kernel})")
    if length != table.shape[1]:
        raise ShapeError(f"{op}: input {input.shape} holds {length} blocks, but output_size {size} with kernel "
                         f"{kernel}, dilation {dilation}, padding {padding} and stride {stride} gives "
                         f"{blocks[0]} x {blocks[1]} = {table.shape[1]}; check output_size")
    c = ck // k
    canvas = ag.zeros(n, c, padded[0] * padded[1], dtype=x.dtype, device=x.device)
    out = canvas.index_add(2, ag.tensor(table.reshape(-1), device=x.device), x.reshape(n, c, k * length))
    out = out.reshape(n, c, padded[0], padded[1])
    out = out[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return named(out if input.ndim == 3 else out.squeeze(0), "Col2ImBackward0")
