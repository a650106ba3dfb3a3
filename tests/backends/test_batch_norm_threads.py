"""The cpu device's batch norm passes split by channel over threads (numpy_kernels.batch_norm) give
bit for bit what one thread gives: odd sizes, batch 1, 1 and 3 channels, float32 and float64, with
and without an affine shift or an input gradient, training and eval; and a failing part raises."""
import numpy as np
import pytest

import autograd as ag
import nn
from backends import workers
from backends.array_kernels import batch_norm as passes
from backends.numpy_kernels import batch_norm as threaded

SHAPES = [(1, 1, 5), (1, 3, 7), (5, 3, 1), (2, 7, 33), (3, 16, 99)]


@pytest.fixture(autouse=True)
def always_split(monkeypatch):
    """Split every call the kernels ask to split (no measured fallback to one thread)."""
    monkeypatch.setattr(workers, "run_measured", lambda name, task, total, work, count: workers.run(task, total, count))


@pytest.fixture(params=[2, 3])
def split_into(request, monkeypatch):
    """Split every call, whatever its size, into this many parts (at most one per channel)."""
    monkeypatch.setattr(threaded, "_parts", lambda x, normalize_only=False: min(x.shape[1], request.param))
    return request.param


def _operands(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 2 + 0.7).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    mean, var = passes.stats(np, x)
    invstd = (1.0 / np.sqrt(var + 1e-5)).astype(dtype)
    weight = rng.uniform(0.5, 1.5, shape[1]).astype(dtype)
    shift = rng.uniform(-0.5, 0.5, shape[1]).astype(dtype)
    return x, gy, mean.astype(dtype), invstd, invstd * weight, shift


def _same(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_stats_and_normalize_equal_one_thread(split_into, shape, dtype):
    x, _, mean, _, scale, shift = _operands(shape, dtype)
    for got, want in zip(threaded.stats(x), passes.stats(np, x)):
        _same(got, want)
    for s in (shift, None):
        _same(threaded.normalize(x, mean, scale, s), passes.normalize(np, x, mean, scale, s))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("need_input", [True, False])
def test_split_backward_equals_one_thread(split_into, shape, dtype, training, need_input):
    x, gy, mean, invstd, scale, _ = _operands(shape, dtype, seed=1)
    got = threaded.backward(gy, x, mean, scale, invstd, training, need_input)
    want = passes.backward(np, gy, x, mean, scale, invstd, training, need_input)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            _same(g, w)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm2d_on_two_threads_repeats_one_thread_bit_for_bit(monkeypatch, dtype):
    """Through the layer, ag.set_num_threads(2) against 1, with blocks of one sample and a few channels."""
    before = ag.get_num_threads()
    x = np.random.default_rng(2).standard_normal((9, 5, 123, 131)).astype(dtype)
    monkeypatch.setattr(threaded, "MIN_SPLIT_ELEMENTS", x.size)
    monkeypatch.setattr(threaded, "MIN_SPLIT_NORMALIZE", x.size)
    monkeypatch.setattr(threaded, "BLOCK_ELEMENTS", 40000)   # blocks of 2 channels and of 1 (a lone row)
    gy = np.random.default_rng(3).standard_normal(x.shape).astype(dtype)
    results = []
    try:
        for count in (1, 2):
            ag.set_num_threads(count)
            assert threaded._parts(x.reshape(9, 5, -1)) == threaded._parts(x.reshape(9, 5, -1), True) == count
            layer = nn.BatchNorm2d(5).to(dtype)
            xt = ag.tensor(x, requires_grad=True)
            y = layer(xt)
            y.backward(ag.tensor(gy))
            layer.eval()
            results.append([y.numpy(), xt.grad.numpy(), layer.weight.grad.numpy(), layer.bias.grad.numpy(),
                            layer.running_mean.numpy(), layer.running_var.numpy(), layer(xt).numpy()])
    finally:
        ag.set_num_threads(before)
    for one, two in zip(*results):
        _same(two, one)


@pytest.mark.parametrize("kernel", ["stats", "normalize", "backward"])
def test_a_failing_part_raises_in_the_caller(split_into, monkeypatch, kernel):
    x, gy, mean, invstd, scale, shift = _operands((2, 4, 9), np.float32)
    sums, multiply = threaded.row_sums, np.multiply

    def helper_part(a):
        return not np.shares_memory(a, x[:, 0]) and not np.shares_memory(a, gy[:, 0])

    def failing_sums(xp, a, b=None):
        if helper_part(a):
            raise FloatingPointError("a later part failed")
        return sums(xp, a, b)

    def failing_multiply(a, b, out=None):
        if helper_part(a):
            raise FloatingPointError("a later part failed")
        return multiply(a, b, out=out)
    monkeypatch.setattr(threaded, "row_sums", failing_sums)
    monkeypatch.setattr(threaded.np, "multiply", failing_multiply)
    calls = {"stats": lambda: threaded.stats(x), "normalize": lambda: threaded.normalize(x, mean, scale, shift),
             "backward": lambda: threaded.backward(gy, x, mean, scale, invstd, True, True)}
    with pytest.raises(FloatingPointError, match="a later part failed"):
        calls[kernel]()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blocks_of_one_row_sum_as_the_whole_array(monkeypatch, dtype):
    """Blocks of one sample and one channel (long rows) give the sums of the unblocked passes."""
    monkeypatch.setattr(threaded, "BLOCK_ELEMENTS", 20000)
    x, gy, mean, invstd, scale, _ = _operands((2, 3, 16113), dtype, seed=4)
    for got, want in zip(threaded.stats(x), passes.stats(np, x)):
        _same(got, want)
    for got, want in zip(threaded.backward(gy, x, mean, scale, invstd, True, True),
                         passes.backward(np, gy, x, mean, scale, invstd, True, True)):
        _same(got, want)
