"""Stop 57's cpu LSTM backward blocks (issue 16): the backward's coefficient passes run over blocks of
about BACKWARD_BLOCK_BYTES of per-step data (1 MB, was the forward's 512 KB). The block size only
groups elementwise passes, so every block size gives the same bits; the results match PyTorch's LSTM,
and ag.jit replays of a training step through several blocks equal eager steps bit for bit."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
from backends.numpy_kernels import recurrence
from tests.helpers import rand, require_torch

T, B, I, H = 11, 4, 3, 5
#: per-step bytes of the backward's blocks for the float32 shape above (14 (B, H) arrays, by gate)
STEP_BYTES = 14 * B * H * 4


def _results(dtype, reverse, seed=0):
    """Outputs of one cpu LSTM direction and the gradients of a fixed weighted sum of them."""
    shapes = [(T, B, I), (B, H), (B, H), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)]
    leaves = [ag.tensor(rand(s, dtype, seed=seed + k), device="cpu", requires_grad=True) for k, s in enumerate(shapes)]
    outs = nn.functional.recurrence("lstm", *leaves, reverse=reverse)
    total = sum((o * ag.tensor(rand(o.shape, dtype, seed=40 + k), device="cpu")).sum() for k, o in enumerate(outs))
    total.backward()
    return [o.numpy() for o in outs] + [t.grad.numpy() for t in leaves]


def test_blocks_cover_the_steps_in_visiting_order_at_the_given_size():
    assert list(recurrence._blocks(10, 100, False, 350)) == [(0, 3, 0), (3, 6, 3), (6, 9, 6), (9, 10, 9)]
    assert list(recurrence._blocks(10, 100, True, 350)) == [(0, 3, 7), (3, 6, 4), (6, 9, 1), (9, 10, 0)]
    assert list(recurrence._blocks(3, 1000, False, 10)) == [(0, 1, 0), (1, 2, 1), (2, 3, 2)]   # at least a step
    assert list(recurrence._blocks(4, 100, False)) == [(0, 4, 0)]   # the forward's default size


def test_the_backward_blocks_hold_a_megabyte():
    assert recurrence.BACKWARD_BLOCK_BYTES == 1 << 20
    # the benchmark's b32 LSTM(32, 128), by gate: 7 blocks of 4 steps and one of 2 (25 of 2 steps at 512 KB)
    sizes = [k1 - k0 for k0, k1, _ in recurrence._blocks(50, 14 * 32 * 128 * 4, False, recurrence.BACKWARD_BLOCK_BYTES)]
    assert sizes == [4] * 12 + [2]


@pytest.mark.parametrize("dtype,reverse,by_gate",
                         list(itertools.product([np.float32, np.float64], [False, True], [True, False])))
def test_every_block_size_gives_the_same_bits(dtype, reverse, by_gate, monkeypatch):
    monkeypatch.setattr(recurrence, "hidden_grads_by_gate", lambda *a: by_gate)
    runs = []
    for steps_per_block in (1, 3, 4, T, 100):   # one step, uneven blocks, the whole sequence
        monkeypatch.setattr(recurrence, "BACKWARD_BLOCK_BYTES", steps_per_block * STEP_BYTES * np.dtype(dtype).itemsize // 4)
        runs.append(_results(dtype, reverse, seed=5))
    for run in runs[1:]:
        for k, (a, b) in enumerate(zip(runs[0], run)):
            assert a.dtype == b.dtype and np.array_equal(a, b), f"result {k} differs"


@pytest.mark.parametrize("reverse", [False, True])
def test_blocked_backward_matches_pytorch(reverse, monkeypatch):
    torch = require_torch()
    monkeypatch.setattr(recurrence, "BACKWARD_BLOCK_BYTES", 3 * STEP_BYTES * 2)   # blocks of 3 steps in float64
    got = _results(np.float64, reverse, seed=9)
    shapes = [(T, B, I), (B, H), (B, H), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)]
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = [torch.tensor(rand(s, np.float64, seed=9 + k), requires_grad=True)
                                         for k, s in enumerate(shapes)]
    lstm = torch.nn.LSTM(I, H, bidirectional=reverse).double()
    suffix = "_reverse" if reverse else ""
    with torch.no_grad():
        for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            getattr(lstm, name + suffix).copy_(value)
    if reverse:   # the reverse direction alone: the second half of a bidirectional layer's outputs
        states = (torch.stack((torch.zeros(B, H, dtype=torch.float64), h0)),
                  torch.stack((torch.zeros(B, H, dtype=torch.float64), c0)))
        y, (h_n, c_n) = lstm(x, states)
        outs = (y[..., H:], h_n[1], c_n[1])
    else:
        y, (h_n, c_n) = lstm(x, (h0[None], c0[None]))
        outs = (y, h_n[0], c_n[0])
    total = sum((o * torch.tensor(rand(tuple(o.shape), np.float64, seed=40 + k))).sum() for k, o in enumerate(outs))
    total.backward()
    want = [o.detach().numpy() for o in outs] + [x.grad.numpy(), h0.grad.numpy(), c0.grad.numpy()]
    params = [getattr(lstm, n + suffix) for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]
    want += [p.grad.numpy() for p in params]
    assert len(got) == len(want)
    for k, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"result {k}")


@pytest.mark.parametrize("steps_per_block", [1, 3])
def test_jit_replays_through_several_blocks_equal_eager_bit_for_bit(steps_per_block, monkeypatch):
    monkeypatch.setattr(recurrence, "BACKWARD_BLOCK_BYTES", steps_per_block * STEP_BYTES)

    def run(compiled):
        ag.manual_seed(0)
        model = nn.LSTM(I, H, bidirectional=True).to("cpu")
        opt = nn.optim.SGD(model.parameters(), lr=0.1)
        rng = np.random.default_rng(3)
        xs = [ag.tensor(rng.standard_normal((T, B, I)).astype(np.float32), device="cpu") for _ in range(4)]

        def step(x):
            opt.zero_grad()
            out, (h_n, c_n) = model(x)
            loss = (out * out).mean() + c_n.sum()
            loss.backward()
            opt.step()
            return loss
        fn = ag.jit(step) if compiled else step
        losses = [fn(x).numpy().copy() for x in xs]
        if compiled:
            assert fn.replays == 2
        return losses + [p.numpy().copy() for p in model.parameters()]
    for k, (a, b) in enumerate(zip(run(False), run(True))):
        assert np.array_equal(a, b), f"result {k} differs"
