"""Regressions for the differences from PyTorch that round 12 found, in its programs
(tests/test_pytorch_programs_round12.py) and in the spot checks around them: each test computes the same thing
with PyTorch and with deepgrad and compares (values, signs of zeros, grad_fn names, warnings)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils.rnn import pack_padded_sequence as ag_pack
from tests.helpers import require_torch


@pytest.mark.parametrize("kind", ["GRU", "LSTM", "RNN"])
def test_unsorted_packed_batch_reorders_states_by_index_select(kind):
    """An RNN over an unsorted packed batch puts h_n (and c_n) back in the batch's order, and takes a given hx
    into the packed order, with index_select: the states print grad_fn=<IndexSelectBackward0> as PyTorch's do,
    and the values and the gradient reaching hx agree."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (3, 5, 2)).astype(np.float32)
    lengths = [2, 5, 3]
    layers = (getattr(torch.nn, kind)(2, 4, batch_first=True), getattr(nn, kind)(2, 4, batch_first=True))
    layers[1].load_state_dict({k: v.detach().numpy() for k, v in layers[0].state_dict().items()})
    h0 = rng.normal(0, 1, (1, 3, 4)).astype(np.float32)
    results = []
    for lib, layer, pack in ((torch, layers[0], torch.nn.utils.rnn.pack_padded_sequence), (ag, layers[1], ag_pack)):
        hx = lib.tensor(h0, requires_grad=True)
        state = (hx, lib.zeros(1, 3, 4)) if kind == "LSTM" else hx
        _, h_n = layer(pack(lib.tensor(x), lib.tensor(lengths), batch_first=True, enforce_sorted=False), state)
        h_n = h_n[0] if kind == "LSTM" else h_n
        (h_n * lib.arange(12.0).reshape(1, 3, 4)).sum().backward()
        results.append((type(h_n.grad_fn).__name__, h_n.detach().numpy(), hx.grad.numpy()))
    (name_t, h_t, g_t), (name_a, h_a, g_a) = results
    assert name_a == name_t == "IndexSelectBackward0"
    np.testing.assert_allclose(h_a, h_t, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g_a, g_t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["logsumexp", "softmax", "log_softmax"])
def test_fully_masked_row_gives_pytorchs_values_without_a_numpy_warning(op):
    """A row where every position is -inf (a fully masked attention or candidate row): logsumexp is -inf and
    softmax / log_softmax NaN, as in PyTorch, with gradients alike, and no NumPy RuntimeWarning on the way."""
    torch = require_torch()
    rows = [[-np.inf] * 3, [1.0, -np.inf, 2.0]]
    results = []
    for lib in (torch, ag):
        x = lib.tensor(np.array(rows, dtype=np.float32), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = getattr(lib, op)(x, 1)
            (y * lib.tensor(np.array([1.0, 2.0, 3.0][:y.shape[-1]] if y.ndim == 2 else [1.0, 2.0],
                                     dtype=np.float32))).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    (y_t, g_t), (y_a, g_a) = results
    np.testing.assert_allclose(y_a, y_t, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(g_a, g_t, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("values", [[1.0, np.nan, 3.0], [3.0, 1.0, 3.0], [np.nan, 2.0, np.nan], [-1.0, 4.0, 0.5]])
@pytest.mark.parametrize("op", ["max", "min", "amax", "amin", "amax0", "amin0"])
def test_extreme_value_gradients_follow_pytorchs_two_formulas(op, values):
    """max() / min() of a whole tensor send the gradient to the positions holding the result (the NaNs when it is
    NaN) and +0 elsewhere; amax / amin give grad / count * (x == result): -0 beside a negative gradient, NaN
    everywhere when the result is NaN. Signs of zeros compared too (they print as -0. / 0.)."""
    torch = require_torch()
    grads = []
    for lib in (torch, ag):
        x = lib.tensor(np.array(values, dtype=np.float32), requires_grad=True)
        y = getattr(x, op.rstrip("0"))(0) if op.endswith("0") else getattr(x, op)()
        y.backward(lib.tensor(np.float32(-2.0)))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])
    np.testing.assert_array_equal(np.signbit(grads[1]), np.signbit(grads[0]))


def test_extreme_value_second_order_gradients_match():
    """The two formulas also record a graph under create_graph (masks built without isnan)."""
    torch = require_torch()
    out = []
    for lib in (torch, ag):
        x = lib.tensor(np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]]), requires_grad=True)
        y = (x * x).max() + (x * x).amax(0).sum() + (x * x).amin(1).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad((g * lib.arange(6.0, dtype=lib.float64).reshape(2, 3)).sum(), x)
        out.append((g.detach().numpy(), h.numpy()))
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-12)
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-12)


