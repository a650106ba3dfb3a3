"""The BLAS floor of a step: the time its matrix products alone would take at the best rate this
machine's BLAS reaches, measured in the same run.

A step cannot run faster than its products at the machine's peak product rate, whichever library
runs it. Against PyTorch's time in the same run, the floor says how far below PyTorch a ratio goal
can be reached at all: the `BLAS floor` side of the lstm and mlp rows (CPU devices). The rate is
that of a square float32 product large enough to run at the BLAS's best, on the run's thread count.
"""
import time

import numpy as np

from .case import Side

#: the side of the rows that carry a floor
FLOOR = "BLAS floor"
#: the square float32 product whose rate stands for the machine's peak
PEAK_SIZE = 1024


def peak_flops(threads, size=PEAK_SIZE, calls=3):
    """Float32 multiply-adds x 2 per second of NumPy's BLAS on `threads` threads: the best of `calls`
    products of two size x size matrices (after one untimed call)."""
    from threadpoolctl import threadpool_limits
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size)).astype(np.float32) for _ in range(2))
    out = np.empty_like(a)
    with threadpool_limits(threads):
        np.matmul(a, b, out=out)
        best = float("inf")
        for _ in range(calls):
            start = time.perf_counter()
            np.matmul(a, b, out=out)
            best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 / best


def mlp_flops(batch, sizes):
    """FLOPs of the products of one MLP training step: each layer's forward and weight gradient, and the
    input gradient of every layer but the first (its input needs none)."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    one_pass = sum(2 * batch * fan_in * fan_out for fan_in, fan_out in layers)
    return 2 * one_pass + (one_pass - 2 * batch * sizes[0] * sizes[1])


def lstm_flops(seq, batch, inputs, hidden):
    """FLOPs of the products of one LSTM step (forward, then backward of a sum of its outputs; the input
    needs no gradient): the input projection and its weight gradient, and the hidden-state products
    of forward, backward and the hidden weight gradient."""
    gates = 4 * hidden
    projection = 2 * seq * batch * inputs * gates
    recurrent = 2 * seq * batch * hidden * gates
    return 2 * projection + 3 * recurrent


def floor_side(flops, threads):
    """A sampler Side whose samples are `flops` over the machine's peak product rate, in ms."""
    return Side(sampler=lambda: flops / peak_flops(threads) * 1e3)


def with_floor(builders, device, threads, flops):
    """`builders` plus, on a CPU device, a FLOOR side for a step of `flops` product FLOPs."""
    if device.startswith("cuda"):
        return builders
    return {**builders, FLOOR: lambda: floor_side(flops, threads)}
