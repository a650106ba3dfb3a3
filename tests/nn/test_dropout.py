"""Dropout: statistics of the mask, inverted scaling, gradient through the same mask, eval identity."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics(device, p):
    x = ag.ones((400, 500), device=device)
    y = F.dropout(x, p, training=True).numpy()
    zero_fraction = (y == 0).mean()
    assert abs(zero_fraction - p) < 0.01                        # 200k draws: std of the fraction < 0.0012
    np.testing.assert_allclose(y[y != 0], 1 / (1 - p), rtol=1e-6)  # survivors scaled by 1 / (1 - p)
    assert abs(y.mean() - 1.0) < 0.03                           # the mean is preserved


def test_dropout_gradient_uses_the_same_mask(device):
    x = ag.tensor(np.random.default_rng(0).uniform(1, 2, (50, 40)), device=device, requires_grad=True)
    y = F.dropout(x, 0.3)
    g = np.random.default_rng(1).standard_normal((50, 40))
    (y * ag.tensor(g, device=device)).sum().backward()
    mask = y.numpy() / x.numpy()   # x > 0, so the mask is recovered exactly
    assert set(np.unique(np.round(mask, 12))) == {0.0, round(1 / 0.7, 12)}
    np.testing.assert_allclose(x.grad.numpy(), g * mask, rtol=1e-12)


def test_dropout_eval_and_edge_probabilities(device):
    x = ag.tensor(np.arange(12.0).reshape(3, 4), device=device, requires_grad=True)
    layer = nn.Dropout(0.5).to(device)
    layer.eval()
    assert layer(x) is x
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.9, training=False) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros((3, 4)))
    layer.train()
    assert (layer(ag.ones((100, 100), device=device)).numpy() == 0).any()
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="probability"):
        F.dropout(x, -0.1)


def test_dropout_is_seeded_by_manual_seed(device):
    x = ag.ones((20, 30), device=device)
    ag.manual_seed(123)
    a = F.dropout(x, 0.5).numpy()
    ag.manual_seed(123)
    b = F.dropout(x, 0.5).numpy()
    np.testing.assert_array_equal(a, b)
    assert F.dropout(x, 0.5).numpy().tolist() != a.tolist()


def test_dropout_keeps_float32(device):
    x = ag.ones((10, 10), dtype=ag.float32, device=device)
    assert F.dropout(x, 0.5).dtype == np.float32
