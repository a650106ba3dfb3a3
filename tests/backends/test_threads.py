"""ag.set_num_threads / ag.get_num_threads (BLAS threads) and the short-lived limit for small products."""
import numpy as np
import pytest

import autograd as ag
from backends import threads


@pytest.fixture
def restore_threads():
    before = ag.get_num_threads()
    yield
    ag.set_num_threads(before)


def test_set_then_get_round_trips(restore_threads):
    ag.set_num_threads(1)
    assert ag.get_num_threads() == 1
    a = np.ones((64, 64))
    np.testing.assert_allclose(a @ a, 64.0)   # products still run


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError, match="set_num_threads: the thread count must be a positive integer"):
        ag.set_num_threads(bad)


def test_limited_lowers_and_restores(restore_threads):
    if threads._openblas() is None:
        pytest.skip("no OpenBLAS entry point found in this process")
    ag.set_num_threads(2)
    with threads.limited(1):
        assert ag.get_num_threads() == 1
    assert ag.get_num_threads() == 2


def test_one_thread_runs_the_call_on_one_thread_and_restores(restore_threads):
    if threads._openblas() is None:
        pytest.skip("no OpenBLAS entry point found in this process")
    ag.set_num_threads(2)
    assert threads.one_thread(ag.get_num_threads) == 1
    assert ag.get_num_threads() == 2
    with pytest.raises(ZeroDivisionError):
        threads.one_thread(lambda: 1 / 0)
    assert ag.get_num_threads() == 2


def test_small_products_run_single_threaded(restore_threads, monkeypatch):
    """MatMul and Linear send products inside SMALL_PRODUCT_MACS through one_thread, forward and backward."""
    from autograd.ops import linalg
    from backends import thread_choice
    calls = []
    monkeypatch.setattr(thread_choice, "one_thread", lambda fn, *args: calls.append(args) or fn(*args))
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((64, 256)).astype(np.float32), requires_grad=True)   # 2^21 multiply-adds
    w = ag.tensor(rng.standard_normal((128, 256)).astype(np.float32), requires_grad=True)
    (x @ w.T).sum().backward()
    assert len(calls) == 3
    calls.clear()
    b = ag.tensor(np.zeros(128, np.float32), requires_grad=True)
    linalg.Linear.apply(x, w, b).sum().backward()
    assert len(calls) == 3
    big = ag.tensor(np.ones((256, 256), np.float32))
    calls.clear()
    big @ big                                  # 2^24 multiply-adds: BLAS keeps its threads
    ag.tensor(np.ones((8, 8))) @ ag.tensor(np.ones((8, 8)))   # tiny: OpenBLAS is single-threaded anyway
    assert calls == []


def test_products_from_2_to_the_18_with_a_transposed_operand_run_single_threaded(restore_threads, monkeypatch):
    """A Linear of 48x64 -> 192 (2^19.2 multiply-adds, x @ weight.T) runs its forward through one_thread: OpenBLAS
    threads such a product itself above 2^18, and its two threads spin-waited under load (stop 53)."""
    from backends import thread_choice
    calls = []
    monkeypatch.setattr(thread_choice, "one_thread", lambda fn, *args: calls.append(args) or fn(*args))
    x = ag.tensor(np.ones((48, 64), np.float32))
    w = ag.tensor(np.ones((192, 64), np.float32))
    y = nn_linear(x, w)
    assert len(calls) == 1 and calls[0][1].shape == (64, 192) and not calls[0][1].flags.c_contiguous
    assert np.array_equal(np.asarray(y), np.full((48, 192), 64, np.float32))
    calls.clear()
    ag.tensor(np.ones((32, 64), np.float32)) @ ag.tensor(np.ones((64, 64), np.float32))   # 2^17: OpenBLAS runs one thread
    assert calls == []


def nn_linear(x, w):
    """nn.functional.linear, imported here so this file keeps to autograd for the rest."""
    from nn.functional import linear
    return linear(x, w)


def test_a_count_set_before_the_numba_device_loads_reaches_its_kernels():
    """ag.set_num_threads(1) before Numba is imported still limits the numba device's kernels (in a fresh
    process, where Numba is not loaded yet)."""
    import subprocess
    import sys
    script = ("import sys, autograd as ag\n"
              "ag.set_num_threads(1)\n"
              "loaded = 'numba' in sys.modules\n"
              "ag.randn(3, device='numba')\n"
              "import numba\n"
              "print(loaded, numba.get_num_threads())\n")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("NUMBA_NUM_THREADS",)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "1"
