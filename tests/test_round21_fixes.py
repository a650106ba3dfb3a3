"""Regressions for the differences from PyTorch that round 21 found while writing its programs
(tests/test_pytorch_programs_round21.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch, skip_unless_pytorch_draws_generically


@pytest.mark.parametrize("shape, name", [((2, 3, 2, 2), "dropout2d"), ((2, 3, 4), "dropout1d"), ((3, 4), "dropout1d"),
                                         ((1, 2, 2, 2, 2), "dropout3d"), ((2, 2, 2, 2), "dropout3d")])
def test_channel_dropout_inplace_writes_into_its_input(shape, name):
    """F.dropout2d(y, p, inplace=True) (and 1d / 3d, batched or not; and the modules with inplace=True) zero whole
    channels of y itself, as PyTorch does; deepgrad returned a new tensor and left y unchanged."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    import nn
    results = []
    for lib, F, mod in ((torch, torch.nn.functional, torch.nn), (ag, nn.functional, nn)):
        lib.manual_seed(4)
        y = lib.randn(*shape, dtype=lib.float64)
        out = getattr(F, name)(y, p=0.5, training=True, inplace=True)
        assert out is y
        layer = getattr(mod, name.capitalize())(0.5, inplace=True)
        z = lib.randn(*shape, dtype=lib.float64)
        assert layer(z) is z
        results.append((y.numpy().copy(), z.numpy().copy()))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)
