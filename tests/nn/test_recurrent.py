"""RNN, LSTM and GRU against PyTorch in every configuration; fused cells and recurrence by gradcheck."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_gradcheck, rand, torch


T, B, I, H = 4, 3, 5, 4
KINDS = {
    "rnn_tanh": (lambda m, **kw: m.RNN(I, H, nonlinearity="tanh", **kw)),
    "rnn_relu": (lambda m, **kw: m.RNN(I, H, nonlinearity="relu", **kw)),
    "lstm": (lambda m, **kw: m.LSTM(I, H, **kw)),
    "gru": (lambda m, **kw: m.GRU(I, H, **kw)),
}
CONFIGS = list(itertools.product([1, 2], [False, True], [False, True], [False, True]))


def _pair(kind, dtype=np.float64, **kwargs):
    """(ours, theirs): the same layer in deepgrad and PyTorch (float64), ours loaded from torch's state_dict."""
    torch.manual_seed(0)
    theirs = KINDS[kind](torch.nn, **kwargs).double()
    ours = KINDS[kind](nn, **kwargs).to(dtype)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _initial_state(kind, shape, dtype):
    if kind == "lstm":
        return rand(shape, dtype, seed=21), rand(shape, dtype, seed=22)
    return (rand(shape, dtype, seed=21),)


