"""ag.autograd.grad runs only the part of the graph between its outputs and its inputs, as PyTorch's engine
does: hooks beyond the inputs stay quiet, and a create_graph gradient is not stopped by a fused op that
lies beyond them (a WGAN-GP penalty whose generator has BatchNorm)."""
import numpy as np
import pytest

import autograd as ag
import nn


def _hook_log(lib):
    seen = []
    x = lib.ones(2, requires_grad=True)
    a = x * 2
    a.register_hook(lambda g: seen.append(("a", g.tolist())))
    x.register_hook(lambda g: seen.append(("x", g.tolist())))
    first = lib.autograd.grad((a * 3).sum(), a)[0].tolist()
    c = x * x
    second = lib.autograd.grad((c * a).sum(), [c])[0].tolist()
    return seen, first, second, x.grad


def test_hooks_beyond_the_inputs_do_not_run():
    torch = pytest.importorskip("torch")
    ours, theirs = _hook_log(ag), _hook_log(torch)
    assert ours == theirs and ours[0] == [("a", [3.0, 3.0])] and ours[3] is None


def _wgan_gp(lib, libnn):
    rng = np.random.default_rng(0)
    generator = libnn.Sequential(libnn.Linear(4, 8), libnn.BatchNorm1d(8), libnn.ReLU(), libnn.Linear(8, 2)).double()
    critic = libnn.Sequential(libnn.Linear(2, 8), libnn.LeakyReLU(0.2), libnn.Linear(8, 1)).double()
    with lib.no_grad():
        for p in list(generator.parameters()) + list(critic.parameters()):
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    z, real = lib.tensor(rng.standard_normal((16, 4))), lib.tensor(rng.standard_normal((16, 2)))
    eps = lib.tensor(rng.uniform(size=(16, 1)))
    mixed = eps * real + (1 - eps) * generator(z)
    g, = lib.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
    penalty.backward()
    # the critic's last bias does not move its input gradient: no .grad there, in both libraries
    return [penalty.item()] + [None if p.grad is None else p.grad.numpy()
                               for p in list(generator.parameters()) + list(critic.parameters())]


def test_a_gradient_penalty_reaches_a_generator_with_batchnorm_as_pytorchs():
    torch = pytest.importorskip("torch")
    ours, theirs = _wgan_gp(ag, nn), _wgan_gp(torch, torch.nn)
    assert [g is None for g in ours] == [g is None for g in theirs] and sum(g is None for g in ours) == 1
    for mine, torchs in zip(ours, theirs):
        if mine is not None:
            np.testing.assert_allclose(mine, torchs, rtol=1e-10, atol=1e-12)


def test_an_input_in_the_middle_still_gets_every_path_to_it():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    h = x * x
    y = h.exp() + h * 3 + (x * h).sum()
    gh, gx = ag.autograd.grad(y.sum(), [h, x])
    np.testing.assert_allclose(gh.numpy(), np.exp([1.0, 4.0]) + 3 + 2 * np.array([1.0, 2.0]))
    np.testing.assert_allclose(gx.numpy(), 2 * np.array([1.0, 2.0]) * gh.numpy() + 2 * np.array([1.0, 4.0]))
