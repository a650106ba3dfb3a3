"""ag.jit with index tensors computed inside the step: every index op reads the index of the step being
replayed, never the one seen at capture (a baked index would replay silently wrong numbers)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def _index(keys, n):
    """An index tensor that changes with the data: the keys' ranks modulo n."""
    return ag.argsort(keys, dim=-1) % n


def _set(x, i):
    y = x.clone()
    y[:, i] = 5.0
    return y


OPS = {
    "gather": lambda x, k: ag.gather(x, 1, _index(k, 4)),
    "take_along_dim": lambda x, k: ag.take_along_dim(x, _index(k, 4), 1),
    "scatter": lambda x, k: ag.scatter(ag.zeros_like(x), 1, _index(k, 4), x),
    "scatter_value": lambda x, k: x.scatter(1, _index(k, 4)[:, :2], 2.0),
    "scatter_add": lambda x, k: ag.scatter_add(ag.zeros_like(x), 1, _index(k, 4), x),
    "index_select": lambda x, k: ag.index_select(x, 1, _index(k, 4)[0]),
    "index_add": lambda x, k: ag.zeros_like(x).index_add(1, _index(k, 4)[0], x),
    "index_copy": lambda x, k: ag.zeros_like(x).index_copy(1, _index(k, 4)[0], x),
    "index_fill": lambda x, k: x.index_fill(1, _index(k, 4)[0][:2], 0.0),
    "getitem": lambda x, k: x[:, _index(k, 4)[0]],
    "setitem": lambda x, k: _set(x, _index(k, 4)[0]),
    "cumsum_gather": lambda x, k: ag.gather(x, 1, (k > 0).long().cumsum(1) % 4),
    "embedding": lambda x, k: F.embedding(_index(k, 4), x.T),
    "cross_entropy": lambda x, k: F.cross_entropy(x, _index(k, 4)[:, 0], reduction="none"),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_replays_read_each_steps_index(device, name):
    op = OPS[name]
    step = ag.jit(op)
    rng = np.random.default_rng(0)
    for _ in range(5):   # eager, capture, then replays on new data
        x = ag.tensor(rng.standard_normal((3, 4)).astype(np.float32), device=device)
        k = ag.tensor(rng.standard_normal((3, 4)).astype(np.float32), device=device)
        np.testing.assert_array_equal(step(x, k).numpy(), op(x, k).numpy())


def test_remainder_operator_and_its_zero_check():
    x = ag.tensor([5, -3, 7])
    np.testing.assert_array_equal((x % 3).numpy(), [2, 0, 1])
    np.testing.assert_array_equal((7 % ag.tensor([2.0, -3.0])).numpy(), [1.0, -2.0])
    y = ag.tensor([7.5, -1.0])
    y %= 2
    y //= 1
    np.testing.assert_array_equal(y.numpy(), [1.0, 1.0])
    with pytest.raises(ZeroDivisionError, match="remainder: integer division by zero"):
        x % 0


@pytest.mark.parametrize("loss", ["sum", "mean", "sum_of_sum"])
def test_a_sum_straight_into_a_linear_layer_replays(device, loss):
    """A full sum's gradient (one number spread over the output) reaching a product or an axis sum:
    replays once handed those the bare number and failed."""
    import nn

    def build():
        ag.manual_seed(0)
        model = nn.Linear(4, 3).to(device)
        return model, nn.optim.SGD(model.parameters(), lr=0.1)

    def make(model, opt):
        def step(x):
            opt.zero_grad()
            out = model(x)
            value = {"sum": out.sum(), "mean": out.mean(), "sum_of_sum": out.sum(0).sum()}[loss]
            value.backward()
            opt.step()
            return value
        return step
    eager, compiled = make(*build()), ag.jit(make(*build()))
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = ag.tensor(rng.standard_normal((2, 4)).astype(np.float32), device=device)
        np.testing.assert_array_equal(compiled(x).numpy(), eager(x).numpy())
