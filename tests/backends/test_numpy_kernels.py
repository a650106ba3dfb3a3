"""The kernels of the `cpu` backend (its NumPy kernels and the array kernels it shares with other devices)
against PyTorch: forward values and gradients, float64 and float32."""
import math

import numpy as np
import pytest

from backends.base import ACTIVATIONS
from backends.numpy_backend import NumpyBackend
from backends.numpy_kernels import activation, conv, cross_entropy, pool, rnn, scatter
from tests.helpers import torch

F = torch.nn.functional

NP = NumpyBackend()
TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=2e-4, atol=2e-5)}
DTYPES = [np.float64, np.float32]


def _rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _close(ours, theirs, dtype, **override):
    tol = dict(TOL[dtype], **override)
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    assert ours.dtype == np.dtype(dtype), f"dtype {ours.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(ours, theirs, **tol)


def _torch_grads(fn, arrays, cotangent):
    """fn's output and the gradients of sum(output * cotangent) with respect to each array."""
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    grads = torch.autograd.grad(out, ts, torch.tensor(cotangent))
    return out, grads


# ----- convolution -------------------------------------------------------------------------------
CONV_CASES = [
    # N, C_in, C_out, H, W, kernel, stride, padding, dilation, groups
    (2, 3, 4, 7, 9, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    (3, 1, 6, 12, 12, (5, 5), (1, 1), (2, 2), (1, 1), 1),
    (2, 4, 6, 11, 10, (3, 2), (2, 3), (1, 2), (1, 1), 2),
    (1, 2, 3, 13, 8, (3, 3), (3, 1), (2, 0), (2, 1), 1),
    (2, 4, 4, 9, 9, (2, 3), (1, 2), (1, 1), (2, 2), 2),
    (2, 6, 6, 8, 7, (3, 3), (2, 2), (1, 1), (1, 1), 6),
    (3, 2, 5, 5, 6, (1, 1), (1, 1), (0, 0), (1, 1), 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_and_grads_match_torch(case, dtype):
    n, ci, co, h, w, k, s, p, d, g = case
    rng = np.random.default_rng(0)
    x = _rand(rng, (n, ci, h, w), dtype)
    wt = _rand(rng, (co, ci // g, *k), dtype)
    ty = F.conv2d(torch.tensor(x), torch.tensor(wt), stride=s, padding=p, dilation=d, groups=g)
    gy = _rand(rng, ty.shape, dtype)
    _, (tgx, tgw) = _torch_grads(lambda a, b: F.conv2d(a, b, stride=s, padding=p, dilation=d, groups=g),
                                 [x, wt], gy)
    _close(conv.conv2d(x, wt, s, p, d, g), ty, dtype)
    _close(conv.conv2d_grad_input(gy, wt, x.shape, s, p, d, g), tgx, dtype)
    _close(conv.conv2d_grad_weight(gy, x, wt.shape, s, p, d, g), tgw, dtype)


def test_conv2d_accepts_non_contiguous_input():
    rng = np.random.default_rng(1)
    x = _rand(rng, (5, 6, 3, 2), np.float64).transpose(3, 2, 0, 1)   # (2, 3, 5, 6) view
    wt = _rand(rng, (4, 3, 3, 3), np.float64)
    ty = F.conv2d(torch.tensor(np.ascontiguousarray(x)), torch.tensor(wt), padding=1)
    _close(conv.conv2d(x, wt, (1, 1), (1, 1), (1, 1), 1), ty, np.float64)


def test_conv2d_rejects_bad_shapes_with_clear_errors():
    x = np.zeros((1, 4, 5, 5))
    with pytest.raises(ValueError, match=r"conv2d.*groups=3"):
        conv.conv2d(x, np.zeros((3, 2, 3, 3)), (1, 1), (0, 0), (1, 1), 3)
    with pytest.raises(ValueError, match=r"conv2d.*larger than the padded input"):
        conv.conv2d(x, np.zeros((2, 4, 7, 7)), (1, 1), (0, 0), (1, 1), 1)


# ----- pooling -----------------------------------------------------------------------------------
MAX_POOL_CASES = [
    # H, W, kernel, stride, padding, dilation, ceil_mode
    (8, 8, (2, 2), (2, 2), (0, 0), (1, 1), False),
    (9, 7, (3, 3), (2, 2), (1, 1), (1, 1), False),
    (9, 7, (3, 3), (2, 2), (1, 1), (1, 1), True),
    (10, 11, (2, 3), (3, 2), (1, 0), (2, 1), True),
    (7, 7, (3, 2), (1, 1), (0, 1), (1, 2), False),
    (6, 5, (2, 2), (3, 3), (0, 0), (1, 1), True),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", MAX_POOL_CASES)
def test_max_pool2d_and_grad_match_torch(case, dtype):
    h, w, k, s, p, d, ceil = case
    rng = np.random.default_rng(2)
    x = _rand(rng, (2, 3, h, w), dtype)
    ty, tidx = F.max_pool2d(torch.tensor(x), k, s, p, d, ceil_mode=ceil, return_indices=True)
    y, argmax = pool.max_pool2d(x, k, s, p, d, ceil)
    _close(y, ty, dtype, rtol=0, atol=0)
    assert argmax.dtype == np.int64
    np.testing.assert_array_equal(argmax, tidx.numpy())
    gy = _rand(rng, ty.shape, dtype)
    _, (tgx,) = _torch_grads(lambda a: F.max_pool2d(a, k, s, p, d, ceil_mode=ceil), [x], gy)
    _close(pool.max_pool2d_grad(gy, argmax, x.shape), tgx, dtype)


def test_max_pool2d_all_minus_inf_window_points_inside_like_torch():
    x = np.full((1, 1, 4, 5), -np.inf)
    x[0, 0, 3, 4] = 1.0
    y, argmax = pool.max_pool2d(x, (3, 3), (2, 2), (1, 1), (1, 1), True)
    ty, tidx = F.max_pool2d(torch.tensor(x), 3, 2, 1, ceil_mode=True, return_indices=True)
    np.testing.assert_array_equal(y, ty.numpy())
    np.testing.assert_array_equal(argmax, tidx.numpy())


def test_max_pool2d_propagates_nan_and_points_at_it_like_torch():
    x = np.arange(32.0).reshape(1, 2, 4, 4)
    x[0, 0, 1, 0] = np.nan
    x[0, 1, 3, 3] = np.nan
    y, argmax = pool.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), False)
    ty, tidx = F.max_pool2d(torch.tensor(x), 2, 2, return_indices=True)
    np.testing.assert_array_equal(y, ty.numpy())
    np.testing.assert_array_equal(argmax, tidx.numpy())


def test_max_pool2d_rejects_padding_over_half_kernel():
    with pytest.raises(ValueError, match="max_pool2d: padding"):
        pool.max_pool2d(np.zeros((1, 1, 5, 5)), (2, 2), (2, 2), (2, 2), (1, 1), False)


AVG_POOL_CASES = [
    # H, W, kernel, stride, padding, ceil_mode, count_include_pad
    (8, 8, (2, 2), (2, 2), (0, 0), False, True),
    (9, 7, (3, 3), (2, 2), (1, 1), False, True),
    (9, 7, (3, 3), (2, 2), (1, 1), False, False),
    (9, 7, (3, 3), (2, 2), (1, 1), True, True),
    (10, 8, (3, 2), (2, 3), (1, 1), True, False),
    (7, 9, (3, 3), (1, 2), (0, 1), True, True),
    (6, 5, (2, 2), (3, 3), (0, 0), True, False),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", AVG_POOL_CASES)
def test_avg_pool2d_and_grad_match_torch(case, dtype):
    h, w, k, s, p, ceil, include = case
    rng = np.random.default_rng(3)
    x = _rand(rng, (2, 3, h, w), dtype)

    def theirs(a):
        return F.avg_pool2d(a, k, s, p, ceil_mode=ceil, count_include_pad=include)

    ty = theirs(torch.tensor(x))
    _close(NP.avg_pool2d(x, k, s, p, ceil, include), ty, dtype)
    gy = _rand(rng, ty.shape, dtype)
    _, (tgx,) = _torch_grads(theirs, [x], gy)
    _close(NP.avg_pool2d_grad(gy, x.shape, k, s, p, ceil, include), tgx, dtype)


# ----- scatter -----------------------------------------------------------------------------------
def _scatter_cases(rng):
    a = rng.integers(-5, 5, size=12)                    # repeats and negative indices
    rows = rng.integers(0, 4, size=(3, 1))
    cols = rng.integers(0, 6, size=(1, 5))
    mask = rng.random((5, 4, 6)) > 0.5
    return [
        ((5, 4), (a,), (12, 4)),
        ((5,), a, (12,)),
        ((5, 4, 6), (rng.integers(0, 5, (2, 3)),), (2, 3, 4, 6)),
        ((4, 6), (rows, cols), (3, 5)),
        ((4, 6), (rows, cols), (5,)),                      # src broadcast
        ((5, 4, 6), (a, 2), (12, 6)),
        ((5, 4, 6), (slice(None), np.array([1, 1, 3])), (5, 3, 6)),
        ((5, 4, 6), (mask,), (int(mask.sum()),)),
        ((5, 4, 6), (Ellipsis, None, slice(1, 3)), (5, 4, 1, 2)),
        ((5, 4, 6), (np.array([0, 0]), slice(None), np.array([2, 2])), (2, 4)),
    ]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", range(10))
def test_scatter_add_matches_np_add_at(k, dtype):
    rng = np.random.default_rng(4)
    shape, index, src_shape = _scatter_cases(rng)[k]
    base = _rand(rng, shape, dtype)
    src = _rand(rng, src_shape, dtype)
    expected = base.copy()
    np.add.at(expected, index, src)
    out = base.copy()
    scatter.scatter_add(out, index, src)
    _close(out, expected, dtype, rtol=1e-12 if dtype == np.float64 else 1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (7, 1), (50, 3, 2), (200, 1)])
def test_index_add_matches_torch(shape, dtype):
    rng = np.random.default_rng(5)
    index = rng.integers(-shape[0], shape[0], size=40)
    out = _rand(rng, shape, dtype)
    src = _rand(rng, (40,) + shape[1:], dtype)
    expected = torch.tensor(out).index_add_(0, torch.tensor(index % shape[0]), torch.tensor(src))
    scatter.index_add(out, index, src)
    _close(out, expected, dtype)


@pytest.mark.parametrize("rows", [60, 8])
def test_index_add_accumulates_heavily_repeated_rows(rows):
    rng = np.random.default_rng(12)
    index = np.concatenate([np.full(11, 5), np.full(6, -1), rng.integers(0, rows, 20)])
    rng.shuffle(index)
    out = _rand(rng, (rows, 3), np.float64)
    src = _rand(rng, (index.size, 3), np.float64)
    expected = out.copy()
    np.add.at(expected, index, src)
    scatter.index_add(out, index, src)
    np.testing.assert_allclose(out, expected, rtol=1e-13)


def test_index_add_rejects_out_of_range_index():
    with pytest.raises(IndexError, match="index_add: index 3 is out of bounds"):
        scatter.index_add(np.zeros((3, 2)), np.array([0, 3]), np.ones((2, 2)))


# ----- activations -------------------------------------------------------------------------------
TORCH_ACTS = {
    "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "gelu": F.gelu,
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"), "silu": F.silu,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_grad_match_torch(name, dtype):
    rng = np.random.default_rng(6)
    x = np.concatenate([_rand(rng, 200, dtype, 3.0), np.array([-800, -60, -20, -9, 9, 20, 60, 800], dtype)])
    x = x[np.abs(x) > 1e-3]   # relu's kink
    gy = _rand(rng, x.shape, dtype)
    ty, (tgx,) = _torch_grads(TORCH_ACTS[name], [x], gy)
    y = activation.act_forward(name, x)
    _close(y, ty, dtype)
    _close(activation.act_backward(name, x, y, gy), tgx, dtype)
    _close(activation.act_backward(name, x, None, gy), tgx, dtype)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_of_a_0d_array_is_a_0d_array(name):
    x, gy = np.array(0.7, np.float32), np.array(2.0, np.float32)
    y = activation.act_forward(name, x)
    g = activation.act_backward(name, x, y, gy)
    assert isinstance(y, np.ndarray) and y.shape == () and y.dtype == np.float32
    assert isinstance(g, np.ndarray) and g.shape == ()
    ty, (tg,) = _torch_grads(TORCH_ACTS[name], [x], gy)
    _close(y, ty, np.float32)
    _close(g, tg, np.float32)


@pytest.mark.parametrize("repeat", [1, 100])     # the small-array path and the large-array path
def test_sigmoid_keeps_relative_precision_in_the_tails(repeat):
    x = np.tile([-700.0, -100.0, -30.0, 30.0, 0.0], repeat)
    expected = np.array([1 / (1 + math.exp(-v)) for v in x])
    np.testing.assert_allclose(activation.act_forward("sigmoid", x), expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("repeat", [1, 100])
def test_sigmoid_is_silent_and_exact_at_overflowing_inputs(dtype, repeat):
    x = np.tile(np.array([-1e4, -800.0, -90.0, 1e4, np.inf, -np.inf, 3.0], dtype), repeat)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = activation.act_forward("sigmoid", x)
    ref = torch.sigmoid(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-38)
    assert y.dtype == dtype
    with np.errstate(invalid="ignore"):
        assert np.isnan(activation.act_forward("sigmoid", np.full(7 * repeat, np.nan, dtype))).all()


@pytest.mark.parametrize("erf", [activation.erf, activation.polynomial_erf], ids=["erf", "polynomial_erf"])
def test_erf_is_accurate_in_float64_and_float32(erf):
    """Both routes: SciPy's compiled erf (where installed) and the Chebyshev fits."""
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, 1e-300, -1e-8, 1e8, -np.inf, np.inf]])
    np.testing.assert_allclose(erf(x), torch.erf(torch.tensor(x)).numpy(), rtol=1e-15, atol=5e-16)
    x32 = x.astype(np.float32)
    got = erf(x32)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, torch.erf(torch.tensor(x32, dtype=torch.float64)).numpy(), rtol=0, atol=3e-7)
    assert np.isnan(erf(np.array([np.nan])))[0]
    assert erf(np.float32(0.5)).dtype == np.float32 and erf(np.array(0.5)).shape == ()


def test_unknown_activation_names_the_accepted_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*gelu_tanh"):
        activation.act_forward("swish", np.zeros(3))
    with pytest.raises(ValueError, match="unknown activation"):
        activation.act_backward("swish", np.zeros(3), np.zeros(3), np.zeros(3))


# ----- softmax family ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_and_grad_match_torch(log, axis, dtype):
    rng = np.random.default_rng(7)
    x = _rand(rng, (3, 5, 4), dtype, 4.0)
    x[0, 0, 0] = 1e4
    x[1, 1, 1] = -1e4
    ours_f, ours_g = (NP.log_softmax, NP.log_softmax_grad) if log else (NP.softmax, NP.softmax_grad)
    theirs = (lambda t: torch.log_softmax(t, axis)) if log else (lambda t: torch.softmax(t, axis))
    gy = _rand(rng, x.shape, dtype)
    ty, (tgx,) = _torch_grads(theirs, [x], gy)
    y = ours_f(x, axis)
    _close(y, ty, dtype)
    _close(ours_g(y, gy, axis), tgx, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_cross_entropy_and_grad_match_torch(ignore_index, smoothing, dtype):
    rng = np.random.default_rng(8)
    logits = _rand(rng, (9, 5), dtype, 3.0)
    logits[0] = [1e4, -1e4, 0, 5e3, -5e3]    # extreme logits stay finite
    logits[1, 3] = 800.0
    target = rng.integers(0, 5, 9).astype(np.int64)
    target[0], target[1], target[4] = 1, 3, ignore_index
    gloss = _rand(rng, 9, dtype)

    def theirs(t):
        return F.cross_entropy(t, torch.tensor(target), ignore_index=ignore_index, label_smoothing=smoothing,
                               reduction="none")

    tloss, (tg,) = _torch_grads(theirs, [logits], gloss)
    loss, logp = cross_entropy.cross_entropy(logits, target, ignore_index, smoothing)
    _close(loss, tloss, dtype, rtol=1e-5 if dtype == np.float32 else 1e-10)
    _close(logp, torch.log_softmax(torch.tensor(logits), 1), dtype)
    _close(cross_entropy.cross_entropy_grad(logp, target, gloss, ignore_index, smoothing), tg, dtype)


def test_softmax_of_a_0d_array():
    x = np.array(3.0)
    assert NP.softmax(x, -1) == 1.0 and NP.log_softmax(x, 0) == 0.0
    assert NP.softmax_grad(np.array(1.0), np.array(2.0), 0) == 0.0
    assert NP.log_softmax_grad(np.array(0.0), np.array(2.0), 0) == 0.0


def test_cross_entropy_rejects_out_of_range_targets():
    with pytest.raises(IndexError, match="target class 7 is out of range for 3 classes"):
        cross_entropy.cross_entropy(np.zeros((2, 3)), np.array([0, 7]), -100, 0.0)


# ----- recurrent cells ---------------------------------------------------------------------------
def _torch_lstm(gates, c_prev):
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def _torch_gru(gi, gh, h_prev):
    ir, iz, i_n = gi.chunk(3, dim=1)
    hr, hz, hn = gh.chunk(3, dim=1)
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(i_n + r * hn)
    return (1 - z) * n + z * h_prev


@pytest.mark.parametrize("dtype", DTYPES)
def test_lstm_cell_matches_torch_lstm_cell_and_autograd(dtype):
    rng = np.random.default_rng(9)
    b, d, hid = 3, 4, 5
    cell = torch.nn.LSTMCell(d, hid).to(torch.float64 if dtype == np.float64 else torch.float32)
    x, h0, c0 = _rand(rng, (b, d), dtype), _rand(rng, (b, hid), dtype), _rand(rng, (b, hid), dtype)
    params = {k: v.detach().numpy() for k, v in cell.named_parameters()}
    gates = x @ params["weight_ih"].T + params["bias_ih"] + h0 @ params["weight_hh"].T + params["bias_hh"]
    h, c, cache = rnn.lstm_cell(gates, c0)
    th, tc = cell(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
    _close(h, th, dtype)
    _close(c, tc, dtype)
    gh, gc = _rand(rng, (b, hid), dtype), _rand(rng, (b, hid), dtype)
    for use_gh, use_gc in [(True, True), (True, False), (False, True)]:
        tg, tcp = (torch.tensor(a, requires_grad=True) for a in (gates, c0))
        outs = _torch_lstm(tg, tcp)
        pairs = [(o, torch.tensor(g)) for o, g, used in zip(outs, (gh, gc), (use_gh, use_gc)) if used]
        want = torch.autograd.grad([o for o, _ in pairs], [tg, tcp], [g for _, g in pairs])
        g_gates, g_c = rnn.lstm_cell_grad(cache, c0, gh if use_gh else None, gc if use_gc else None)
        _close(g_gates, want[0], dtype)
        _close(g_c, want[1], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_cell_matches_torch_gru_cell_and_autograd(dtype):
    rng = np.random.default_rng(10)
    b, d, hid = 3, 4, 5
    cell = torch.nn.GRUCell(d, hid).to(torch.float64 if dtype == np.float64 else torch.float32)
    x, h0 = _rand(rng, (b, d), dtype), _rand(rng, (b, hid), dtype)
    params = {k: v.detach().numpy() for k, v in cell.named_parameters()}
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h0 @ params["weight_hh"].T + params["bias_hh"]
    h, cache = rnn.gru_cell(gi, gh, h0)
    _close(h, cell(torch.tensor(x), torch.tensor(h0)), dtype)
    gout = _rand(rng, (b, hid), dtype)
    _, want = _torch_grads(_torch_gru, [gi, gh, h0], gout)
    for ours, theirs in zip(rnn.gru_cell_grad(cache, h0, gout), want):
        _close(ours, theirs, dtype)
