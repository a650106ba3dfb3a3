"""F.relu / leaky_relu / elu / silu / dropout take PyTorch's inplace=: the result is written into the
input, which is returned, and gradients flow as through the out-of-place form."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

CASES = {
    "relu": {},
    "leaky_relu": {"negative_slope": 0.2},
    "elu": {"alpha": 0.7},
    "silu": {},
}


@pytest.mark.parametrize("name", CASES)
def test_inplace_matches_pytorch_values_and_gradients(name):
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).standard_normal((3, 4))
    xt = torch.tensor(values, requires_grad=True)
    x = ag.tensor(values, requires_grad=True)
    ht, h = xt * 2, x * 2                      # a non-leaf, as in a model
    out_t = getattr(torch.nn.functional, name)(ht, inplace=True, **CASES[name])
    out = getattr(F, name)(h, inplace=True, **CASES[name])
    assert out is h
    np.testing.assert_allclose(h.detach().numpy(), ht.detach().numpy(), rtol=1e-12)
    (out_t * torch.arange(12.0, dtype=torch.float64).reshape(3, 4)).sum().backward()
    (out * ag.arange(12.0).reshape(3, 4)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_inplace_on_a_leaf_that_needs_grad_is_refused_as_in_pytorch():
    x = ag.randn(3, requires_grad=True)
    with pytest.raises(Exception, match="relu_|in-place|leaf"):
        F.relu(x, inplace=True)


def test_inplace_dropout_writes_into_its_input():
    ag.manual_seed(0)
    x = ag.ones(1000)
    out = F.dropout(x, 0.5, training=True, inplace=True)
    assert out is x
    kept = x.numpy() != 0
    assert 300 < kept.sum() < 700 and np.all(x.numpy()[kept] == 2.0)
    y = ag.ones(5)
    assert F.dropout(y, 0.5, training=False, inplace=True) is y
