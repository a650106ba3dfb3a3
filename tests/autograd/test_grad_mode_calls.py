"""Grad-mode switches used as PyTorch code uses them: set_grad_enabled as a plain call, a block and a
decorator; inference_mode; and torch.autograd.grad's positional only_inputs (WGAN-GP code passes it)."""
import numpy as np
import pytest

import autograd as ag


def _libraries():
    torch = pytest.importorskip("torch")
    return (torch, ag)


def test_set_grad_enabled_acts_when_called_and_restores_after_blocks():
    for lib in _libraries():
        x = lib.ones(2, requires_grad=True)
        lib.set_grad_enabled(False)
        try:
            assert not (x * 2).requires_grad and not lib.is_grad_enabled()
        finally:
            lib.set_grad_enabled(True)
        assert (x * 2).requires_grad
        with lib.set_grad_enabled(False):
            assert not (x * 2).requires_grad
        assert lib.is_grad_enabled()
        with lib.no_grad():
            with lib.set_grad_enabled(True):
                assert (x * 2).requires_grad
            assert not lib.is_grad_enabled()

        @lib.set_grad_enabled(False)
        def doubled(t):
            return t * 2
        assert lib.is_grad_enabled()          # decorating changes nothing until the function runs
        assert not doubled(x).requires_grad and lib.is_grad_enabled()


def test_inference_mode_records_nothing_as_block_and_decorator():
    for lib in _libraries():
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            assert not (x * 2).requires_grad
        with lib.inference_mode(False):
            assert (x * 2).requires_grad
        assert lib.is_grad_enabled()

        @lib.inference_mode()
        def predict(t):
            return t * 2
        assert not predict(x).requires_grad and lib.is_grad_enabled()
        assert lib.autograd.inference_mode is lib.inference_mode


def test_is_inference_mode_enabled_follows_nested_blocks_as_torch():
    for lib in _libraries():
        seen = [lib.is_inference_mode_enabled()]
        with lib.inference_mode():
            seen.append(lib.is_inference_mode_enabled())
            with lib.inference_mode(False):
                seen.append(lib.is_inference_mode_enabled())
            with lib.no_grad():
                seen.append(lib.is_inference_mode_enabled())
            seen.append(lib.is_inference_mode_enabled())
        with lib.no_grad():
            seen.append(lib.is_inference_mode_enabled())

        @lib.inference_mode()
        def inside():
            return lib.is_inference_mode_enabled()
        seen.append(inside())
        assert seen == [False, True, False, True, True, False, True], lib.__name__
        assert not lib.is_inference_mode_enabled()


def test_inference_mode_false_turns_grad_mode_on_even_inside_no_grad_as_torch():
    for lib in _libraries():
        x = lib.ones(2, requires_grad=True)
        seen = []
        with lib.no_grad():
            with lib.inference_mode(False):
                seen.append((lib.is_grad_enabled(), (x * 2).requires_grad))
            with lib.inference_mode():
                with lib.inference_mode(mode=False):
                    y = x * 2
                    seen.append((lib.is_grad_enabled(), y.requires_grad, y.is_inference()))
                seen.append(lib.is_grad_enabled())
            seen.append(lib.is_grad_enabled())
        assert seen == [(True, True), (True, True, False), False, False], lib.__name__


def test_grad_takes_only_inputs_as_pytorch_code_passes_it():
    results = []
    for lib in _libraries():
        x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
        out = (x ** 3).sum(dim=1)
        g, = lib.autograd.grad(outputs=out, inputs=x, grad_outputs=lib.ones_like(out), create_graph=True,
                               retain_graph=True, only_inputs=True)
        penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        results.append((g.detach().numpy(), x.grad.numpy()))
        positional = lib.autograd.grad((x * x).sum(), x, None, None, False, True, False)[0]
        np.testing.assert_allclose(positional.numpy(), 2 * x.detach().numpy())
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-5)
