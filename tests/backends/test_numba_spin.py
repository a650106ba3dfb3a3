"""backends/numba_kernels/spin.py: the GIL-free poll the numba device's helper threads wait with."""
import threading
import time

import numpy as np
import pytest

pytest.importorskip("numba")

import backends.numba_backend  # noqa: E402,F401  (sets the cache folder, installs the poll)
from backends import workers  # noqa: E402
from backends.numba_kernels import spin  # noqa: E402

pytestmark = pytest.mark.skipif(not spin.AVAILABLE, reason="the poll is x86-64 only")


def test_the_numba_device_installs_the_poll():
    assert workers._spin is not None and workers._spin[0] is spin.wait_while
    assert 1e8 < workers._spin[1] < 1e11      # a time stamp counter between 0.1 and 100 GHz


def test_returns_at_once_when_the_word_differs():
    words = np.array([3, 0], np.int64)
    assert spin.wait_while(words, 0, 2, 10 ** 12) == 3


def test_gives_up_after_its_budget():
    words = np.zeros(1, np.int64)
    rate = spin.cycles_per_second()
    start = time.perf_counter()
    assert spin.wait_while(words, 0, 0, int(0.01 * rate)) == 0
    assert 0.005 < time.perf_counter() - start < 1.0


def test_sees_another_threads_write_without_the_gil():
    words = np.zeros(1, np.int64)
    rate = spin.cycles_per_second()
    result = []
    poller = threading.Thread(target=lambda: result.append(spin.wait_while(words, 0, 0, int(5 * rate))))
    poller.start()
    time.sleep(0.02)                 # the poll holds no GIL: this thread runs meanwhile
    words[0] = 7
    poller.join(timeout=5)
    assert result == [7]
