"""Test configuration: the device fixture every device-dependent test is parametrized with, and the
PyTorch oracle's enforcement.

By default tests run on every device that works here (`backends.available()`). Set
DEEPGRAD_TEST_DEVICES=cpu,numba (a comma list) to choose; DEEPGRAD_DEVICE=cuda runs them on that device.

PyTorch is optional: without it the oracle tests skip. DEEPGRAD_REQUIRE_ORACLE=1 (set by .ci/run) makes a
missing torch an error at session start, and any test skipped for want of torch a failure.
"""
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import backends  # noqa: E402


def _test_devices():
    chosen = os.environ.get("DEEPGRAD_TEST_DEVICES")
    if chosen:
        return [d.strip() for d in chosen.split(",") if d.strip()]
    names = backends.available()
    wanted = os.environ.get("DEEPGRAD_DEVICE")
    if wanted:
        full = backends.get_backend(wanted).name
        return [full] + [n for n in names if n != full and not n.startswith("cuda")]
    return names


DEVICES = _test_devices()

# A fixed BLAS thread count: products then never switch counts by measurement (backends/thread_choice.py),
# whose one- and two-thread results differ in the last bits, so bit-for-bit comparisons stay exact on a
# busy machine. The measured choice itself is tested on a fake machine (tests/backends/test_thread_choice.py).
from backends import threads as _threads  # noqa: E402


def _threads_per_worker():
    """BLAS (and PyTorch) threads for one test process: the cores shared out among pytest-xdist's workers. With
    as many workers as cores a second thread only spin-waits for a core another worker holds: PyTorch's side of
    forty program tests took 100-133 s on two threads against 15 s on one, on this two-core machine under load."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0") or 0)
    if workers < 1 or _threads.chosen_by_user():
        return _threads.get_num_threads()
    return max(1, (os.cpu_count() or 1) // workers)


THREADS = _threads_per_worker()
_threads.set_num_threads(THREADS)
REQUIRE_ORACLE = os.environ.get("DEEPGRAD_REQUIRE_ORACLE", "") not in ("", "0")
_MISSING_TORCH = re.compile(r"could not import 'torch'|No module named 'torch'|import of torch halted")


def pytest_sessionstart(session):
    if not REQUIRE_ORACLE:
        return
    try:
        import torch  # noqa: F401
    except ImportError as err:
        raise pytest.UsageError(f"DEEPGRAD_REQUIRE_ORACLE=1 but PyTorch, the tests' oracle, cannot be imported "
                                f"({err}); install it (pip install torch) or unset the variable") from None


def _skipped_for_torch(report):
    return report.skipped and _MISSING_TORCH.search(str(report.longrepr)) is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ORACLE and _skipped_for_torch(report):
        report.outcome = "failed"
        report.longrepr = f"skipped for a missing torch under DEEPGRAD_REQUIRE_ORACLE=1: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ORACLE and _skipped_for_torch(report):
        report.outcome = "failed"
        report.longrepr = f"module skipped for a missing torch under DEEPGRAD_REQUIRE_ORACLE=1: {report.longrepr}"


@pytest.fixture(params=DEVICES)
def device(request):
    """A device name ('cpu', 'numba', 'cuda:0', ...) that works on this machine."""
    return request.param


@pytest.fixture(autouse=True)
def _torch_threads():
    """PyTorch, once a test has loaded it, runs on THREADS threads as deepgrad's BLAS does (see _threads_per_worker)."""
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "get_num_threads") and torch.get_num_threads() != THREADS:
        torch.set_num_threads(THREADS)


@pytest.fixture(autouse=True)
def _default_dtypes_restored():
    """Each test starts from the default dtypes (float32) and without deterministic mode, in deepgrad and, when it
    is loaded, PyTorch: programs under test change both and may stop before they set them back."""
    import sys
    import autograd as ag
    yield
    ag.set_default_dtype(ag.float32)
    ag.use_deterministic_algorithms(False)
    if "torch" in sys.modules:
        sys.modules["torch"].set_default_dtype(sys.modules["torch"].float32)
        # a program under test may switch on PyTorch's deterministic mode (the DCGAN tutorial does) and leave it
        # on, which then refuses the non-deterministic kernels of the next program's PyTorch run
        sys.modules["torch"].use_deterministic_algorithms(False)


@pytest.fixture(autouse=True)
def _print_options_restored():
    """Each test starts from the default print options in deepgrad and PyTorch: programs under test call
    set_printoptions(precision=6) and leave it set, so a later test in the same worker printed six decimals."""
    import sys
    yield
    import autograd as ag
    ag.set_printoptions(profile="default")
    if "torch" in sys.modules:
        sys.modules["torch"].set_printoptions(profile="default")


@pytest.fixture(autouse=True)
def _default_device_restored():
    """Each test starts from the default device it would have alone: a program under test may call
    torch.set_default_device("cpu") and leave it set, and PyTorch then runs every later call in the worker through a
    device mode (warnings point into torch/utils/_device.py, the Transformer's fast path is off)."""
    import sys
    import autograd as ag
    ours = ag.get_default_device()
    yield
    ag.set_default_device(ours)
    if "torch" in sys.modules and hasattr(sys.modules["torch"], "set_default_device"):
        sys.modules["torch"].set_default_device(None)


@pytest.fixture(autouse=True)
def _distribution_checks_restored():
    """Each test starts with torch.distributions' (and deepgrad's) argument checks on, as a fresh process has them:
    PyTorch's dynamo (torch.cond, torch.compile) switches them off for the whole process, and a program may switch
    them off itself, so the tests after it in the same worker would see other exceptions."""
    import sys
    yield
    import autograd as ag
    ag.distributions.Distribution.set_default_validate_args(True)
    if "torch" in sys.modules and hasattr(sys.modules["torch"], "distributions"):
        sys.modules["torch"].distributions.Distribution.set_default_validate_args(True)


@pytest.fixture(autouse=True)
def _seed():
    """Each test starts from the same random state: NumPy's, deepgrad's, and Python's `random` with Keras's
    global SeedGenerator (nn.keras takes its layers' default seeds from them, as Keras does), so that no
    test's numbers depend on which tests ran before it."""
    import random
    import sys
    import numpy as np
    import autograd as ag
    np.random.seed(0)
    ag.manual_seed(0)
    random.seed(0)
    if "nn.keras.random" in sys.modules:
        sys.modules["nn.keras.random"].reset_global_seed_generator()
