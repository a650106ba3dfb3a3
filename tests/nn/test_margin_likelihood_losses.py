"""soft_margin, multilabel_soft_margin, multi_margin, poisson_nll and gaussian_nll losses against PyTorch
(forward and gradients in float32 and float64, every reduction), gradcheck, modules and bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

REDUCTIONS = ["none", "mean", "sum"]
DTYPES = [np.float32, np.float64]


def _tol(dtype):
    return dict(atol=1e-6, rtol=1e-5) if dtype == np.float32 else dict(atol=1e-12, rtol=1e-10)


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", [((4, 5), (4, 5)), ((3, 4), (4,)), ((), ())])
def test_soft_margin_loss(device, reduction, dtype, shapes):
    import torch.nn.functional as TF
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shapes[0]) * 3).astype(dtype)
    y = _signs(rng, shapes[1]).astype(dtype)
    check_against_torch(lambda a, b: F.soft_margin_loss(a, b, reduction=reduction),
                        lambda a, b: TF.soft_margin_loss(a, b, reduction=reduction), [x, y], device,
                        requires_grad=[True, False], **_tol(dtype))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 4)])
def test_multilabel_soft_margin_loss(device, reduction, dtype, weighted, shape):
    import torch.nn.functional as TF
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    y = (rng.random(shape) < 0.5).astype(dtype)
    arrays = [x, y] + ([rng.random(shape[-1]).astype(dtype)] if weighted else [])
    check_against_torch(lambda a, b, *w: F.multilabel_soft_margin_loss(a, b, *w, reduction=reduction),
                        lambda a, b, *w: TF.multilabel_soft_margin_loss(a, b, *w, reduction=reduction),
                        arrays, device, requires_grad=[True, False, True][:len(arrays)], **_tol(dtype))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_multi_margin_loss(device, reduction, dtype, p, weighted, margin):
    import torch.nn.functional as TF
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 4)).astype(dtype)
    y = rng.integers(0, 4, 6)
    arrays = [x, y] + ([rng.random(4).astype(dtype)] if weighted else [])
    check_against_torch(lambda a, b, *w: F.multi_margin_loss(a, b, p, margin, *w, reduction=reduction),
                        lambda a, b, *w: TF.multi_margin_loss(a, b, p, margin, *w, reduction=reduction),
                        arrays, device, requires_grad=[True, False, False][:len(arrays)], **_tol(dtype))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_loss_single_sample(device, reduction):
    import torch.nn.functional as TF
    rng = np.random.default_rng(3)
    x = rng.standard_normal(5)
    check_against_torch(lambda a, b: F.multi_margin_loss(a, b, reduction=reduction),
                        lambda a, b: TF.multi_margin_loss(a, b, reduction=reduction), [x, np.array(3)], device,
                        requires_grad=[True, False], atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss(device, reduction, dtype, log_input, full):
    import torch.nn.functional as TF
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((4, 5)) if log_input else rng.random((4, 5)) * 3 + 0.05).astype(dtype)
    y = rng.poisson(2.0, (4, 5)).astype(dtype)
    check_against_torch(lambda a, b: F.poisson_nll_loss(a, b, log_input, full, reduction=reduction),
                        lambda a, b: TF.poisson_nll_loss(a, b, log_input, full, reduction=reduction), [x, y],
                        device, requires_grad=[True, False], **_tol(dtype))


def test_poisson_nll_loss_eps_and_broadcast(device):
    import torch.nn.functional as TF
    rng = np.random.default_rng(5)
    x = np.abs(rng.standard_normal((3, 4))) + np.array([0.0, 0.1, 0.2, 0.3])
    y = rng.poisson(3.0, 4).astype(np.float64)
    check_against_torch(lambda a, b: F.poisson_nll_loss(a, b, log_input=False, eps=1e-3),
                        lambda a, b: TF.poisson_nll_loss(a, b, log_input=False, eps=1e-3), [x, y], device,
                        requires_grad=[True, False], atol=1e-12, rtol=1e-10)


VAR_SHAPES = [(4, 3), (4,), (4, 1), (1, 3)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", VAR_SHAPES)
def test_gaussian_nll_loss(device, reduction, dtype, full, var_shape):
    import torch.nn.functional as TF
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3)).astype(dtype)
    y = rng.standard_normal((4, 3)).astype(dtype)
    v = (rng.random(var_shape) + 0.1).astype(dtype)
    v.flat[0] = 1e-9   # below eps: clamped in the forward, the gradient still passes through
    check_against_torch(lambda a, b, c: F.gaussian_nll_loss(a, b, c, full, reduction=reduction),
                        lambda a, b, c: TF.gaussian_nll_loss(a, b, c, full, reduction=reduction), [x, y, v], device,
                        **_tol(dtype))


def test_gaussian_nll_loss_float_var(device):
    import torch.nn.functional as TF
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
    check_against_torch(lambda a, b: F.gaussian_nll_loss(a, b, 0.7), lambda a, b: TF.gaussian_nll_loss(a, b, 0.7),
                        [x, y], device, atol=1e-12, rtol=1e-10)


def test_gradcheck_float64(device):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 4))
    signs, bits = _signs(rng, (3, 4)), (rng.random((3, 4)) < 0.5) * 1.0
    check_gradcheck(lambda a, b: F.soft_margin_loss(a, b), [x, signs], device, requires_grad=[True, False])
    check_gradcheck(lambda a, w: F.multilabel_soft_margin_loss(a, ag.tensor(bits, device=w.device), w),
                    [x, rng.random(4)], device)
    target = ag.tensor(rng.integers(0, 4, 3), device=device)
    for p in (1, 2):   # torch refuses a weight that requires grad; ours differentiates it too
        check_gradcheck(lambda a, w: F.multi_margin_loss(a, target, p, 0.7, w), [x, rng.random(4)], device)
    counts = rng.poisson(2.0, (3, 4)).astype(np.float64)
    check_gradcheck(lambda a, b: F.poisson_nll_loss(a, b, full=True), [x, counts], device,
                    requires_grad=[True, False])
    check_gradcheck(lambda a, b: F.poisson_nll_loss(a, b, log_input=False), [np.abs(x) + 0.5, counts], device,
                    requires_grad=[True, False])
    check_gradcheck(lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=True),
                    [x, rng.standard_normal((3, 4)), rng.random((3, 1)) + 0.5], device)


def test_modules_match_functional():
    import torch
    rng = np.random.default_rng(9)
    x = rng.standard_normal((5, 4))
    y_sign, y_bits = _signs(rng, (5, 4)), (rng.random((5, 4)) < 0.5) * 1.0
    y_class, w = rng.integers(0, 4, 5), rng.random(4)
    var = rng.random((5, 4)) + 0.2
    cases = [(nn.SoftMarginLoss(reduction="sum"), torch.nn.SoftMarginLoss(reduction="sum"), (x, y_sign)),
             (nn.MultiLabelSoftMarginLoss(ag.tensor(w)), torch.nn.MultiLabelSoftMarginLoss(torch.tensor(w)),
              (x, y_bits)),
             (nn.MultiMarginLoss(p=2, margin=0.5, weight=ag.tensor(w)),
              torch.nn.MultiMarginLoss(p=2, margin=0.5, weight=torch.tensor(w)), (x, y_class)),
             (nn.PoissonNLLLoss(full=True, reduction="none"), torch.nn.PoissonNLLLoss(full=True, reduction="none"),
              (x, y_bits * 3)),
             (nn.GaussianNLLLoss(full=True, eps=1e-3), torch.nn.GaussianNLLLoss(full=True, eps=1e-3),
              (x, y_bits, var)),
             (nn.SoftMarginLoss(size_average=False), torch.nn.SoftMarginLoss(size_average=False), (x, y_sign))]
    for ours, theirs, arrays in cases:
        got = ours(*[ag.tensor(a) for a in arrays]).numpy()
        want = theirs(*[torch.tensor(a) for a in arrays]).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=type(ours).__name__)
    assert "weight" in dict(nn.MultiMarginLoss(weight=ag.tensor(w)).named_buffers())


def test_bad_input_errors():
    x = ag.randn(3, 4)
    with pytest.raises(ValueError, match=r"multi_margin_loss: only p == 1 and p == 2"):
        F.multi_margin_loss(x, ag.tensor([0, 1, 2]), p=3)
    with pytest.raises(IndexError, match=r"multi_margin_loss: target out of range.*\[0, 4\)"):
        F.multi_margin_loss(x, ag.tensor([0, 1, 4]))
    with pytest.raises(TypeError, match=r"multi_margin_loss: target must hold integer.*long\(\)"):
        F.multi_margin_loss(x, ag.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"multi_margin_loss: input must be \(N, C\).*\(3, 4\).*\(2,\)"):
        F.multi_margin_loss(x, ag.tensor([0, 1]))
    with pytest.raises(ValueError, match=r"multi_margin_loss: weight must be one-dimensional"):
        F.multi_margin_loss(x, ag.tensor([0, 1, 2]), weight=ag.ones((2, 2)))
    with pytest.raises(ValueError, match=r"multilabel_soft_margin_loss: input shape \(3, 4\) and target shape"):
        F.multilabel_soft_margin_loss(x, ag.ones((3, 5)))
    with pytest.raises(ValueError, match=r"soft_margin_loss: input shape \(3, 4\) and target shape \(5,\)"):
        F.soft_margin_loss(x, ag.ones(5))
    with pytest.raises(ValueError, match=r"poisson_nll_loss: reduction must be one of"):
        F.poisson_nll_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var shape \(3, 2\) does not fit input shape"):
        F.gaussian_nll_loss(x, x, ag.ones((3, 2)))
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var has negative"):
        F.gaussian_nll_loss(x, x, -ag.ones((3, 4)))
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var has negative"):
        F.gaussian_nll_loss(x, x, -1.0)
    with pytest.raises(TypeError, match=r"soft_margin_loss"):
        F.soft_margin_loss(x, [1.0] * 4)
