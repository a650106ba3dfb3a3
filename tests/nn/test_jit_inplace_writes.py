"""In-place writes outside the graph inside an ag.jit step (copy_, fill_, zero_ under no_grad) happen on every
replay, with each replay's values, as they do eagerly (a replay once kept the captured value of copy_'s source)."""
import numpy as np
import pytest

import autograd as ag
import nn


def _run(compiled, device):
    lin = nn.Linear(3, 2).to(device)
    with ag.no_grad():
        lin.weight.copy_(ag.tensor(np.arange(6.0).reshape(2, 3) / 10, device=device))
        lin.bias.zero_()
    count = ag.zeros((), device=device)
    last = ag.zeros(2, device=device)
    marks = ag.ones(3, device=device)
    opt = nn.optim.SGD(lin.parameters(), lr=0.1)
    x = ag.ones(4, 3, device=device)

    def step():
        opt.zero_grad()
        out = lin(x)
        loss = out.pow(2).mean()
        loss.backward()
        opt.step()
        with ag.no_grad():
            count.copy_(count + 1.0)
            last.copy_(out[0])                 # a value that changes from step to step
            marks.fill_(2.0)
            marks[0:1].zero_()
        return loss

    run = ag.jit(step) if compiled else step
    losses = [run().item() for _ in range(5)]
    return losses, count.item(), last.numpy().copy(), marks.numpy().copy()


@pytest.mark.parametrize("device", ["cpu", "numba"])
def test_writes_outside_the_graph_replay_as_eager(device):
    eager, replayed = _run(False, device), _run(True, device)
    assert replayed[1] == eager[1] == 5.0
    np.testing.assert_allclose(replayed[0], eager[0], rtol=1e-6)
    np.testing.assert_allclose(replayed[2], eager[2], rtol=1e-6)
    np.testing.assert_array_equal(replayed[3], [0.0, 2.0, 2.0])
