"""Tensors made by factories inside an ag.jit step (ag.zeros, ag.tensor, ...) start every replay from
their first values, so in-place writes into them do not build up from replay to replay; draws from an
ag.Generator are repeated on every replay in the generator's sequence. Replays equal eager mode."""
import numpy as np
import pytest

import autograd as ag


def _calls(device, step, count=6):
    rng = np.random.default_rng(0)
    xs = [ag.tensor(rng.standard_normal(4).astype(np.float32), device=device) for _ in range(count)]
    return [[t.numpy() for t in step(x)] for x in xs]


def _same(eager, jit):
    for k, (a_call, b_call) in enumerate(zip(eager, jit)):
        for j, (a, b) in enumerate(zip(a_call, b_call)):
            np.testing.assert_array_equal(a, b, err_msg=f"call {k}, output {j}")


def _host_only(device):
    if not ag.device(device).host_memory:
        pytest.skip("bit-for-bit replay checks run on the host devices")


def test_in_place_writes_into_step_made_tensors_start_afresh(device):
    _host_only(device)

    def step(x):
        marks = ag.zeros(4, device=device)
        marks[x.argmax()] = 1.0
        counts = ag.tensor([1.0, 2.0, 3.0, 4.0], device=device)
        counts.add_(x)
        filled = ag.full((4,), 2.0, device=device)
        filled.mul_(x)
        return marks, counts, filled, ag.arange(4, device=device) + x
    eager = _calls(device, step)
    compiled = ag.jit(step)
    _same(eager, _calls(device, compiled))
    assert compiled.replays == 4


def test_generator_draws_repeat_in_sequence(device):
    _host_only(device)

    def run(compile_it):
        gen = ag.Generator().manual_seed(7)

        def step(x):
            noise = ag.randn(4, device=device, generator=gen)
            perm = ag.randperm(4, device=device, generator=gen)
            ints = ag.randint(0, 10, (4,), device=device, generator=gen)
            return x + noise * ag.rand(4, device=device, generator=gen), perm, ints
        return _calls(device, ag.jit(step) if compile_it else step)
    eager, jit = run(False), run(True)
    _same(eager, jit)
    assert not np.array_equal(eager[2][0], eager[3][0])     # every call drew anew


def test_embedding_checks_each_replays_indices(device):
    _host_only(device)
    import nn
    emb = nn.Embedding(5, 3).to(device)
    step = ag.jit(lambda idx: emb(idx).sum())
    for k in range(3):
        step(ag.tensor([k, 4], device=device))
    with pytest.raises(IndexError, match="index 5 is out of range for num_embeddings=5"):
        step(ag.tensor([1, 5], device=device))
    with pytest.raises(IndexError, match="index -1 is out of range"):
        step(ag.tensor([-1, 2], device=device))


def test_multinomial_in_a_compiled_step_is_refused_by_name():
    weights = ag.tensor([0.2, 0.3, 0.5])
    step = ag.jit(lambda w: ag.multinomial(w, 2))
    step(weights)
    with pytest.raises(ag.CaptureError, match="multinomial"):
        step(weights)