# (name, the op given a functional module and x): gradients that are zero on part of the input
ZERO_GRADIENT_CASES = [
    ("hardtanh", lambda F, x: F.hardtanh(x, 0.9, 2.5)),
    ("relu6", lambda F, x: F.relu6(x * 3)),
    ("sign", lambda F, x: x.sign()),
    ("pow0", lambda F, x: x ** 0),
    ("median", lambda F, x: x.median()),
    ("nanmedian", lambda F, x: x.nanmedian()),
]


@pytest.mark.parametrize("name,fn", ZERO_GRADIENT_CASES, ids=[c[0] for c in ZERO_GRADIENT_CASES])
@pytest.mark.parametrize("upstream", [-2.0, np.nan])
def test_zero_gradients_are_positive_zeros_as_pytorchs(name, fn, upstream):
    """Where a gradient is zero by definition (outside hardtanh's range, everywhere for sign and x ** 0, away from the
    median)
    PyTorch writes +0 and drops a NaN upstream gradient; gy * 0 gave -0 (printed '-0.') and kept the NaN."""
    torch = require_torch()
    import nn.functional as AF

    grads = []
    for lib, F in ((torch, torch.nn.functional), (ag, AF)):
        x = lib.tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.5, 2.0]], dtype=np.float32), requires_grad=True)
        y = fn(F, x)
        y.backward(lib.full(tuple(y.shape), upstream))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])
    np.testing.assert_array_equal(np.signbit(grads[1]), np.signbit(grads[0]))


@pytest.mark.parametrize("form", ["functional mean", "functional batchmean", "functional sum", "module", "top-level"])
def test_kl_div_warns_about_mean_where_pytorch_does(form):
    """F.kl_div / nn.KLDivLoss with reduction='mean' (the default) warn that it averages over every element and
    not per sample; 'batchmean', 'sum' and torch.kl_div (the top-level form, reduction 1) give the same value
    with no warning. Warnings and values are compared with PyTorch's."""
    torch = require_torch()
    a = np.log(np.array([[0.2, 0.8], [0.5, 0.5]], dtype=np.float32))
    b = np.array([[0.3, 0.7], [0.6, 0.4]], dtype=np.float32)
    seen = []
    for lib, mod in ((torch, torch.nn), (ag, nn)):
        F = mod.functional
        calls = {"functional mean": lambda: F.kl_div(lib.tensor(a), lib.tensor(b)),
                 "functional batchmean": lambda: F.kl_div(lib.tensor(a), lib.tensor(b), reduction="batchmean"),
                 "functional sum": lambda: F.kl_div(lib.tensor(a), lib.tensor(b), reduction="sum"),
                 "module": lambda: mod.KLDivLoss()(lib.tensor(a), lib.tensor(b)),
                 "top-level": lambda: lib.kl_div(lib.tensor(a), lib.tensor(b), 1)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = calls[form]().item()
        seen.append((value, [w.category for w in caught if "batchmean" in str(w.message)]))
    assert seen[1][1] == seen[0][1]
    assert seen[1][0] == pytest.approx(seen[0][0], rel=1e-5)
