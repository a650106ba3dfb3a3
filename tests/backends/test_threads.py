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
