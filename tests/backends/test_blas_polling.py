"""backends/blas_polling.py: the numba device shortens OpenBLAS's polling timeout once per process, keeps
a timeout the user set, leaves the cpu device's processes alone (listing the devices creates none), and products stay right afterwards.
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
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
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


def test_the_cpu_device_leaves_openblas_alone():
    got = _child("cpu")
    assert got["timeout"] == 0 and got["environ"] is None         # 0: OpenBLAS's own default


def test_listing_the_devices_leaves_openblas_alone():
    pytest.importorskip("numba")
    got = _child("cpu")
    assert "numba" in got["listed"]                               # listed, but not created
    assert got["timeout"] == 0 and got["environ"] is None
