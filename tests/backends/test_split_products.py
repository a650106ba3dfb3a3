"""backends/split_products.py: stacks of products split over the worker threads on one BLAS thread
each, with the same results as NumPy's, and OpenBLAS's thread count restored afterwards."""
import numpy as np
import pytest

import autograd as ag
from backends import split_products, threads, workers


@pytest.fixture
def two_threads():
    before = ag.get_num_threads()
    ag.set_num_threads(2)
    yield
    ag.set_num_threads(before)


@pytest.mark.parametrize("stack,m,k,n", [(36, 64, 48, 80), (1, 5, 3, 2), (3, 1, 1, 1), (16, 7, 0, 4), (0, 3, 4, 5)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_numpy(two_threads, stack, m, k, n, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((stack, m, k)).astype(dtype)
    b = rng.standard_normal((stack, n, k)).astype(dtype).transpose(0, 2, 1)    # a strided operand too
    with split_products.one_blas_thread():
        got = split_products.matmul(a, b)
        into = split_products.matmul(a, b, out=np.full((stack, m, n), np.nan, dtype))
    expected = np.matmul(a, b)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)
    np.testing.assert_array_equal(into, got)


def test_large_stacks_are_split_over_the_workers(two_threads, monkeypatch):
    calls = []
    real_run = workers.run

    def run(task, total, count):
        calls.append((total, count))
        real_run(task, total, count)
    monkeypatch.setattr(workers, "run", run)
    monkeypatch.setattr(workers, "_measured", {})
    a, b = np.ones((36, 128, 128), np.float32), np.ones((36, 128, 256), np.float32)
    with split_products.one_blas_thread():
        for _ in range(2):     # a measured choice starts on every thread
            out = split_products.matmul(a, b)
    assert calls == [(36, 2), (36, 2)]
    assert (out == 128).all()
    calls.clear()
    split_products.matmul(a[:, :4, :4], b[:, :4, :4])      # a small stack stays on the calling thread
    assert calls == []


def test_one_blas_thread_holds_and_restores_the_count(two_threads):
    if threads.openblas_calls() is None:
        pytest.skip("no OpenBLAS to call")
    with split_products.one_blas_thread():
        assert threads.get_num_threads() == 1
        with split_products.one_blas_thread():
            assert threads.get_num_threads() == 1
        assert threads.get_num_threads() == 1
    assert threads.get_num_threads() == 2
    with pytest.raises(RuntimeError):
        with split_products.one_blas_thread():
            raise RuntimeError("inside")
    assert threads.get_num_threads() == 2


def test_stacks_that_do_not_broadcast_are_refused():
    with pytest.raises(ValueError, match=r"split_products.matmul: stacks of shapes \(2, 3, 4\) and \(3, 4, 5\) do not"):
        split_products.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 5)))
    with pytest.raises(ValueError, match="3 or more axes"):
        split_products.matmul(np.ones((3, 4)), np.ones((4, 5)))


@pytest.mark.parametrize("a_shape,b_shape", [((2, 6, 5), (9, 2, 5, 7)), ((1, 6, 5), (9, 1, 5, 7)),
                                              ((9, 2, 6, 5), (2, 5, 7)), ((9, 1, 6, 5), (1, 2, 5, 7)),
                                              ((6, 5), (9, 5, 7))])
def test_broadcast_operands_match_numpy(two_threads, monkeypatch, a_shape, b_shape):
    monkeypatch.setattr(split_products, "MIN_SPLIT_MACS", 1)       # split even these small stacks
    monkeypatch.setattr(workers, "_measured", {})
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    with split_products.one_blas_thread():
        for _ in range(3):
            got = split_products.matmul(a, b)
            np.testing.assert_allclose(got, np.matmul(a, b), rtol=1e-12, atol=1e-12)


def test_winograd_products_follow_the_device(monkeypatch):
    """On `numba` both Winograd schemes run their products on the workers; on `cpu` OpenBLAS's."""
    from backends.numba_backend import NUMBA_PASSES
    from backends.numpy_kernels import conv_winograd
    from backends.numpy_kernels.conv_passes import NUMPY_PASSES
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    routes = []
    from backends import thread_choice
    real_split, real_choice = split_products.matmul, thread_choice.matmul
    monkeypatch.setattr(split_products, "matmul", lambda *a, **k: routes.append("workers") or real_split(*a, **k))
    monkeypatch.setattr(thread_choice, "matmul",
                        lambda *a, **k: routes.append("openblas") or real_choice(*a, **k))
    results = {}
    for name, scheme, expected in (("f4 numba", NUMBA_PASSES.winograd4, "workers"),
                                   ("f2 numba", conv_winograd.minimal2(NUMBA_PASSES), "workers"),
                                   ("f2 cpu", conv_winograd.minimal2(NUMPY_PASSES), "openblas")):
        routes.clear()
        results[name] = conv_winograd.forward(x, w, (1, 1), scheme)
        assert routes and set(routes) == {expected}, name
    np.testing.assert_allclose(results["f4 numba"], results["f2 cpu"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(results["f2 numba"], results["f2 cpu"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stride,groups", [((1, 1), 1), ((2, 2), 1), ((1, 1), 2)])
def test_numba_1x1_convolutions_run_their_products_on_the_workers(two_threads, monkeypatch, stride, groups):
    """On `numba` a 1x1 convolution's per-sample products go through split_products (all three
    directions, PyTorch's results); the `cpu` device keeps NumPy's product."""
    torch = pytest.importorskip("torch")
    from backends.numba_backend import NUMBA_PASSES
    from backends.numpy_kernels import conv
    from backends.numpy_kernels.conv_passes import NUMPY_PASSES
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4, 7, 6))
    w = rng.standard_normal((6, 4 // groups, 1, 1))
    ho, wo = -(-7 // stride[0]), -(-6 // stride[1])
    gy = rng.standard_normal((5, 6, ho, wo))
    routes = []
    real = split_products.matmul
    monkeypatch.setattr(split_products, "matmul", lambda *a, **k: routes.append(1) or real(*a, **k))
    args = (stride, (0, 0), (1, 1), groups)
    got = (conv.conv2d(x, w, *args, NUMBA_PASSES), conv.conv2d_grad_input(gy, w, x.shape, *args, NUMBA_PASSES),
           conv.conv2d_grad_weight(gy, x, w.shape, *args, NUMBA_PASSES))
    assert len(routes) == 3
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, stride=stride, groups=groups)
    ty.backward(torch.tensor(gy))
    for ours, theirs in zip(got, (ty.detach(), tx.grad, tw.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-10)
    routes.clear()
    conv.conv2d(x, w, *args, NUMPY_PASSES)
    assert routes == []
