"""The gradient of max pooling as a Numba kernel: gy scattered to the argmax positions in one pass
(NumPy needs bincount over the whole output, plus offsets and a cast).

The pooling forwards and the average-pooling gradient stay NumPy's: measured at LeNet-5 sizes
they were as fast or faster than these loops could be made (`python -m benchmarks.numba_kernels`).
"""
import numpy as np

from ..array_kernels.pool import check_max_pool_grad
from . import jit


@jit.kernel
def _max_pool_grad(gy2, arg2, dx2):
    for p in range(gy2.shape[0]):
        for k in range(gy2.shape[1]):
            dx2[p, arg2[p, k]] += gy2[p, k]


def max_pool2d_grad(gy, argmax, x_shape):
    """Gradient of max pooling: gy scattered to the argmax positions (int64 flat indices into H*W
    from max_pool2d), shape `x_shape`."""
    check_max_pool_grad(gy, argmax, x_shape)
    n, c, h, w = x_shape
    dx = np.zeros((n * c, h * w), gy.dtype)
    pooled = int(np.prod(gy.shape[2:]))   # explicit, since -1 is ambiguous when there are no planes
    _max_pool_grad(np.ascontiguousarray(gy).reshape(n * c, pooled),
                   np.ascontiguousarray(argmax, dtype=np.int64).reshape(n * c, pooled), dx)
    return dx.reshape(tuple(x_shape))
