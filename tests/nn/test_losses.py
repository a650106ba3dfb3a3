"""Losses against torch (every reduction, extreme logits, weights, ignore_index, label smoothing) and gradcheck."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_losses(device, name, reduction):
    torch = pytest.importorskip("torch")
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)) * 2
    check_against_torch(lambda x, y: getattr(F, name)(x, y, reduction=reduction),
                        lambda x, y: getattr(torch.nn.functional, name)(x, y, reduction=reduction),
                        [a, b], device=device, atol=1e-10)
    check_gradcheck(lambda x, y: getattr(F, name)(x, y, reduction=reduction), [a, b], device=device)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 5), (3, 4, 2, 2), (5,)])
def test_cross_entropy_indices(device, reduction, label_smoothing, weighted, shape):
    torch = pytest.importorskip("torch")
    logits = rng.standard_normal(shape) * 3
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    target = rng.integers(0, n_classes, size=tshape)
    if len(shape) > 1:
        target.reshape(-1)[0] = -100  # one ignored sample
    weight = rng.uniform(0.5, 2, n_classes) if weighted else None
    wo = ag.tensor(weight, device=device) if weighted else None
    wt = torch.tensor(weight) if weighted else None
    check_against_torch(
        lambda x: F.cross_entropy(x, ag.tensor(target, device=device), weight=wo, reduction=reduction,
                                  label_smoothing=label_smoothing),
        lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(target), weight=wt, reduction=reduction,
                                                    label_smoothing=label_smoothing),
        [logits], device=device, atol=1e-10)


def test_cross_entropy_probabilities_and_gradcheck(device):
    torch = pytest.importorskip("torch")
    logits = rng.standard_normal((4, 3))
    probs = rng.dirichlet(np.ones(3), size=4)
    for ls in (0.0, 0.1):
        check_against_torch(lambda x, p: F.cross_entropy(x, p, label_smoothing=ls),
                            lambda x, p: torch.nn.functional.cross_entropy(x, p, label_smoothing=ls),
                            [logits, probs], device=device, requires_grad=[True, False], atol=1e-10)
    target = rng.integers(0, 3, 4)
    check_gradcheck(lambda x: F.cross_entropy(x, ag.tensor(target, device=device), label_smoothing=0.1),
                    [logits], device=device)


# float32 logits / t.size: the division by an ElementCount (an int subclass) takes the NumPy-scalar path of
# autograd/ops/elementwise.py and promotes to float64, so cross_entropy returns float64 where torch gives float32
@pytest.mark.parametrize("variant", ["plain", "smoothed", "weighted",
                                     "probabilities", "spatial"])
def test_cross_entropy_extreme_logits_finite_and_exact(device, variant):
    torch = pytest.importorskip("torch")
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], dtype=np.float32)
    target = np.array([1, 0])
    kwargs = {"smoothed": {"label_smoothing": 0.1}}.get(variant, {})
    weight = np.array([0.5, 2.0, 1.0], np.float32)
    if variant == "probabilities":
        target = np.array([[0.2, 0.8, 0.0], [0.5, 0.0, 0.5]], np.float32)
    if variant == "spatial":
        logits, target = logits[:, :, None], target[:, None]
    ours_w = {"weight": ag.tensor(weight, device=device)} if variant == "weighted" else {}
    theirs_w = {"weight": torch.tensor(weight)} if variant == "weighted" else {}
    check_against_torch(lambda x: F.cross_entropy(x, ag.tensor(target, device=device), **kwargs, **ours_w),
                        lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(target), **kwargs, **theirs_w),
                        [logits], device=device, atol=1e-3, rtol=1e-6)


def test_cross_entropy_bad_targets_name_the_value(device):
    logits = ag.zeros(2, 3, device=device)
    for shape in [(2, 3), (2, 3, 2), (3,)]:   # fused path, spatial path, unbatched path
        x = ag.zeros(*shape, device=device)
        t = np.array([[0, 7], [1, 2]] if len(shape) == 3 else [0, 7] if len(shape) == 2 else 7)
        with pytest.raises(IndexError, match="target class 7 is out of range for 3 classes"):
            F.cross_entropy(x, ag.tensor(t, device=device)).item()   # on a GPU: raised when read
    with pytest.raises(IndexError, match="target class -1 is out of range for 3 classes"):
        F.nll_loss(logits, ag.tensor([-1, 0], device=device))
    with pytest.raises(TypeError, match="integers"):
        F.cross_entropy(logits, ag.tensor([0.0, 1.0], device=device))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        F.cross_entropy(logits, ag.tensor([0, 1, 2], device=device))
    with pytest.raises(ValueError, match="targets of shape"):
        F.cross_entropy(ag.zeros(2, 3, 2, device=device), ag.tensor([0, 1], device=device))


def test_cross_entropy_all_ignored_is_nan_not_a_warning(device):
    import warnings
    x = ag.tensor(rng.standard_normal((2, 3)), device=device, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(x, ag.tensor([-100, -100], device=device))
        loss.backward()
    assert np.isnan(loss.item()) and np.isfinite(x.grad.numpy()).all()


def test_cross_entropy_common_case_is_one_node(device):
    x = ag.tensor(rng.standard_normal((4, 3)), device=device, requires_grad=True)
    for reduction in REDUCTIONS:
        loss = F.cross_entropy(x, ag.tensor([0, 2, 1, 1], device=device), reduction=reduction)
        assert loss.grad_fn.parents[0] is x   # straight from the logits: no separate sum/divide nodes


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(device, reduction):
    torch = pytest.importorskip("torch")
    logp = np.log(rng.dirichlet(np.ones(4), size=5))
    target = np.array([0, 3, -100, 2, 1])
    weight = rng.uniform(0.5, 2, 4)
    check_against_torch(
        lambda x: F.nll_loss(x, ag.tensor(target, device=device), weight=ag.tensor(weight, device=device),
                             reduction=reduction),
        lambda x: torch.nn.functional.nll_loss(x, torch.tensor(target), weight=torch.tensor(weight),
                                               reduction=reduction),
        [logp], device=device, atol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses(device, reduction):
    torch = pytest.importorskip("torch")
    logits = np.array([[-1e4, -3.0, 0.0], [0.5, 4.0, 1e4]])
    target = np.array([[0.0, 1.0, 1.0], [0.3, 0.0, 1.0]])
    pos_weight = np.array([1.0, 2.0, 0.5])
    check_against_torch(
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction=reduction,
                                                        pos_weight=ag.tensor(pos_weight, device=device)),
        lambda x, y: torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction=reduction,
                                                                          pos_weight=torch.tensor(pos_weight)),
        [logits, target], device=device, requires_grad=[True, False], atol=1e-10)
    probs = 1 / (1 + np.exp(-np.clip(logits, -5, 5)))
    check_against_torch(lambda p, y: F.binary_cross_entropy(p, y, reduction=reduction),
                        lambda p, y: torch.nn.functional.binary_cross_entropy(p, y, reduction=reduction),
                        [probs, target], device=device, requires_grad=[True, False], atol=1e-10)


def test_hinge_and_kl(device):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((4, 3))
    y01 = rng.integers(0, 2, (4, 3)).astype(np.float64)
    expected = np.maximum(0, 1 - np.where(y01 == 0, -1, 1) * x).mean()
    np.testing.assert_allclose(F.hinge_loss(ag.tensor(x, device=device), ag.tensor(y01, device=device)).item(),
                               expected)
    logp = np.log(rng.dirichlet(np.ones(3), size=4))
    target = rng.dirichlet(np.ones(3), size=4)
    target[0, 0] = 0.0
    for reduction in ("batchmean", "sum"):
        check_against_torch(lambda a, b: F.kl_div(a, b, reduction=reduction),
                            lambda a, b: torch.nn.functional.kl_div(a, b, reduction=reduction),
                            [logp, target], device=device, requires_grad=[True, False], atol=1e-10)


def test_loss_modules_match_functional():
    x, y = ag.tensor(rng.standard_normal((3, 4))), ag.tensor([0, 3, 1])
    assert nn.CrossEntropyLoss(label_smoothing=0.1)(x, y).item() == F.cross_entropy(x, y, label_smoothing=0.1).item()
    assert nn.MSELoss(reduction="sum")(x, x * 2).item() == F.mse_loss(x, x * 2, "sum").item()
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(x, x, reduction="avg")


def test_penalties():
    params = [ag.tensor([1.0, -2.0], requires_grad=True), ag.tensor([3.0], requires_grad=True)]
    assert F.l1_penalty(params).item() == 6.0 and F.l2_penalty(params).item() == 14.0


def test_binary_cross_entropy_at_exact_zero_and_one(device):
    torch = pytest.importorskip("torch")
    import warnings
    probs = np.array([0.0, 1.0, 0.5, 1e-30, 1.0])
    target = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_against_torch(lambda p, y: F.binary_cross_entropy(p, y, weight=np.arange(1.0, 6.0)),
                            lambda p, y: torch.nn.functional.binary_cross_entropy(p, y, torch.arange(1.0, 6.0,
                                                                                                  dtype=p.dtype)),
                            [probs, target], device=device, requires_grad=[True, False], rtol=1e-7)
    with pytest.raises(ValueError, match=r"probability in \[0, 1\].*with_logits"):
        F.binary_cross_entropy(ag.tensor([0.5, 1.5], device=device), ag.tensor([0.0, 1.0], device=device))


GRADCHECKED = {
    "nll_loss": (lambda x: F.nll_loss(x, ag.tensor([0, 2, -100, 1]), weight=np.array([1.0, 2.0, 0.5])),
                 [rng.standard_normal((4, 3))]),
    "cross_entropy_weighted": (lambda x: F.cross_entropy(x, ag.tensor([[0, 2], [1, 1]]), weight=np.array(
        [1.0, 2.0, 0.5]), label_smoothing=0.1), [rng.standard_normal((2, 3, 2))]),
    "cross_entropy_probabilities": (lambda x, p: F.cross_entropy(x, p, reduction="sum"),
                                    [rng.standard_normal((3, 4)), rng.dirichlet(np.ones(4), size=3)]),
    "binary_cross_entropy": (F.binary_cross_entropy, [rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0, 1, (3, 2))]),
    "bce_with_logits": (lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=np.array([2.0, 0.5])),
                        [rng.standard_normal((3, 2)), rng.uniform(0, 1, (3, 2))]),
    "kl_div": (lambda x, y: F.kl_div(x, y, reduction="batchmean"),
               [np.log(rng.dirichlet(np.ones(3), size=2)), rng.dirichlet(np.ones(3), size=2)]),
    "kl_div_log_target": (lambda x, y: F.kl_div(x, y, log_target=True),
                          [np.log(rng.dirichlet(np.ones(3), size=2)), np.log(rng.dirichlet(np.ones(3), size=2))]),
    "hinge_loss": (lambda x: F.hinge_loss(x, ag.tensor([[1, -1], [-1, 1]], device=x.device)),
                   [np.array([[0.3, 0.2], [-2.0, 0.1]])]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKED))
def test_gradcheck_losses(device, name):
    fn, arrays = GRADCHECKED[name]
    check_gradcheck(fn, arrays, device=device)


def test_loss_module_weights_are_buffers_that_move(device):
    loss_fn = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 0.5], np.float32)).to(device)
    assert list(loss_fn.state_dict()) == ["weight"] and loss_fn.weight.device == ag.device(device)
    x = ag.tensor(rng.standard_normal((4, 3)).astype(np.float32), device=device)   # the weight's dtype, as PyTorch
    y = ag.tensor([0, 1, 2, 1], device=device)
    expected = F.cross_entropy(x, y, weight=np.array([1.0, 2.0, 0.5]))
    np.testing.assert_allclose(loss_fn(x, y).item(), expected.item(), rtol=1e-6)
    assert list(nn.BCEWithLogitsLoss(pos_weight=ag.ones(3)).state_dict()) == ["pos_weight"]
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="batchmean")
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"


def test_loss_modules_take_pytorchs_arguments_in_pytorchs_order():
    import inspect
    import warnings
    torch = pytest.importorskip("torch")
    for name in ("L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
                 "MarginRankingLoss", "CosineEmbeddingLoss", "TripletMarginLoss", "HuberLoss", "SmoothL1Loss"):
        ours, theirs = (list(inspect.signature(getattr(lib, name).__init__).parameters)
                        for lib in (nn, torch.nn))
        assert ours == theirs, name
    x, y = np.array([[0.2, -1.0], [1.5, 0.3]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    for kwargs in ({"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = torch.nn.MSELoss(**kwargs)(torch.tensor(x), torch.tensor(y)).numpy()
            want_ce = torch.nn.CrossEntropyLoss(None, **kwargs)(torch.tensor(x), torch.tensor([1, 0])).numpy()
        np.testing.assert_allclose(nn.MSELoss(**kwargs)(ag.tensor(x), ag.tensor(y)).numpy(), want)
        np.testing.assert_allclose(nn.CrossEntropyLoss(None, **kwargs)(ag.tensor(x), ag.tensor([1, 0])).numpy(),
                                   want_ce)
