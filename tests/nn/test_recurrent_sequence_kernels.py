"""Whole-sequence recurrent kernels (Backend.recurrence_forward / recurrence_backward): the same results
as the step-by-step loop over the cell kernels, as the cpu device and as PyTorch, in every mode."""
import contextlib
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.arrays import array
from tests.helpers import check_gradcheck, rand

MODES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
T, B, I, H = 5, 3, 4, 6
TOL = {np.float64: 1e-12, np.float32: 2e-5}


def _backend(device):
    return ag.device(device)


def _needs_kernels(device):
    backend = _backend(device)
    if backend.recurrence_forward is None:
        pytest.skip(f"device {device} has no whole-sequence recurrence kernels")
    return backend


@contextlib.contextmanager
def step_loop(device):
    """Inside: the device's whole-sequence kernels are off, and Recurrence loops over the cell kernels."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(_backend(device)), "recurrence_forward", None)
        patch.setattr(type(_backend(device)), "recurrence_forward_inputs", None)
        yield


def _arrays(mode, dtype, seed=0):
    width = MODES[mode]
    shapes = [(T, B, I), (B, H), (B, H), (width * H, I), (width * H, H), (width * H,), (width * H,)]
    arrays = [rand(shape, dtype, seed=seed + k) for k, shape in enumerate(shapes)]
    if mode == "rnn_relu":
        arrays[0] += 0.5   # most units active, so the relu gradient is not mostly zero
    return arrays


def _run(mode, arrays, device, reverse, with_state, with_bias):
    """Outputs and every gradient of F.recurrence against fixed random cotangents, as NumPy arrays."""
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = [ag.tensor(a, device=device, requires_grad=True) for a in arrays]
    if not with_state:
        h0 = c0 = None
    if not with_bias:
        b_ih = b_hh = None
    outs = F.recurrence(mode, x, h0, c0 if mode == "lstm" else None, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    total = 0
    for k, out in enumerate(outs):
        total = total + (out * ag.tensor(rand(out.shape, out.dtype, seed=40 + k), device=device)).sum()
    total.backward()
    inputs = [x, h0, c0 if mode == "lstm" else None, w_ih, w_hh, b_ih, b_hh]
    return [o.numpy() for o in outs] + [t.grad.numpy() for t in inputs if t is not None]


CASES = list(itertools.product(MODES, [np.float32, np.float64], [False, True], [False, True]))


@pytest.mark.parametrize("mode,dtype,reverse,with_state", CASES)
def test_kernels_equal_the_step_loop(device, mode, dtype, reverse, with_state):
    _needs_kernels(device)
    arrays = _arrays(mode, dtype)
    for with_bias in (True, False):
        whole = _run(mode, arrays, device, reverse, with_state, with_bias)
        with step_loop(device):
            loop = _run(mode, arrays, device, reverse, with_state, with_bias)
        states = 2 if mode == "lstm" else 1
        assert len(whole) == len(loop) == states + 1 + 3 + states * with_state + 2 * with_bias
        for k, (a, b) in enumerate(zip(whole, loop)):
            assert a.dtype == dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"{mode}: result {k}")


@pytest.mark.parametrize("mode,dtype,reverse,with_state", CASES)
def test_kernels_equal_the_cpu_device(device, mode, dtype, reverse, with_state):
    _needs_kernels(device)
    arrays = _arrays(mode, dtype, seed=3)
    ours = _run(mode, arrays, device, reverse, with_state, True)
    cpu = _run(mode, arrays, "cpu", reverse, with_state, True)
    for k, (a, b) in enumerate(zip(ours, cpu)):
        np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"{mode}: result {k}")


def test_the_kernels_run(device, monkeypatch):
    """The layer goes through one of the forward kernels and recurrence_backward once per direction and layer."""
    backend = _needs_kernels(device)
    calls = []
    names = ("recurrence_forward_inputs", "recurrence_forward", "recurrence_backward")

    def recording(name, real):
        def call(self, *args):
            out = real(self, *args)
            calls.append((name, out is not None))
            return out
        return call
    for name in names:
        if getattr(type(backend), name) is not None:
            monkeypatch.setattr(type(backend), name, recording(name, getattr(type(backend), name)))
    lstm = nn.LSTM(I, H, num_layers=2, bidirectional=True).to(device)
    out, _ = lstm(ag.tensor(rand((T, B, I), np.float32), device=device))
    out.sum().backward()
    ran = [name for name, taken in calls if taken]
    forward = ran[0]
    assert forward in names[:2]
    assert ran == [forward] * 4 + ["recurrence_backward"] * 4


def test_input_projection_inside_the_kernel_equals_it_outside(device):
    """Where the device computes the LSTM's input part inside its kernel (recurrence_forward_inputs), the
    results equal those of the kernel given that part (every gradient too, with and without biases)."""
    backend = _needs_kernels(device)
    if backend.recurrence_forward_inputs is None:
        pytest.skip(f"device {device} computes the input part outside its kernels")
    for dtype, reverse, with_state, with_bias in itertools.product([np.float32, np.float64], [False, True],
                                                                   [False, True], [False, True]):
        arrays = _arrays("lstm", dtype, seed=5)
        inside = _run("lstm", arrays, device, reverse, with_state, with_bias)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(type(backend), "recurrence_forward_inputs", None)
            outside = _run("lstm", arrays, device, reverse, with_state, with_bias)
        for k, (a, b) in enumerate(zip(inside, outside)):
            assert a.dtype == dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"result {k}")


def test_unsupported_arrays_fall_back(device):
    """float16 and mixed dtypes get None from recurrence_forward, and the layer still runs (the step loop)."""
    backend = _needs_kernels(device)
    gx = backend.asarray(rand((T, B, 4 * H), np.float16))
    w_hh = backend.asarray(rand((4 * H, H), np.float16))
    assert backend.recurrence_forward("lstm", gx, None, None, w_hh, None, False) is None
    assert backend.recurrence_forward("lstm", gx.astype(np.float32), None, None, w_hh, None, False) is None
    x = ag.tensor(rand((T, B, I), np.float16), device=device)
    w = [ag.tensor(rand(shape, np.float16), device=device) for shape in ((H, I), (H, H))]
    y, h_n = F.recurrence("rnn_tanh", x, None, None, *w)
    ref = np.zeros((B, H), np.float32)
    for t in range(T):
        ref = np.tanh(x.numpy()[t].astype(np.float32) @ w[0].numpy().T.astype(np.float32)
                      + ref @ w[1].numpy().T.astype(np.float32))
    np.testing.assert_allclose(h_n.numpy().astype(np.float32), ref, atol=2e-2)


def test_backward_takes_missing_gradients_as_zeros(device):
    backend = _needs_kernels(device)
    gx, h0, c0, w_ih, w_hh, b_ih, b_hh = _arrays("lstm", np.float64)
    gx = rand((T, B, 4 * H), seed=9)
    ys, cs, cache = backend.recurrence_forward("lstm", backend.asarray(gx), backend.asarray(h0),
                                               backend.asarray(c0), backend.asarray(w_hh), None, False)
    zeros = np.zeros((B, H))
    full = backend.recurrence_backward("lstm", np.zeros((T, B, H)), zeros, zeros, ys, cs, h0, c0, cache, w_hh,
                                       False)
    missing = backend.recurrence_backward("lstm", None, None, None, ys, cs, h0, c0, cache, w_hh, False)
    for a, b in zip(full, missing):
        np.testing.assert_array_equal(a, b)
        assert not np.any(a)


KINDS = {
    "rnn_tanh": lambda m, **kw: m.RNN(I, H, nonlinearity="tanh", **kw),
    "rnn_relu": lambda m, **kw: m.RNN(I, H, nonlinearity="relu", **kw),
    "lstm": lambda m, **kw: m.LSTM(I, H, **kw),
    "gru": lambda m, **kw: m.GRU(I, H, **kw),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_state", [False, True])
def test_layers_match_torch(device, kind, dtype, with_state):
    """Two bidirectional layers, batch_first, through the kernels: outputs, states and every gradient."""
    torch = pytest.importorskip("torch")
    _needs_kernels(device)
    torch.manual_seed(0)
    theirs = KINDS[kind](torch.nn, num_layers=2, bidirectional=True, batch_first=True).double()
    ours = KINDS[kind](nn, num_layers=2, bidirectional=True, batch_first=True).to(device).to(dtype)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rand((B, T, I), seed=1)
    states = [rand((4, B, H), seed=2), rand((4, B, H), seed=3)][:2 if kind == "lstm" else 1] if with_state else []
    xo = ag.tensor(x.astype(dtype), device=device, requires_grad=True)
    so = [ag.tensor(s.astype(dtype), device=device, requires_grad=True) for s in states]
    xt = torch.tensor(x, requires_grad=True)
    st = [torch.tensor(s, requires_grad=True) for s in states]
    hx_o = (tuple(so) if kind == "lstm" else so[0]) if states else None
    hx_t = (tuple(st) if kind == "lstm" else st[0]) if states else None
    out_o, state_o = ours(xo, hx_o)
    out_t, state_t = theirs(xt, hx_t)
    outs_o = [out_o] + (list(state_o) if kind == "lstm" else [state_o])
    outs_t = [out_t] + (list(state_t) if kind == "lstm" else [state_t])
    tol = 1e-10 if dtype == np.float64 else 2e-5
    total_o, total_t = 0, 0
    for k, (a, b) in enumerate(zip(outs_o, outs_t)):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=tol, atol=tol, err_msg=f"output {k}")
        cot = rand(a.shape, seed=30 + k)
        total_o = total_o + (a * ag.tensor(cot.astype(dtype), device=device)).sum()
        total_t = total_t + (b * torch.tensor(cot)).sum()
    total_o.backward()
    total_t.backward()
    for a, b in zip([xo] + so, [xt] + st):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol)
    theirs_grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_grads[name].grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=name)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("reverse", [False, True])
def test_gradcheck(device, mode, reverse):
    _needs_kernels(device)
    arrays = _arrays(mode, np.float64, seed=5)
    arrays = [a[:3, :2, :2] if k == 0 else a for k, a in enumerate(arrays)]
    width = MODES[mode]
    small = [arrays[0], rand((2, 2), seed=1), rand((2, 2), seed=2), rand((2 * width, 2), seed=3),
             rand((2 * width, 2), seed=4), rand((2 * width,), seed=5), rand((2 * width,), seed=6)]
    if mode == "rnn_relu":
        small[0] = small[0] + 0.5

    def fn(x, h0, c0, w_ih, w_hh, b_ih, b_hh):
        return F.recurrence(mode, x, h0, c0 if mode == "lstm" else None, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    check_gradcheck(fn, small, device=device)


def test_training_steps_match_the_step_loop(device):
    """Ten SGD steps of an LSTM regressor end at the same weights with and without the kernels."""
    _needs_kernels(device)
    x = ag.tensor(rand((T, B, I), seed=1), device=device)
    target = ag.tensor(rand((T, B, H), seed=2), device=device)
    finals = []
    for context in (contextlib.nullcontext(), step_loop(device)):
        with context:
            finals.append(_train(device, x, target))
    for a, b in zip(*finals):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)


def _train(device, x, target):
    """The weights after ten SGD-momentum steps of an LSTM from a seeded start."""
    ag.manual_seed(0)
    model = nn.LSTM(I, H).to(device).to(ag.float64)
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(10):
        opt.zero_grad()
        loss = ((model(x)[0] - target) ** 2).mean()
        loss.backward()
        opt.step()
    return [array(p).copy() for p in model.parameters()]


# ----- the matrix product inside the numba kernels: NumPy's BLAS, or np.dot (SciPy's) ----------------

def _numba_recurrence():
    pytest.importorskip("numba")
    from backends.numba_kernels import recurrence
    return recurrence


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_into_both_routes(dtype):
    recurrence = _numba_recurrence()
    from backends.numba_kernels import jit
    compiled = jit.kernel(lambda gemm, a, b, out: recurrence.matmul_into(gemm, a, b, out))
    a, b = rand((5, 7), dtype, seed=1), rand((7, 3), dtype, seed=2)
    routes = [None] if recurrence.HAS_SCIPY else []
    routes += [recurrence.NUMPY_GEMM[np.dtype(dtype)]] if recurrence.NUMPY_GEMM else []
    if not routes:
        pytest.skip("neither NumPy's BLAS nor SciPy is found")
    for gemm in routes:
        for fn in ([compiled, recurrence.matmul_into] if gemm is not None else [compiled]):
            out = np.full((5, 3), np.nan, dtype)
            fn(gemm, a, b, out)
            np.testing.assert_allclose(out, a @ b, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kernels_through_np_dot_equal_numpy_blas(mode, dtype, monkeypatch):
    """Where NumPy's BLAS is not found the kernels use np.dot: the same results, up to rounding."""
    recurrence = _numba_recurrence()
    if not (recurrence.HAS_SCIPY and recurrence.NUMPY_GEMM):
        pytest.skip("needs both NumPy's BLAS and SciPy")
    width = MODES[mode]
    gx, h0, c0 = rand((T, B, width * H), dtype, seed=1), rand((B, H), dtype, seed=2), rand((B, H), dtype, seed=3)
    w_hh, b_hh = rand((width * H, H), dtype, seed=4), rand((width * H,), dtype, seed=5)
    gy = rand((T, B, H), dtype, seed=6)
    results = []
    for table in (recurrence.NUMPY_GEMM, {}):
        monkeypatch.setattr(recurrence, "NUMPY_GEMM", table)
        ys, cs, cache = recurrence.recurrence_forward(mode, gx, h0, c0, w_hh, b_hh, True)
        grads = recurrence.recurrence_backward(mode, gy, h0, c0, ys, cs, h0, c0, cache, w_hh, True)
        results.append([ys] + [g for g in grads if g is not None])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("steps,batch", [(1, 3), (5, 1), (1, 1)])
