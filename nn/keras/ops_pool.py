"""keras.ops pooling over 1-3 spatial axes, channels-last by default: max_pool and average_pool with 'valid' or
'same' padding (padded positions never win a max and never count in an average), and the adaptive poolings that
split each spatial axis into `output_size` windows. All are differentiable."""
from .. import functional as F
from .ops_layout import data_format, pad_same, padding_mode, per_axis, spatial_input, spatial_output

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


def _prepare(inputs, pool_size, strides, padding, fmt, op):
    fmt = data_format(fmt, op)
    mode = padding_mode(padding, op)
    x, spatial = spatial_input(inputs, fmt, op)
    pool = per_axis(pool_size, spatial, "pool_size", op)
    strides = pool if strides is None else per_axis(strides, spatial, "strides", op)
    return x, spatial, pool, strides, mode, fmt


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The maximum over each `pool_size` window, moved by `strides` (pool_size when None)."""
    x, spatial, pool, strides, mode, fmt = _prepare(inputs, pool_size, strides, padding, data_format, "max_pool")
    if mode == "same":
        x = pad_same(x, pool, strides, value=float("-inf"))
    return spatial_output(_MAX[spatial](x, pool, strides), fmt)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean over each `pool_size` window, moved by `strides` (pool_size when None); with 'same' padding the
    mean covers the real values only."""
    x, spatial, pool, strides, mode, fmt = _prepare(inputs, pool_size, strides, padding, data_format,
                                                    "average_pool")
    if mode == "valid":
        return spatial_output(_AVG[spatial](x, pool, strides), fmt)
    ones = x.new_ones((1, 1) + tuple(x.shape[2:]))
    total = _AVG[spatial](pad_same(x, pool, strides), pool, strides)
    count = _AVG[spatial](pad_same(ones, pool, strides), pool, strides)
    return spatial_output(total / count, fmt)


def _adaptive(inputs, output_size, fmt, op, table):
    fmt = data_format(fmt, op)
    x, spatial = spatial_input(inputs, fmt, op)
    size = per_axis(output_size, spatial, "output_size", op)
    return spatial_output(table[spatial](x, size), fmt)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """The mean over `output_size` windows per spatial axis (PyTorch's adaptive windows)."""
    return _adaptive(inputs, output_size, data_format, "adaptive_average_pool", _ADAPTIVE_AVG)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """The maximum over `output_size` windows per spatial axis (PyTorch's adaptive windows)."""
    return _adaptive(inputs, output_size, data_format, "adaptive_max_pool", _ADAPTIVE_MAX)
