"""RNNCell, LSTMCell, GRUCell against torch: parameters, state_dicts both ways, forward and gradients."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import check_gradcheck, rand

CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("RNNCell", {"bias": False}), ("LSTMCell", {}),
         ("LSTMCell", {"bias": False}), ("GRUCell", {}), ("GRUCell", {"bias": False})]
IDS = [name + "-" + ",".join(f"{k}={v}" for k, v in kw.items()) for name, kw in CELLS]


def _pair(name, kwargs, device, dtype=np.float64):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, name)(3, 4, **kwargs).to(getattr(torch, np.dtype(dtype).name))
    ours = getattr(nn, name)(3, 4, **kwargs).to(device).to(dtype)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _run(cell, x, hx, lstm):
    out = cell(x, hx)
    return list(out) if lstm else [out]


@pytest.mark.parametrize("name,kwargs", CELLS, ids=IDS)
@pytest.mark.parametrize("batch", [5, None, 0])
@pytest.mark.parametrize("with_state", [True, False])
def test_cell_matches_torch(device, name, kwargs, batch, with_state):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(name, kwargs, device)
    lstm = name == "LSTMCell"
    lead = () if batch is None else (batch,)
    x = rand(lead + (3,), seed=1)
    states = [rand(lead + (4,), seed=2 + k) for k in range(2 if lstm else 1)] if with_state else []
    xs = ag.tensor(x, device=device, requires_grad=True)
    hs = [ag.tensor(s, device=device, requires_grad=True) for s in states]
    xt = torch.tensor(x, requires_grad=True)
    ht = [torch.tensor(s, requires_grad=True) for s in states]
    pack = (lambda hs: tuple(hs) if lstm else hs[0]) if with_state else (lambda hs: None)
    outs, outt = _run(ours, xs, pack(hs), lstm), _run(theirs, xt, pack(ht), lstm)
    cot = [rand(o.shape, seed=9 + k) for k, o in enumerate(outt)]
    for o, t in zip(outs, outt):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    sum((o * ag.tensor(c, device=device)).sum() for o, c in zip(outs, cot)).backward()
    sum((t * torch.tensor(c)).sum() for t, c in zip(outt, cot)).backward()
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for h, t in zip(hs, ht):
        np.testing.assert_allclose(h.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (key, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name,kwargs", CELLS, ids=IDS)
def test_parameters_and_state_dict_both_ways(name, kwargs):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, name)(3, 4, **kwargs)
    ours = getattr(nn, name)(3, 4, **kwargs)
    sd_t = theirs.state_dict()
    sd_o = ours.state_dict()
    assert list(sd_o) == list(sd_t)
    assert [tuple(v.shape) for v in sd_o.values()] == [tuple(v.shape) for v in sd_t.values()]
    assert all(v.dtype == np.float32 for v in sd_o.values())
    bound = 1 / np.sqrt(4)
    assert all(np.abs(v.numpy()).max() <= bound for v in sd_o.values())
    ours.load_state_dict(sd_t)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert repr(ours) == repr(theirs)


def test_float32_output_and_zero_state(device):
    cell = nn.LSTMCell(3, 4).to(device)
    h, c = cell(ag.tensor(rand((2, 3), np.float32), device=device))
    assert h.dtype == c.dtype == np.float32 and h.shape == c.shape == (2, 4)


def test_a_step_loop_trains(device):
    """The cell used as PyTorch examples use it: a Python loop over time steps, gradients through all steps."""
    cell = nn.GRUCell(3, 4).to(device)
    h = None
    for t in range(5):
        h = cell(ag.tensor(rand((2, 3), np.float32, seed=t), device=device), h)
    h.sum().backward()
    assert cell.weight_hh.grad is not None and np.isfinite(cell.weight_hh.grad.numpy()).all()


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_gradcheck(device, name):
    cell = getattr(nn, name)(2, 3).to(device).double()
    lstm = name == "LSTMCell"

    def fn(x, h):
        out = cell(x, (h, h * 0.5) if lstm else h)
        return out[0] + out[1] if lstm else out

    check_gradcheck(fn, [rand((2, 2), seed=1), rand((2, 3), seed=2)], device=device)


def test_errors(device):
    lstm = nn.LSTMCell(3, 4).to(device)
    x = ag.tensor(rand((2, 3)), device=device)
    with pytest.raises(ValueError, match=r"expected input \(B, 3\)"):
        lstm(ag.tensor(rand((2, 5)), device=device))
    with pytest.raises(TypeError, match=r"tuple \(h, c\)"):
        lstm(x, ag.tensor(rand((2, 4)), device=device))
    with pytest.raises(ValueError, match=r"h must have shape \(2, 4\)"):
        lstm(x, (ag.tensor(rand((3, 4)), device=device), ag.tensor(rand((3, 4)), device=device)))
    with pytest.raises(ValueError, match=r"hx must have shape \(4,\).*unbatched"):
        nn.GRUCell(3, 4)(ag.tensor(rand((3,))), ag.tensor(rand((1, 4))))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")
