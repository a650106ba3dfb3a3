"""`from_numpy` under a non-default CPU device: a ported PyTorch program's batches must meet its model."""
import numpy as np

import autograd as ag
import nn


def test_from_numpy_lands_on_the_default_host_device(device, monkeypatch):
    previous = ag.get_default_device()
    monkeypatch.setenv("DEEPGRAD_DEVICE", previous.name)
    ag.set_default_device(device)
    try:
        a = np.ones((4, 3), dtype=np.float32)
        x = ag.from_numpy(a)
        model = nn.Linear(3, 2)
        expected = device if ag.device(device).host_memory else "cpu"
        assert x.device == ag.device(expected)
        a[0, 0] = 5.0                               # still shares the array's memory
        assert x[0, 0].item() == 5.0
        if ag.device(device).host_memory:
            assert model(x).shape == (4, 2)         # was a DeviceError under DEEPGRAD_DEVICE=numba
    finally:
        ag.set_default_device(previous.name)
