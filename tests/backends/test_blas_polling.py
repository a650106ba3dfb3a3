"""backends/blas_polling.py: the cpu device shortens OpenBLAS's polling timeout to 2^20 cycles and the numba
device to 2^16 (shorter only, never longer), a timeout the user set is kept, a value deepgrad set in a parent
process can still be shortened, listing the devices creates none, and products stay right afterwards.
Each case runs in a fresh process: OpenBLAS reads its environment when it loads."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from backends import blas_polling

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = textwrap.dedent("""
    import json, os
    import numpy as np
    import autograd as ag
    import backends
    from backends import blas_polling, threads
    listed = backends.available() + [ag.cuda.is_available()]   # listing devices creates none of them
    a = np.random.default_rng(0).standard_normal((300, 200)).astype(np.float32)
    a @ a.T                                   # OpenBLAS's threads started before the device
    x = ag.ones(3)                            # creates the default device
    product = a @ a.T                         # threads started again, after the change
    exact = a.astype(np.float64) @ a.T.astype(np.float64)
    print(json.dumps({"timeout": blas_polling.current_timeout(),
                      "environ": os.environ.get("OPENBLAS_THREAD_TIMEOUT"),
                      "again": blas_polling.shorten_polling(),
                      "threads": threads.get_num_threads(),
                      "listed": listed,
                      "error": float(np.abs(product - exact).max())}))
""")


def _child(device, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_THREAD_TIMEOUT", blas_polling.MARK)}
    environ.update(env, DEEPGRAD_DEVICE=device, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", CHILD], env=environ, cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", autouse=True)
def openblas():
    if blas_polling.current_timeout() is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS with these entry points")


def test_the_numba_device_shortens_the_timeout_once():
    pytest.importorskip("numba")
    got = _child("numba")
    assert got["timeout"] == blas_polling.TIMEOUT_LOG2
    assert got["environ"] == str(blas_polling.TIMEOUT_LOG2)      # child processes inherit it
    assert got["again"] is False
    assert got["error"] < 1e-3                                   # products right after the restart
    assert got["threads"] >= 1


def test_a_timeout_the_user_set_is_kept():
    pytest.importorskip("numba")
    got = _child("numba", OPENBLAS_THREAD_TIMEOUT="22")
    assert got["timeout"] == 22 and got["environ"] == "22"


def test_the_cpu_device_sets_its_longer_timeout():
    got = _child("cpu")
    assert got["timeout"] == blas_polling.CPU_TIMEOUT_LOG2 and got["environ"] == str(blas_polling.CPU_TIMEOUT_LOG2)
    assert got["again"] is True                                   # numba's shorter one may follow
    assert got["error"] < 1e-3


def test_listing_the_devices_creates_none():
    pytest.importorskip("numba")
    got = _child("cpu")
    assert "numba" in got["listed"]                               # listed, but not created: cpu's timeout stays
    assert got["timeout"] == blas_polling.CPU_TIMEOUT_LOG2


def test_a_timeout_deepgrad_set_in_a_parent_is_shortened_by_numba_in_the_child():
    pytest.importorskip("numba")
    got = _child("numba", OPENBLAS_THREAD_TIMEOUT="20", **{blas_polling.MARK: "20"})
    assert got["timeout"] == blas_polling.TIMEOUT_LOG2


def test_a_timeout_the_user_set_is_kept_by_the_cpu_device():
    got = _child("cpu", OPENBLAS_THREAD_TIMEOUT="24")
    assert got["timeout"] == 24 and got["environ"] == "24"


def test_a_longer_timeout_never_replaces_a_shorter_one(monkeypatch):
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "16")
    monkeypatch.setenv(blas_polling.MARK, "16")
    assert blas_polling.shorten_polling(blas_polling.CPU_TIMEOUT_LOG2) is False
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "16"