@pytest.mark.parametrize("reverse", [False, True])
def test_one_step_and_batch_one_equal_the_step_loop(device, mode, steps, batch, reverse):
    """Edge shapes (a single time step, a batch of one) through the kernels, against the cell-by-cell loop."""
    _needs_kernels(device)
    arrays = _arrays(mode, np.float64, seed=11)
    arrays[0] = arrays[0][:steps, :batch]
    arrays[1], arrays[2] = arrays[1][:batch], arrays[2][:batch]
    whole = _run(mode, arrays, device, reverse, True, True)
    with step_loop(device):
        loop = _run(mode, arrays, device, reverse, True, True)
    for k, (a, b) in enumerate(zip(whole, loop)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"{mode}: result {k}")


def test_forward_leaves_the_states_and_weights_alone(device):
    """The kernels may use gx as scratch, but never write into h0, c0 or w_hh."""
    backend = _needs_kernels(device)
    _, h0, c0, _, w_hh, _, _ = _arrays("lstm", np.float32)
    before = [h0.copy(), c0.copy(), w_hh.copy()]
    gx = rand((T, B, 4 * H), np.float32, seed=9)
    ys, cs, cache = backend.recurrence_forward("lstm", gx, h0, c0, w_hh, None, False)
    backend.recurrence_backward("lstm", np.ones_like(ys), None, None, ys, cs, h0, c0, cache, w_hh, False)
    for a, b in zip((h0, c0, w_hh), before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
@pytest.mark.parametrize("by_exp", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cpu_gates_by_exp_and_by_tanh_equal_the_step_loop(mode, by_exp, dtype, monkeypatch):
    """Both ways the `cpu` kernels activate their sigmoid gates (one exp pass or one tanh pass, whichever
    the host runs faster) give the cell loop's results, saturated gates (exp overflowing to inf) included."""
    from backends.numpy_kernels import recurrence
    monkeypatch.setattr(recurrence, "gates_by_exp", lambda dt: by_exp)
    arrays = _arrays(mode, dtype, seed=7)
    arrays[0] *= 40            # pre-activations up to about +-150: exp(150) overflows float32 and float64 stays
    for reverse in (False, True):
        whole = _run(mode, arrays, "cpu", reverse, True, True)
        with step_loop("cpu"):
            loop = _run(mode, arrays, "cpu", reverse, True, True)
        for k, (a, b) in enumerate(zip(whole, loop)):
            assert np.isfinite(a).all()
            np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"result {k}")


def test_gates_by_exp_is_measured_once_per_dtype():
    from backends.numpy_kernels import recurrence
    for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
        first = recurrence.gates_by_exp(dtype)
        assert isinstance(first, bool) and recurrence.gates_by_exp(dtype) is first


@pytest.mark.parametrize("by_exp", [False, True])
def test_held_steps_keep_the_cell_state_and_pass_its_gradient(device, by_exp, monkeypatch):
    """recurrence(held=...): at held steps an LSTM's c stays bit for bit, and the gradient reaching c
    after them reaches c before them unchanged (on `cpu` with either gate form)."""
    from backends.numpy_kernels import recurrence as numpy_recurrence
    from nn.functional.recurrent import recurrence
    monkeypatch.setattr(numpy_recurrence, "gates_by_exp", lambda dt: by_exp)
    rng = np.random.default_rng(1)
    steps, batch, size, hidden = 5, 3, 2, 4
    x = ag.tensor(rng.standard_normal((steps, batch, size)), device=device)
    h0 = ag.tensor(rng.standard_normal((batch, hidden)), device=device, requires_grad=True)
    c0 = ag.tensor(rng.standard_normal((batch, hidden)), device=device, requires_grad=True)
    w_ih, w_hh = (ag.tensor(rng.standard_normal((4 * hidden, n)), device=device) for n in (size, hidden))
    held = np.zeros((steps, batch), bool)
    held[:, 2] = True           # row 2 never moves
    ys, _, c_n = recurrence("lstm", x, h0, c0, w_ih, w_hh, held=held)
    np.testing.assert_array_equal(c_n.numpy()[2], c0.numpy()[2])
    c_n.sum().backward()
    np.testing.assert_array_equal(c0.grad.numpy()[2], np.ones(hidden))
    assert np.isfinite(ys.numpy()).all() and np.isfinite(c0.grad.numpy()).all()


def test_held_is_checked(device):
    from nn.functional.recurrent import recurrence
    x = ag.zeros((3, 2, 2), device=device)
    w = ag.zeros((4, 2), device=device)
    with pytest.raises(ValueError, match=r"held must be a bool array of shape \(T, B\) = \(3, 2\)"):
        recurrence("rnn_tanh", x, None, None, w[:2], w[:2, :2], held=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match="held must be"):
        recurrence("lstm", x, None, None, ag.zeros((8, 2), device=device), ag.zeros((8, 2), device=device),
                   held=np.zeros((2, 3), bool))