def _run_and_compare(ours, theirs, kind, x, hx, device, tol, theirs_fn=None, their_params=None):
    """Forward both, backward the same random cotangents, compare outputs, states and every gradient.

    theirs_fn / their_params replace theirs(x, hx) and theirs.named_parameters() when given.
    """
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    ho = [ag.tensor(h, device=device, requires_grad=True) for h in hx] if hx else None
    ht = [torch.tensor(h.astype(np.float64), requires_grad=True) for h in hx] if hx else None
    arg_o = None if ho is None else (tuple(ho) if kind == "lstm" else ho[0])
    arg_t = None if ht is None else (tuple(ht) if kind == "lstm" else ht[0])
    out_o, state_o = ours(xo, arg_o)
    out_t, state_t = (theirs_fn or theirs)(xt, arg_t)
    outs_o = [out_o] + (list(state_o) if kind == "lstm" else [state_o])
    outs_t = [out_t] + (list(state_t) if kind == "lstm" else [state_t])
    total_o, total_t = 0, 0
    for k, (a, b) in enumerate(zip(outs_o, outs_t)):
        assert a.shape == tuple(b.shape), f"output {k}: shape {a.shape} != torch {tuple(b.shape)}"
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=tol, atol=tol, err_msg=f"output {k}")
        cot = rand(a.shape, seed=30 + k)
        total_o = total_o + (a * ag.tensor(cot.astype(a.dtype), device=device)).sum()
        total_t = total_t + (b * torch.tensor(cot)).sum()
    total_o.backward()
    total_t.backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol, err_msg="input gradient")
    for k, (a, b) in enumerate(zip(ho or [], ht or [])):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol, err_msg=f"hx[{k}] gradient")
    grads = their_params or dict(theirs.named_parameters())
    assert sorted(grads) == sorted(name for name, _ in ours.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("num_layers,bidirectional,batch_first,with_state", CONFIGS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_recurrent_layers_match_torch(device, kind, num_layers, bidirectional, batch_first, with_state):
    ours, theirs = _pair(kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)
    ours.to(device)
    x = rand((B, T, I) if batch_first else (T, B, I), seed=1)
    hx = _initial_state(kind, (num_layers * (2 if bidirectional else 1), B, H), np.float64) if with_state else None
    _run_and_compare(ours, theirs, kind, x, hx, device, 1e-10)


@pytest.mark.parametrize("kind", list(KINDS))
def test_recurrent_layers_float32(device, kind):
    ours, theirs = _pair(kind, np.float32, num_layers=2, bidirectional=True)
    ours.to(device)
    hx = _initial_state(kind, (4, B, H), np.float32)
    _run_and_compare(ours, theirs, kind, rand((T, B, I), np.float32, seed=1), hx, device, 2e-5)


@pytest.mark.parametrize("kind", list(KINDS))
def test_recurrent_layers_unbatched_input(device, kind):
    ours, theirs = _pair(kind, num_layers=2, bidirectional=True)
    ours.to(device)
    _run_and_compare(ours, theirs, kind, rand((T, I), seed=1), _initial_state(kind, (4, H), np.float64), device,
                     1e-10)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh"])
def test_dropout_applies_between_layers_only(device, kind, monkeypatch):
    """With a fixed dropout mask, a 3-layer stack equals three 1-layer torch layers with the mask after the
    first two; eval mode applies no dropout at all."""
    p = 0.4
    ours, theirs = _pair(kind, num_layers=3, bidirectional=True, dropout=p)
    ours.to(device)
    masks, calls = [], []

    def fixed_dropout(x, prob, training=True):
        calls.append((x.shape, prob, training))
        keep = np.random.default_rng(len(calls)).uniform(size=x.shape) >= prob
        masks.append(keep / (1 - prob))
        return x * ag.tensor(masks[-1], device=x.device)

    monkeypatch.setattr(F, "dropout", fixed_dropout)
    layers = []
    for k in range(3):   # theirs split into single layers, to put the masks between them
        single = KINDS[kind](torch.nn, bidirectional=True).double()
        if k:
            single = type(single)(2 * H, H, bidirectional=True, **({"nonlinearity": single.nonlinearity}
                                                                     if kind.startswith("rnn") else {})).double()
        single.load_state_dict({name.replace(f"_l{k}", "_l0"): v for name, v in theirs.state_dict().items()
                                if f"_l{k}" in name})
        layers.append(single)

    def stacked(x, hx):
        states = []
        hx = hx if kind == "lstm" or hx is None else (hx,)
        for k, layer in enumerate(layers):
            h_k = None if hx is None else tuple(h[2 * k:2 * k + 2] for h in hx)
            x, s = layer(x, h_k if kind == "lstm" or h_k is None else h_k[0])
            states.append(s)
            if k < 2:
                x = x * torch.tensor(masks[k])
        if kind == "lstm":
            return x, tuple(torch.cat([s[j] for s in states]) for j in range(2))
        return x, torch.cat(states)

    hx = _initial_state(kind, (6, B, H), np.float64)
    their_params = {name.replace("_l0", f"_l{k}"): prm for k, layer in enumerate(layers)
                    for name, prm in layer.named_parameters()}
    _run_and_compare(ours, theirs, kind, rand((T, B, I), seed=1), hx, device, 1e-10, theirs_fn=stacked,
                     their_params=their_params)
    assert calls == [((T, B, 2 * H), p, True)] * 2   # after layers 0 and 1, not after the input or the last layer
    ours.eval(), theirs.eval()
    for prm in list(ours.parameters()) + list(theirs.parameters()):
        prm.grad = None
    _run_and_compare(ours, theirs, kind, rand((T, B, I), seed=2), None, device, 1e-10)
    assert len(calls) == 2


def test_real_dropout_between_layers_changes_training_output_only(device):
    ours, _ = _pair("lstm", num_layers=2, dropout=0.5)
    ours.to(device)
    x = ag.tensor(rand((T, B, I), seed=1), device=device)
    ag.manual_seed(5)
    a = ours(x)[0].numpy()
    ag.manual_seed(5)
    np.testing.assert_array_equal(ours(x)[0].numpy(), a)   # seeded masks repeat
    ours.eval()
    b = ours(x)[0].numpy()
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(ours(x)[0].numpy(), b)


@pytest.mark.parametrize("kind", list(KINDS))
def test_parameter_names_shapes_and_init(kind):
    kw = dict(num_layers=2, bidirectional=True)
    torch.manual_seed(0)
    theirs = KINDS[kind](torch.nn, **kw)
    ours = KINDS[kind](nn, **kw)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    values = np.concatenate([p.numpy().ravel() for p in ours.parameters()])
    bound = 1 / np.sqrt(H)
    assert values.min() >= -bound and values.max() <= bound and values.std() > 0.4 * bound
    no_bias = KINDS[kind](nn, bias=False)
    assert [n for n, _ in no_bias.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]


def test_recurrent_errors(device):
    lstm = nn.LSTM(I, H, num_layers=2).to(device)
    with pytest.raises(ValueError, match=r"LSTM\(5, 4, num_layers=2\).*\(T, B, 5\).*Size\(\[4, 3, 7\]\)"):
        lstm(ag.zeros((T, B, 7), device=device))
    with pytest.raises(ValueError, match=r"h_0 must have shape \(2, 3, 4\)"):
        lstm(ag.zeros((T, B, I), device=device), (ag.zeros((1, B, H), device=device), ag.zeros((2, B, H),
                                                                                            device=device)))
    with pytest.raises(ValueError, match="tuple"):
        lstm(ag.zeros((T, B, I), device=device), ag.zeros((2, B, H), device=device))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(I, H, nonlinearity="sigmoid")


# ----- functional cells and the recurrence op ----------------------------------------------------

def test_cells_gradcheck(device):
    gx4, gx3, gx1 = rand((2, 12), seed=1), rand((2, 9), seed=2), rand((2, 3), seed=3)
    h, c = rand((2, 3), seed=4), rand((2, 3), seed=5)
    w4, w3, w1 = rand((12, 3), seed=6), rand((9, 3), seed=7), rand((3, 3), seed=8)
    b4, b3, b1 = rand((12,), seed=9), rand((9,), seed=10), rand((3,), seed=11)
    check_gradcheck(F.lstm_cell, [gx4, h, c, w4, b4], device=device)
    check_gradcheck(lambda g, h, c, w: F.lstm_cell(g, h, c, w)[1], [gx4, h, c, w4], device=device)
    check_gradcheck(F.gru_cell, [gx3, h, w3, b3], device=device)
    check_gradcheck(F.rnn_tanh_cell, [gx1, h, w1, b1], device=device)
    check_gradcheck(F.rnn_relu_cell, [gx1 + 0.5, h, w1, b1], device=device)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
@pytest.mark.parametrize("reverse", [False, True])
def test_recurrence_gradcheck(device, mode, reverse):
    width = {"lstm": 4, "gru": 3, "rnn_tanh": 1}[mode]
    x, h0, c0 = rand((3, 2, 2), seed=1), rand((2, 2), seed=2), rand((2, 2), seed=3)
    w_ih, w_hh = rand((2 * width, 2), seed=4), rand((2 * width, 2), seed=5)
    b_ih, b_hh = rand((2 * width,), seed=6), rand((2 * width,), seed=7)
    check_gradcheck(lambda *a: F.recurrence(mode, *a, reverse=reverse), [x, h0, c0, w_ih, w_hh, b_ih, b_hh],
                    device=device)


def test_cells_match_one_step_of_torch_cells(device):
    """A cell step equals torch.nn.LSTMCell / GRUCell / RNNCell with gates_x = x @ w_ih.T + b_ih."""
    x, h, c = rand((B, I), seed=1), rand((B, H), seed=2), rand((B, H), seed=3)
    for cell, ours in ((torch.nn.LSTMCell(I, H), F.lstm_cell), (torch.nn.GRUCell(I, H), F.gru_cell),
                       (torch.nn.RNNCell(I, H, nonlinearity="relu"), F.rnn_relu_cell)):
        cell = cell.double()
        gx = x @ cell.weight_ih.detach().numpy().T + cell.bias_ih.detach().numpy()
        args = [ag.tensor(a, device=device) for a in (gx, h)]
        w = [ag.tensor(t.detach().numpy(), device=device) for t in (cell.weight_hh, cell.bias_hh)]
        if ours is F.lstm_cell:
            got = ours(args[0], args[1], ag.tensor(c, device=device), *w)
            ref = cell(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
            for a, b in zip(got, ref):
                np.testing.assert_allclose(a.numpy(), b.detach().numpy(), atol=1e-12)
        else:
            np.testing.assert_allclose(ours(*args, *w).numpy(), cell(torch.tensor(x), torch.tensor(h)).detach(),
                                       atol=1e-12)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_recurrent_layers_take_pytorchs_device_and_dtype_arguments(device, kind):
    layer = KINDS[kind](nn, num_layers=2, bidirectional=True, device=device, dtype=ag.float64)
    assert {p.dtype for p in layer.parameters()} == {np.dtype(np.float64)}
    assert all(p.device == ag.device(device) for p in layer.parameters())
    out = layer(ag.ones(T, B, I, dtype=ag.float64, device=device))[0]
    assert out.dtype == np.float64 and out.shape == (T, B, 2 * H)
    if torch is not None:
        theirs = KINDS[kind](torch.nn, num_layers=2, bidirectional=True, device="cpu", dtype=torch.float64)
        assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


@pytest.mark.parametrize("num_layers, bidirectional, batch_first", [(1, False, False), (2, True, True),
                                                                    (2, False, True)])
def test_lstm_with_projections_matches_torch(num_layers, bidirectional, batch_first):
    if torch is None:
        pytest.skip("needs torch")
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, proj_size=2)
    theirs = torch.nn.LSTM(I, H, **kwargs).double()
    ours = nn.LSTM(I, H, **kwargs).double()
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    ours.load_state_dict(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    x = rand((B, T, I) if batch_first else (T, B, I), seed=3)
    count = num_layers * (2 if bidirectional else 1)
    h0, c0 = rand((count, B, 2), seed=4), rand((count, B, H), seed=5)
    xs = [ag.tensor(a, requires_grad=True) for a in (x, h0, c0)]
    xt = [torch.tensor(a, requires_grad=True) for a in (x, h0, c0)]
    out, (h, c) = ours(xs[0], (xs[1], xs[2]))
    out_t, (h_t, c_t) = theirs(xt[0], (xt[1], xt[2]))
    for a, b in ((out, out_t), (h, h_t), (c, c_t)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out.pow(2).sum() + h.sum() + c.pow(3).sum()).backward()
    (out_t.pow(2).sum() + h_t.sum() + c_t.pow(3).sum()).backward()
    for a, b in zip(xs, xt):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
    unbatched = ours(xs[0][0] if batch_first else xs[0][:, 0])[0]
    assert unbatched.shape == (T, 2 * (2 if bidirectional else 1))
    with pytest.raises(ValueError, match="initial state h_0 must have shape .*proj_size"):
        ours(xs[0], (xs[2], xs[2]))
