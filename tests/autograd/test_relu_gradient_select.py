"""relu's gradient is a select, as PyTorch's threshold_backward: where the input is <= 0 the gradient is 0 even when
the incoming gradient is inf or NaN (a float16 overflow behind a dead unit must not turn into NaN weights), on every
host device, eagerly and in an ag.jit replay."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

X = np.array([-1.0, 2.0, 0.0, 3.0, -0.5], np.float32)
INCOMING = np.array([np.inf, np.nan, -np.inf, -2.0, -3.0], np.float32)


def _ours(device, fn):
    x = ag.tensor(X, device=device, requires_grad=True)
    fn(x).backward(ag.tensor(INCOMING, device=device))
    return x.grad.numpy()


@pytest.mark.parametrize("fn", [ag.relu, F.relu, lambda x: x.relu()], ids=["ag.relu", "F.relu", "method"])
def test_relu_gradient_stops_inf_and_nan_at_dead_units_as_pytorch(device, fn):
    torch = pytest.importorskip("torch")
    x = torch.tensor(X, requires_grad=True)
    torch.relu(x).backward(torch.tensor(INCOMING))
    mine = _ours(device, fn)
    np.testing.assert_array_equal(mine, x.grad.numpy())
    assert not np.signbit(mine[[0, 2, 4]]).any()   # +0 where the unit is dead, as PyTorch (not -0 = -3 * 0)


def test_a_jit_replay_gives_the_same_select(device):
    if not ag.device(device).host_memory:
        pytest.skip("the replay check runs on the host devices")
    weights = ag.tensor(INCOMING, device=device)

    def step(x):
        x = x.detach().requires_grad_()
        (ag.relu(x) * weights).sum().backward()
        return x.grad.clone()

    compiled = ag.jit(step)
    results = [compiled(ag.tensor(X * (k + 1), device=device)).numpy() for k in range(4)]
    assert compiled.replays == 2
    expected = np.where(X > 0, INCOMING, 0.0).astype(np.float32)
    for got in results:
        np.testing.assert_array_equal(got, expected)

