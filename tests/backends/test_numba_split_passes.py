"""The numba device's batch norm passes (split by channel) and activations (split by range) give on
several threads bit for bit what one thread gives (odd sizes, batch 1, 1 and 3 channels, BatchNorm1d's
(N, C) input, float32 and float64); the batch norm passes also agree with the array kernels' reference."""
import numpy as np
import pytest

pytest.importorskip("numba")

import autograd as ag  # noqa: E402
import backends.numba_backend  # noqa: E402,F401
from backends import workers  # noqa: E402
from backends.array_kernels import batch_norm as reference  # noqa: E402
from backends.numba_kernels import batch_norm  # noqa: E402

SHAPES = [(1, 1, 5), (1, 3, 7), (5, 3, 1), (2, 7, 33), (3, 16, 99), (257, 40, 1)]
TOLERANCE = {np.float32: 2e-5, np.float64: 1e-12}


@pytest.fixture
def threads(monkeypatch):
    """Runs the passes with every size split (as many parts as threads, no measured fallback to one
    thread), on `count` threads."""
    monkeypatch.setattr(batch_norm, "MIN_SPLIT_ELEMENTS", 0)
    monkeypatch.setattr(workers, "run_measured", lambda name, task, total, work, count: workers.run(task, total, count))
    before = ag.get_num_threads()

    def on(count):
        ag.set_num_threads(count)
    yield on
    ag.set_num_threads(before)


def _operands(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 2 + 0.7).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    weight = rng.uniform(0.5, 1.5, shape[1]).astype(dtype)
    shift = rng.uniform(-0.5, 0.5, shape[1]).astype(dtype)
    return x, gy, weight, shift


def _passes(x, gy, weight, shift):
    mean, var = batch_norm.stats(x)
    invstd = (1.0 / np.sqrt(var + 1e-5)).astype(x.dtype)
    m = mean.astype(x.dtype)
    y = batch_norm.normalize(x, m, invstd * weight, shift)
    gx, sum_gy, sum_gyd = batch_norm.backward(gy, x, m, invstd * weight, invstd, True, True)
    return mean, var, y, gx, sum_gy, sum_gyd


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_passes_equal_one_thread_and_the_reference(threads, shape, dtype):
    operands = _operands(shape, dtype)
    threads(1)
    one = _passes(*operands)
    threads(3)
    three = _passes(*operands)
    for a, b in zip(one, three):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    x, gy, weight, shift = operands
    mean, var = reference.stats(np, x)
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(one[0], mean, rtol=tol, atol=tol)
    np.testing.assert_allclose(one[1], var, rtol=tol, atol=tol)
    m, invstd = one[0].astype(dtype), (1.0 / np.sqrt(one[1] + 1e-5)).astype(dtype)
    np.testing.assert_allclose(one[2], reference.normalize(np, x, m, invstd * weight, shift), rtol=tol, atol=tol)
    want = reference.backward(np, gy, x, m, invstd * weight, invstd, True, True)
    for got, expected in zip(one[3:], want):
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * max(1.0, float(np.abs(expected).max())))


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "gelu", "silu"])
def test_split_activations_equal_one_thread(threads, monkeypatch, name):
    from backends.numba_kernels import activation
    monkeypatch.setattr(activation, "MIN_SPLIT_ELEMENTS", 0)
    x = np.random.default_rng(5).standard_normal((3, 7, 101)).astype(np.float32)
    gy = np.random.default_rng(6).standard_normal(x.shape).astype(np.float32)
    results = []
    for count in (1, 3):
        threads(count)
        y = activation.act_forward(name, x)
        results.append((y, activation.act_backward(name, x, y, gy)))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
