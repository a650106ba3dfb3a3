"""ag.set_default_dtype(ag.bfloat16), as torch.set_default_dtype(torch.bfloat16): Python floats, the factories,
integer tensors met by a float, and module parameters become bfloat16, with PyTorch's values."""
import numpy as np
import pytest

import autograd as ag
import nn


@pytest.fixture
def bf16_default():
    torch = pytest.importorskip("torch")
    pytest.importorskip("ml_dtypes")
    ag.set_default_dtype(ag.bfloat16)
    torch.set_default_dtype(torch.bfloat16)
    yield torch
    ag.set_default_dtype(ag.float32)
    torch.set_default_dtype(torch.float32)


MADE = [
    ("tensor", lambda m: m.tensor([1.3, 2.7, 1e-3, -5.1])), ("zeros", lambda m: m.zeros(3)),
    ("full", lambda m: m.full((2,), 0.1)), ("arange", lambda m: m.arange(0.0, 2.0, 0.3)),
    ("linspace", lambda m: m.linspace(-1.3, 2.1, 33)), ("logspace", lambda m: m.logspace(0, 2, 5)),
    ("int / 2", lambda m: m.tensor([1, 2, 7]) / 2), ("exp of ints", lambda m: m.exp(m.tensor([1, 2]))),
    ("ones * 0.1", lambda m: m.ones(4) * 0.1), ("eye", lambda m: m.eye(3)),
]


@pytest.mark.parametrize("name, make", MADE, ids=[m[0] for m in MADE])
def test_tensors_made_under_a_bfloat16_default_are_pytorchs(bf16_default, name, make):
    torch = bf16_default
    ours, theirs = make(ag), make(torch)
    assert ours.dtype == ag.bfloat16 and theirs.dtype == torch.bfloat16
    np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())


def test_modules_get_bfloat16_parameters_and_train(bf16_default):
    torch = bf16_default
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    data, target = rng.standard_normal((8, 4)).astype(np.float32), rng.standard_normal((8, 3)).astype(np.float32)
    ours, theirs = nn.Linear(4, 3), torch.nn.Linear(4, 3)
    assert ours.weight.dtype == ag.bfloat16 and nn.BatchNorm1d(3).running_mean.dtype == ag.bfloat16
    with ag.no_grad():
        ours.weight.copy_(ag.tensor(w)), ours.bias.copy_(ag.tensor(b))
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w)), theirs.bias.copy_(torch.tensor(b))
    opt, opt_t = ag.optim.SGD(ours.parameters(), lr=0.05), torch.optim.SGD(theirs.parameters(), lr=0.05)
    # lists of Python floats become the default dtype (a NumPy float32 array would stay float32 in both)
    x, y, xt, yt = (lib.tensor(a.tolist()) for lib in (ag, torch) for a in (data, target))
    for _ in range(3):
        loss, loss_t = ((ours(x) - y) ** 2).mean(), ((theirs(xt) - yt) ** 2).mean()
        assert loss.dtype == ag.bfloat16
        assert abs(loss.float().item() - loss_t.float().item()) <= 2 ** -7 * abs(loss_t.float().item())
        opt.zero_grad(), opt_t.zero_grad()
        loss.backward(), loss_t.backward()
        assert ours.weight.grad.dtype == ag.bfloat16
        opt.step(), opt_t.step()
    np.testing.assert_allclose(ours.weight.float().detach().numpy(), theirs.weight.float().detach().numpy(),
                               rtol=2 ** -7, atol=2 ** -7)


def test_a_complex_number_has_no_bfloat16_default_as_in_pytorch(bf16_default):
    torch = bf16_default
    with pytest.raises(RuntimeError):
        torch.tensor([1 + 1j])
    with pytest.raises(RuntimeError, match="bfloat16"):
        ag.tensor([1 + 1j])
    assert ag.tensor([1 + 1j], dtype=ag.complex64).dtype == ag.complex64
