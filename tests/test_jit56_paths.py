"""Stop 56's faster cpu LSTM paths (issue 16): the input part inside each step's product
(recurrence_forward_inputs, [h_prev, x_t, 1] rows) and the backward's hidden product gate by gate
(hidden_grads_by_gate). Each is checked against the path it replaces (a tolerance: the products sum in
another order), and ag.jit replays of a training step through it equal eager steps bit for bit."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
from backends.numpy_kernels import recurrence
from tests.helpers import check_gradcheck, rand

T, B, I, H = 6, 5, 4, 7
TOL = {np.float32: 3e-5, np.float64: 1e-12}


def _cpu():
    return type(ag.device("cpu"))


def _lstm_results(arrays, reverse, with_state, with_bias):
    """The outputs of one LSTM direction and every gradient of a fixed weighted sum of them, on cpu."""
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = [ag.tensor(a, device="cpu", requires_grad=True) for a in arrays]
    states = (h0, c0) if with_state else (None, None)
    biases = (b_ih, b_hh) if with_bias else (None, None)
    outs = nn.functional.recurrence("lstm", x, *states, w_ih, w_hh, *biases, reverse=reverse)
    total = sum((o * ag.tensor(rand(o.shape, o.dtype, seed=30 + k), device="cpu")).sum() for k, o in enumerate(outs))
    total.backward()
    leaves = [x, *(states if with_state else ()), w_ih, w_hh, *(biases if with_bias else ())]
    return [o.numpy() for o in outs] + [t.grad.numpy() for t in leaves]


def _arrays(dtype, seed=0):
    shapes = [(T, B, I), (B, H), (B, H), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)]
    return [rand(shape, dtype, seed=seed + k) for k, shape in enumerate(shapes)]


def _assert_close(got, want, dtype):
    assert len(got) == len(want)
    for k, (a, b) in enumerate(zip(got, want)):
        assert a.dtype == dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"result {k}")


def test_cpu_computes_the_lstm_input_part_inside_its_steps(monkeypatch):
    calls = []
    real = recurrence.recurrence_forward_inputs
    monkeypatch.setattr(recurrence, "recurrence_forward_inputs", lambda *a: calls.append(a[0]) or real(*a))
    out, _ = nn.LSTM(I, H).to("cpu")(ag.tensor(rand((T, B, I), np.float32), device="cpu"))
    out.sum().backward()
    assert calls == ["lstm"]


@pytest.mark.parametrize("dtype,reverse,with_state,with_bias",
                         list(itertools.product([np.float32, np.float64], [False, True], [False, True], [False, True])))
def test_input_part_inside_the_steps_equals_it_outside(dtype, reverse, with_state, with_bias, monkeypatch):
    arrays = _arrays(dtype, seed=7)
    inside = _lstm_results(arrays, reverse, with_state, with_bias)
    monkeypatch.setattr(_cpu(), "recurrence_forward_inputs", None)
    outside = _lstm_results(arrays, reverse, with_state, with_bias)
    _assert_close(inside, outside, dtype)


@pytest.mark.parametrize("dtype,reverse", list(itertools.product([np.float32, np.float64], [False, True])))
def test_hidden_product_gate_by_gate_equals_one_product(dtype, reverse, monkeypatch):
    arrays = _arrays(dtype, seed=11)
    runs = {}
    for by_gate in (True, False):
        monkeypatch.setattr(recurrence, "hidden_grads_by_gate", lambda *a, by_gate=by_gate: by_gate)
        runs[by_gate] = _lstm_results(arrays, reverse, True, True)
    _assert_close(runs[True], runs[False], dtype)


@pytest.mark.parametrize("by_gate", [True, False])
def test_gradcheck_through_both_backward_forms(by_gate, monkeypatch):
    monkeypatch.setattr(recurrence, "hidden_grads_by_gate", lambda *a: by_gate)
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = _arrays(np.float64, seed=3)

    def fn(x, h0, c0, w_ih, w_hh, b_ih, b_hh):
        y, h_n, c_n = nn.functional.recurrence("lstm", x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=by_gate)
        return y.sum() + (h_n * c_n).sum()
    check_gradcheck(fn, [x[:3], h0, c0, w_ih, w_hh, b_ih, b_hh], device="cpu")


def test_the_gate_choice_is_measured_once_per_dtype_and_shape():
    recurrence.hidden_grads_by_gate.cache_clear()
    first = recurrence.hidden_grads_by_gate(np.dtype(np.float32), B, H)
    assert isinstance(first, bool)
    assert recurrence.hidden_grads_by_gate(np.dtype(np.float32), B, H) is first
    assert recurrence.hidden_grads_by_gate.cache_info().misses == 1


def _training_run(compiled, steps=5):
    """Losses, parameters and gradients of SGD steps of a bidirectional two-layer LSTM (with x's gradient
    needed by the second layer), eager or through ag.jit."""
    ag.manual_seed(0)
    model = nn.LSTM(I, H, num_layers=2, bidirectional=True).to("cpu")
    head = nn.Linear(2 * H, 3).to("cpu")
    params = list(model.parameters()) + list(head.parameters())
    opt = nn.optim.SGD(params, lr=0.1, momentum=0.9)
    rng = np.random.default_rng(2)
    data = [(ag.tensor(rng.standard_normal((T, B, I)).astype(np.float32), device="cpu"),
             ag.tensor(rng.integers(0, 3, B), device="cpu")) for _ in range(steps)]

    def step(x, y):
        opt.zero_grad()
        out, (h_n, c_n) = model(x)
        loss = nn.functional.cross_entropy(head(out[-1]), y) + (c_n * c_n).mean()
        loss.backward()
        opt.step()
        return loss
    run = ag.jit(step) if compiled else step
    losses = [run(x, y).numpy().copy() for x, y in data]
    if compiled:
        assert run.replays == steps - 2
    return losses, [p.numpy().copy() for p in params], [p.grad.numpy().copy() for p in params]


@pytest.mark.parametrize("by_gate", [True, False])
def test_jit_replays_of_an_lstm_training_step_equal_eager_bit_for_bit(by_gate, monkeypatch):
    monkeypatch.setattr(recurrence, "hidden_grads_by_gate", lambda *a: by_gate)
    eager, compiled = _training_run(False), _training_run(True)
    for part, e, j in zip(("loss", "parameter", "gradient"), eager, compiled):
        for k, (a, b) in enumerate(zip(e, j)):
            assert a.dtype == b.dtype and np.array_equal(a, b), f"{part} {k} differs"
