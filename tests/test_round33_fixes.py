"""Regressions for the differences from PyTorch that round 33 found while writing its programs
(tests/test_pytorch_programs_round33.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_gradcheck, require_torch

A = np.array([0.5, 2.0, 3.0])
X = np.array([0.3, 2.0, 5.0])


def _incomplete_gamma_names(lib):
    a, x = lib.tensor(A), lib.tensor(X, requires_grad=True)
    return (lib.igamma(a, x).grad_fn.name(), lib.igammac(a, x).grad_fn.name(),
            lib.special.gammainc(a, x).grad_fn.name(), lib.special.gammaincc(a, x).grad_fn.name())


def test_incomplete_gamma_nodes_carry_pytorchs_names():
    # PyTorch: IgammaBackward0 / IgammacBackward0 for torch.igamma and torch.special.gammainc alike (deepgrad
    # showed GammaincBackward0 / GammainccBackward0)
    expected = ("IgammaBackward0", "IgammacBackward0", "IgammaBackward0", "IgammacBackward0")
    assert _incomplete_gamma_names(ag) == expected
    assert _incomplete_gamma_names(require_torch()) == expected


def test_incomplete_gamma_gradients_still_check():
    a = ag.tensor(A)
    check_gradcheck(lambda x: ag.igamma(a, x), [X])
    check_gradcheck(lambda x: ag.igammac(a, x), [X])


def _normal_draws(lib, dtype):
    g = lib.Generator().manual_seed(7)
    lib.rand(4, generator=g)   # move the stream off its start
    state = g.get_state()
    drawn = lib.normal(2.0, 0.5, (4,), generator=g, dtype=dtype)
    g.set_state(state)
    filled = lib.empty(4, dtype=dtype).normal_(2.0, 0.5, generator=g)
    lib.manual_seed(3)
    large = lib.normal(-1.0, 3.0, (40,), dtype=dtype)
    return drawn.numpy(), filled.numpy(), large.numpy()


def test_normal_of_numbers_draws_what_normal_fill_draws():
    # PyTorch: normal(mean, std, size) is empty(size).normal_(mean, std), each draw scaled before it is rounded to
    # float32; deepgrad rounded randn's draw first, then scaled and rounded again (3.2252707 for 3.2252705)
    for dtype in ("float32", "float64"):
        drawn, filled, large = _normal_draws(ag, getattr(ag, dtype))
        np.testing.assert_array_equal(drawn, filled)
        torch = require_torch()
        t_drawn, _, t_large = _normal_draws(torch, getattr(torch, dtype))
        np.testing.assert_array_equal(drawn, t_drawn)
        np.testing.assert_array_equal(large, t_large)


def test_normal_of_numbers_keeps_requires_grad_and_dtype():
    out = ag.normal(1.0, 2.0, (3,), requires_grad=True, dtype=ag.float64)
    assert out.requires_grad and out.is_leaf and out.dtype == ag.float64 and out.grad_fn is None


def _complex_part_names(lib):
    x = lib.tensor(np.arange(8.0).reshape(2, 4), requires_grad=True)
    z = lib.fft.fft(x)
    return z.real.grad_fn.name(), z.imag.grad_fn.name(), lib.real(z).grad_fn.name(), lib.imag(z).grad_fn.name()


def test_real_and_imag_parts_show_pytorchs_select_node():
    # PyTorch: z.real and z.imag are view_as_real(z).select(-1, k): SelectBackward0 (deepgrad showed
    # RealBackward0 / ImagBackward0)
    expected = ("SelectBackward0",) * 4
    assert _complex_part_names(ag) == expected
    assert _complex_part_names(require_torch()) == expected


def test_real_and_imag_gradients_still_check():
    check_gradcheck(lambda x: ag.fft.fft(x).real * ag.fft.fft(x).imag, [np.linspace(-1.0, 2.0, 6)])


def test_soft_margin_loss_refuses_a_target_that_requires_grad():
    # PyTorch: RuntimeError "The function 'soft_margin_loss' is not differentiable with respect to argument
    # 'target'..." (deepgrad returned a loss and a target gradient PyTorch does not define)
    import nn.functional as F
    x = ag.tensor(np.linspace(-1.0, 1.0, 6), requires_grad=True)
    t = ag.tensor(np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0]), requires_grad=True)
    for reduction in ("mean", "none"):
        with pytest.raises(RuntimeError, match="soft_margin_loss.*not differentiable with respect to argument "
                                               "'target'"):
            F.soft_margin_loss(x, t, reduction=reduction)
    with ag.no_grad():
        assert abs(F.soft_margin_loss(x, t).item() - 0.91629617) < 1e-6
    assert F.soft_margin_loss(x, t.detach()).grad_fn.name() == "SoftMarginLossBackward0"
    torch = require_torch()
    import torch.nn.functional as TF
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        TF.soft_margin_loss(torch.tensor(x.detach().numpy(), requires_grad=True),
                            torch.tensor(t.detach().numpy(), requires_grad=True))
    with torch.no_grad():
        assert abs(TF.soft_margin_loss(torch.tensor(x.detach().numpy()), torch.tensor(t.detach().numpy())).item()
                   - 0.91629617) < 1e-6


def _signed_zero_results(lib):
    import importlib
    F = importlib.import_module("torch.nn.functional" if lib.__name__ == "torch" else "nn.functional")
    a = lib.tensor([-0.0, 0.0, -0.0, 0.0, -1.0, 2.0])
    b = lib.tensor([0.0, -0.0, -0.0, 0.0, -0.0, -0.0])
    results = [lib.maximum(a, b), lib.minimum(a, b), lib.max(a, b), F.relu(a), F.relu(a.clone(), inplace=True),
               a.clamp(0.0, 1.0), a.clamp(min=0.0), a.clamp(max=-0.0), a.clamp(min=b), a.clamp(max=b), a.clip(0.0),
               a.clamp_min(0.0), a.clamp_max(0.0)]
    return [[str(v) for v in r.tolist()] for r in results]


def test_ties_keep_the_first_operand_so_negative_zero_survives_as_in_pytorch():
    # PyTorch: maximum/minimum return their first operand on a tie, and relu/clamp keep x, so -0. stays -0.
    # (deepgrad followed NumPy, which returns its second operand: relu(-0.) printed 0. where PyTorch prints -0.)
    ours = _signed_zero_results(ag)
    assert ours[3] == ["-0.0", "0.0", "-0.0", "0.0", "0.0", "2.0"]                 # relu
    assert ours[0] == ["-0.0", "0.0", "-0.0", "0.0", "-0.0", "2.0"]                # maximum
    assert ours[7] == ["-0.0", "0.0", "-0.0", "0.0", "-1.0", "-0.0"]               # clamp(max=-0.)
    assert ours == _signed_zero_results(require_torch())


def test_extremum_and_clamp_gradients_still_check():
    b = ag.tensor(np.array([0.3, -0.2, 0.5, 0.0]))
    check_gradcheck(lambda x: ag.maximum(x, b) + ag.minimum(b, x), [np.array([0.1, -0.6, 0.9, 0.4])])
    check_gradcheck(lambda x: x.clamp(-0.5, 0.5) + x.clamp(min=b) + x.clamp(max=0.2), [np.array([0.1, -0.6, 0.9, 0.4])])


def test_a_jit_replayed_relu_keeps_negative_zero_as_eager_relu_does():
    import nn.functional as F
    step = ag.jit(lambda x: F.relu(x * 2.0))
    x = ag.tensor(np.array([-0.0, -1.0, 0.5, 0.0] * 4, dtype=np.float32))
    for _ in range(3):   # the first call traces, the later ones replay
        out = step(x)
    assert np.signbit(out.numpy()).tolist() == np.signbit(F.relu(x * 2.0).numpy()).tolist() == [True, False, False,
                                                                                              False] * 4
