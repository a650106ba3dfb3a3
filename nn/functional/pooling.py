"""Pooling as users call it: max and average pooling in 1-D and 2-D and adaptive average pooling, with
their argument checks. 1-D pooling and unbatched inputs run through the 2-D ops of autograd/ops/pooling.py
with length-1 axes inserted.
"""
from autograd.ops.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from autograd.ops.dims import check_tensor

from ._args import pair, single


def _pool_input(op, x, spatial):
    """Check the rank of a pooling input; return the axes that make it (N, C, H, W)."""
    check_tensor(op, x)
    if x.ndim not in (1 + spatial, 2 + spatial):
        layout = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise ValueError(f"{op}: expects an input {layout}, got shape {x.shape}")
    batched = x.ndim == 2 + spatial
    if spatial == 1:
        return (2,) if batched else (0, 2)
    return () if batched else (0,)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    With return_indices, also the int64 position of each maximum as a flat index into H * W.
    """
    op = "max_pool2d"
    x_axes = _pool_input(op, input, 2)
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return MaxPool2d.apply(input, kernel, stride, pair(padding, "padding", op), pair(dilation, "dilation", op, 1),
                             bool(ceil_mode), x_axes, bool(return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "max_pool1d"
    x_axes = _pool_input(op, input, 1)
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    return MaxPool2d.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)),
                             (1, single(dilation, "dilation", op, 1)), bool(ceil_mode), x_axes, bool(return_indices))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over kernel windows of input (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    count_include_pad: whether zero padding counts in the divisor (PyTorch's rule).
    """
    op = "avg_pool2d"
    x_axes = _pool_input(op, input, 2)
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return AvgPool2d.apply(input, kernel, stride, pair(padding, "padding", op), bool(ceil_mode),
                             bool(count_include_pad), x_axes)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over kernel windows of input (N, C, L) or (C, L); stride defaults to the kernel size."""
    op = "avg_pool1d"
    x_axes = _pool_input(op, input, 1)
    kernel = single(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else single(stride, "stride", op, 1)
    return AvgPool2d.apply(input, (1, kernel), (1, stride), (0, single(padding, "padding", op)), bool(ceil_mode),
                             bool(count_include_pad), x_axes)


def adaptive_avg_pool2d(input, output_size):
    """Mean over the windows that split input (N, C, H, W) or (C, H, W) into `output_size` (int or pair;
    None keeps that input size), with PyTorch's windows [floor(i*H/Ho), ceil((i+1)*H/Ho))."""
    op = "adaptive_avg_pool2d"
    _pool_input(op, input, 2)
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(input.shape[-2 + a] if s is None else s for a, s in enumerate(output_size))
    out_hw = pair(output_size, "output_size", op, 1)
    return AdaptiveAvgPool2d.apply(input, out_hw)
