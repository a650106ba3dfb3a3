"""0-d results of ops are 0-d arrays, never NumPy scalars: they take in-place ops, `+=`, item assignment and
out=, convert with np.asarray, and a trained BatchNorm's counter loads back into its own module."""
import numpy as np
import pytest

import autograd as ag
import nn


@pytest.mark.parametrize("make", [lambda d: ag.tensor(3.0, device=d) * 2, lambda d: ag.tensor(3, device=d) + 1,
                                  lambda d: ag.tensor([1.0, 2.0], device=d).sum(), lambda d: -ag.tensor(2.0, device=d)],
                         ids=["float mul", "int add", "sum", "neg"])
def test_zero_dim_op_results_change_in_place(device, make):
    t = make(device)
    before = t.item()
    t.add_(1)
    t += 1
    t.mul_(2)
    assert t.item() == (before + 2) * 2
    t[...] = 5
    t.fill_(6)
    assert t.item() == 6 and np.asarray(t).shape == () and t.shape == ()
    out = make(device)
    ag.add(ag.tensor(1, dtype=out.dtype, device=device), 2, out=out)
    assert out.item() == 3


def test_a_trained_batch_norm_state_loads_back_into_its_module(device):
    layer = nn.BatchNorm1d(3).to(device)
    layer(ag.randn(5, 3, device=device))
    state = {k: v.clone() for k, v in layer.state_dict().items()}
    layer(ag.randn(5, 3, device=device))
    layer.load_state_dict(state)
    assert layer.num_batches_tracked.item() == 1
    np.testing.assert_array_equal(layer.running_mean.numpy(), state["running_mean"].numpy())
