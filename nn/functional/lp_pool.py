"""Power-average pooling: (sum of x ** p over each window) ** (1 / p), through average pooling."""
import math

import autograd as ag
from autograd.errors import ZeroArgumentError

from ._args import pair, single
from .conv3d import triple
from .pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pooling3d import _volume, avg_pool3d, max_pool3d


def _infinite(norm_type, max_pool, input, kernel, stride, ceil_mode):
    """The limit PyTorch takes for norm_type = +-inf: the largest (or smallest) |x| of each window; None for a
    finite norm_type."""
    if isinstance(norm_type, (int, float)) and math.isinf(norm_type):
        if norm_type > 0:
            return max_pool(ag.abs(input), kernel, stride, 0, 1, ceil_mode)
        return -max_pool(-ag.abs(input), kernel, stride, 0, 1, ceil_mode)
    return None


def _root(op, window_sum_mean, norm_type, count):
    if not norm_type or norm_type != norm_type:   # PyTorch divides by it: ZeroDivisionError
        raise ZeroArgumentError(f"{op}: norm_type must be a non-zero number, got {norm_type!r} (input shape "
                                f"{tuple(window_sum_mean.shape)}); pass e.g. norm_type=2")
    # PyTorch's form: negative window sums (odd p) are zeroed before the root
    return (ag.sign(window_sum_mean) * ag.relu(ag.abs(window_sum_mean)) * count) ** (1.0 / norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each kH x kW window of x ** norm_type) ** (1 / norm_type) on (N, C, H, W) or (C, H, W);
    stride defaults to the kernel size. norm_type=1 is sum pooling; norm_type=inf is max pooling of |x| (-inf: the
    smallest |x|), as PyTorch's."""
    op = "lp_pool2d"
    kernel = pair(kernel_size, "kernel_size", op, 1)
    limit = _infinite(norm_type, max_pool2d, input, kernel, stride, ceil_mode)
    if limit is not None:
        return limit
    mean = avg_pool2d(input ** norm_type, kernel, stride, 0, ceil_mode)
    return _root(op, mean, norm_type, kernel[0] * kernel[1])


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x ** norm_type) ** (1 / norm_type) on (N, C, L) or (C, L); stride defaults to
    the kernel size."""
    op = "lp_pool1d"
    kernel = single(kernel_size, "kernel_size", op, 1)
    limit = _infinite(norm_type, max_pool1d, input, kernel, stride, ceil_mode)
    if limit is not None:
        return limit
    mean = avg_pool1d(input ** norm_type, kernel, stride, 0, ceil_mode)
    return _root(op, mean, norm_type, kernel)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each kD x kH x kW window of x ** norm_type) ** (1 / norm_type) on (N, C, D, H, W) or
    (C, D, H, W); stride defaults to the kernel size."""
    op = "lp_pool3d"
    _volume(op, input)   # the rank and size checks, under this op's name
    kernel = triple(kernel_size, "kernel_size", op, 1)
    limit = _infinite(norm_type, max_pool3d, input, kernel, stride, ceil_mode)
    if limit is not None:
        return limit
    mean = avg_pool3d(input ** norm_type, kernel, stride, 0, ceil_mode)
    return _root(op, mean, norm_type, math.prod(kernel))
