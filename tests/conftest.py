"""Test configuration: the device fixture every device-dependent test is parametrized with.

By default tests run on every device that works here (`backends.available()`). Set
DEEPGRAD_TEST_DEVICES=cpu,numba (a comma list) to choose; DEEPGRAD_DEVICE=cuda runs them on that device.
"""
import os
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


@pytest.fixture(params=DEVICES)
def device(request):
    """A device name ('cpu', 'numba', 'cuda:0', ...) that works on this machine."""
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    import numpy as np
    import autograd as ag
    np.random.seed(0)
    ag.manual_seed(0)
