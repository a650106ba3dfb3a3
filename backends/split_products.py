"""Stacks of independent host products run on deepgrad's own threads, one BLAS thread each.

OpenBLAS parallelises every product on threads of its own, which keep polling for more work for a
long while after the product ends (about 2^28 counter cycles, a tenth of a second). The compiled
kernels that run between two products (Winograd's tile transforms, say) split their work over
backends/workers.py's threads, and a helper that lands on the core an OpenBLAS thread is polling on
gets about half of it: measured on 2 cores, F(4x4)'s input and output transforms at 256ch 14x14 took
8.5 and 9.9 ms beside OpenBLAS's polling thread, 5.5 and 5.2 without (OPENBLAS_THREAD_TIMEOUT=20).

A stack of products needs no thread inside any one of them: here the stack is split over the
workers, each slice on one BLAS thread, with OpenBLAS held to one thread for as long as a caller
asks (`one_blas_thread`), so that no OpenBLAS thread polls between its products and transforms.
Each product runs whole on one thread, so the results do not depend on the split. F(4x4)'s weight
gradient, whose 36 products (256 x 8192 by 8192 x 256 at b32 256ch 14x14) OpenBLAS split badly, went
from 42-44 to 33-34 ms (two threads, median of 10); its forward and input gradient measured the same
either way.
"""
import threading
from contextlib import contextmanager

import numpy as np

from . import threads, workers

#: stacks of fewer multiply-adds than this run on the calling thread (a helper costs tens of us)
MIN_SPLIT_MACS = 2 ** 22

_held = threading.local()    # .count: the BLAS thread count before one_blas_thread lowered it


def matmul(a, b, out=None):
    """np.matmul(a, b) of NumPy stacks (into `out` when given), the result's leading axis split over the
    worker threads, every product on one BLAS thread (hold `one_blas_thread` around the caller's work).
    An operand with as many axes as the result is split with it (unless its leading axis is 1); one
    with fewer broadcasts whole to every part, as a 1x1 convolution's weights do."""
    if a.ndim < 2 or b.ndim < 2 or max(a.ndim, b.ndim) < 3:
        raise ValueError(f"split_products.matmul: stacks of matrices expected (3 or more axes), got shapes "
                         f"{a.shape} and {b.shape}")
    try:
        shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    except ValueError:
        raise ValueError(f"split_products.matmul: stacks of shapes {a.shape} and {b.shape} do not broadcast "
                         "against each other") from None
    if out is None:
        out = np.empty(shape, np.result_type(a, b))
    stack = out.shape[0]
    macs = out.size * a.shape[-1]

    def sliced(operand, first, last):
        return operand[first:last] if operand.ndim == out.ndim and operand.shape[0] != 1 else operand

    def part(first, last):
        np.matmul(sliced(a, first, last), sliced(b, first, last), out=out[first:last])

    count = getattr(_held, "count", None) or threads.get_num_threads()
    workers.run_measured("split_products", part, stack, macs, workers.parts(stack, macs, MIN_SPLIT_MACS, count))
    return out


@contextmanager
def one_blas_thread():
    """BLAS on one thread inside the block (the products above then never wake OpenBLAS's threads);
    `matmul` still splits its stacks over as many threads as BLAS had before."""
    if getattr(_held, "count", None):
        yield
        return
    _held.count = threads.get_num_threads()
    try:
        with threads.limited(1):
            yield
    finally:
        _held.count = None


def on_workers():
    """(a context, the product of stacks) for a convolution whose stacks of products run here: OpenBLAS
    held to one thread for as long as the context is, and `matmul` (a device's `stack_products`)."""
    return one_blas_thread(), matmul
