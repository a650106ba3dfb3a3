"""grid_sample and affine_grid, hinge_embedding / multilabel_margin / triplet_margin_with_distance losses, pdist
and gumbel_softmax: against PyTorch (forward and gradients), float64 gradcheck, modules, and bad input named;
gumbel_softmax by its statistics, its straight-through gradient and its reproducibility."""
import itertools
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch

REDUCTIONS = ["none", "mean", "sum"]
SAMPLING = list(itertools.product(["bilinear", "nearest"], ["zeros", "border", "reflection"], [False, True]))
F64 = dict(atol=1e-12, rtol=1e-10)


def _grid_sample(mode, padding_mode, align_corners):
    return (lambda x, g: F.grid_sample(x, g, mode, padding_mode, align_corners),
            lambda x, g: torch.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners))


@pytest.mark.parametrize("mode,padding_mode,align_corners", SAMPLING)
def test_grid_sample_matches_torch(device, mode, padding_mode, align_corners):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5))
    grid = rng.uniform(-1.7, 1.7, (2, 3, 4, 2))   # a third of the points fall outside [-1, 1]
    check_against_torch(*_grid_sample(mode, padding_mode, align_corners), [x, grid], device, **F64)


@pytest.mark.parametrize("mode,padding_mode,align_corners", SAMPLING[::3] + SAMPLING[1::5])
def test_grid_sample_float32_and_5d(device, mode, padding_mode, align_corners):
    rng = np.random.default_rng(1)
    ours, theirs = _grid_sample(mode, padding_mode, align_corners)
    x, grid = rng.standard_normal((2, 2, 4, 5)).astype(np.float32), rng.uniform(-1.5, 1.5, (2, 3, 3, 2))
    check_against_torch(ours, theirs, [x, grid.astype(np.float32)], device, atol=1e-5, rtol=1e-4)
    volume, grid = rng.standard_normal((2, 2, 3, 4, 5)), rng.uniform(-1.5, 1.5, (2, 2, 3, 2, 3))
    check_against_torch(ours, theirs, [volume, grid], device, **F64)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_edges_and_unit_dims(device, padding_mode, align_corners):
    """Points exactly on pixel centres and image edges (an identity grid), and a one-pixel-high input."""
    rng = np.random.default_rng(2)
    identity = np.array([[[1.0, 0, 0], [0, 1, 0]]] * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch's note on unit-size grids
        grid = torch.nn.functional.affine_grid(torch.tensor(identity), (2, 1, 4, 5), align_corners).numpy()
    for mode in ("bilinear", "nearest"):
        ours, theirs = _grid_sample(mode, padding_mode, align_corners)
        check_against_torch(ours, theirs, [rng.standard_normal((2, 1, 4, 5)), grid], device, **F64)
        check_against_torch(ours, theirs, [rng.standard_normal((2, 2, 1, 4)), rng.uniform(-2, 2, (2, 2, 3, 2))],
                            device, **F64)


def _off_boundary_grid(rng, shape, size, align_corners):
    """Normalised points whose pixel coordinates are k + f with f in [0.1, 0.4] (away from the pixel centres
    where bilinear bends and from the halves where nearest jumps), some outside the input."""
    pixels = rng.integers(-3, size + 2, shape) + rng.uniform(0.1, 0.4, shape)
    return pixels * 2 / (size - 1) - 1 if align_corners else (pixels * 2 + 1) / size - 1


@pytest.mark.parametrize("mode,padding_mode,align_corners", SAMPLING)
def test_grid_sample_gradcheck(device, mode, padding_mode, align_corners):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 4, 4))
    grid = _off_boundary_grid(rng, (1, 2, 3, 2), 4, align_corners)
    check_gradcheck(lambda a, g: F.grid_sample(a, g, mode, padding_mode, align_corners), [x, grid], device)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 3, 1, 5), (2, 1, 3, 4, 2)])
def test_affine_grid_matches_torch(device, align_corners, size):
    rng = np.random.default_rng(4)
    k = len(size) - 2
    theta = rng.standard_normal((2, k, k + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_against_torch(lambda t: F.affine_grid(t, size, align_corners),
                            lambda t: torch.nn.functional.affine_grid(t, size, align_corners), [theta], device, **F64)


def test_spatial_transformer_gradcheck(device):
    """affine_grid then grid_sample: the gradient reaches theta through the sampling points."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 2, 5, 5))
    theta = np.array([[[0.9, 0.1, 0.05], [-0.1, 0.8, 0.1]], [[1.1, -0.2, -0.1], [0.15, 0.95, 0.0]]])
    check_gradcheck(lambda a, t: F.grid_sample(a, F.affine_grid(t, (2, 2, 4, 3), False), padding_mode="border",
                                               align_corners=False), [x, theta], device, requires_grad=[False, True])


def test_grid_sample_align_corners_none_is_false_without_warning():
    rng = np.random.default_rng(6)
    x, grid = ag.tensor(rng.standard_normal((1, 1, 3, 3))), ag.tensor(rng.uniform(-1, 1, (1, 2, 2, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(F.grid_sample(x, grid).numpy(),
                                      F.grid_sample(x, grid, align_corners=False).numpy())
        theta = ag.eye(2, 3).unsqueeze(0)
        np.testing.assert_array_equal(F.affine_grid(theta, (1, 1, 2, 2)).numpy(),
                                      F.affine_grid(theta, (1, 1, 2, 2), False).numpy())


def test_grid_sample_bad_input():
    x, grid = ag.zeros((2, 3, 4, 5)), ag.zeros((2, 3, 3, 2))
    with pytest.raises(ValueError, match=r"grid_sample: mode must be one of.*'bicubic'.*'area'"):
        F.grid_sample(x, grid, mode="area")
    with pytest.raises(ValueError, match=r"grid_sample: bicubic interpolation only supports 4-D input"):
        F.grid_sample(ag.zeros((2, 3, 4, 5, 6)), ag.zeros((2, 1, 3, 3, 3)), mode="bicubic")
    with pytest.raises(ValueError, match=r"grid_sample: padding_mode must be one of.*'wrap'"):
        F.grid_sample(x, grid, padding_mode="wrap")
    with pytest.raises(ValueError, match=r"grid_sample: expects input \(N, C, H, W\).*\(2, 3, 4, 5\).*\(2, 3, 3, 3\)"):
        F.grid_sample(x, ag.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"grid_sample: .*the same N.*\(1, 3, 3, 2\)"):
        F.grid_sample(x, ag.zeros((1, 3, 3, 2)))
    with pytest.raises(ValueError, match=r"grid_sample: expects input.*\(3, 4, 5\)"):
        F.grid_sample(ag.zeros((3, 4, 5)), grid)
    with pytest.raises(TypeError, match=r"grid_sample: input and grid must be float tensors of one dtype.*float64"):
        F.grid_sample(x, grid.double())
    with pytest.raises(TypeError, match=r"affine_grid: theta must be a float tensor"):
        F.affine_grid(ag.zeros((2, 2, 3), dtype=ag.int64), (2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"affine_grid: for size \(2, 3, 4, 5\) theta must be \(2, 2, 3\).*"
                                         r"\(2, 3, 4\)"):
        F.affine_grid(ag.zeros((2, 3, 4)), (2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"affine_grid: size must be \(N, C, H, W\)"):
        F.affine_grid(ag.zeros((2, 2, 3)), (2, 3, 4))


# -- losses -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3)), ((4, 3), (3,)), ((), ())])
def test_hinge_embedding_loss(device, reduction, shapes):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shapes[0]) * 2
    y = rng.choice([-1.0, 1.0, 0.0], shapes[1])   # torch gives an entry that is neither 1 nor -1 both terms
    check_against_torch(lambda a, b: F.hinge_embedding_loss(a, b, 0.7, reduction=reduction),
                        lambda a, b: torch.nn.functional.hinge_embedding_loss(a, b, 0.7, reduction=reduction),
                        [x, y], device, requires_grad=[True, False], **F64)


def _label_lists(rng, shape):
    """Targets listing classes up to a -1 (then anything), with a repeated class in the first row."""
    n_classes = shape[-1] if shape else 1
    target = rng.integers(-1, n_classes, shape)
    if len(shape) == 2:
        target[0, :4] = [1, 1, 0, -1]
    return target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 5), (5,), ()])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multilabel_margin_loss(device, reduction, shape, dtype):
    rng = np.random.default_rng(8)
    x = rng.standard_normal(shape).astype(dtype)
    tol = F64 if dtype == np.float64 else dict(atol=1e-6, rtol=1e-5)
    check_against_torch(lambda a, b: F.multilabel_margin_loss(a, b, reduction=reduction),
                        lambda a, b: torch.nn.functional.multilabel_margin_loss(a, b, reduction=reduction),
                        [x, _label_lists(rng, shape)], device, **tol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("shape", [(4, 3), (3,)])
@pytest.mark.parametrize("custom", [False, True])
def test_triplet_margin_with_distance_loss(device, reduction, swap, shape, custom):
    rng = np.random.default_rng(9)
    arrays = [rng.standard_normal(shape) for _ in range(3)]
    ours_d = (lambda u, v: 1 - F.cosine_similarity(u, v, dim=-1)) if custom else None
    theirs_d = (lambda u, v: 1 - torch.nn.functional.cosine_similarity(u, v, dim=-1)) if custom else None
    check_against_torch(lambda a, p, n: F.triplet_margin_with_distance_loss(
                            a, p, n, distance_function=ours_d, margin=0.8, swap=swap, reduction=reduction),
                        lambda a, p, n: torch.nn.functional.triplet_margin_with_distance_loss(
                            a, p, n, distance_function=theirs_d, margin=0.8, swap=swap, reduction=reduction),
                        arrays, device, **F64)


def test_losses_gradcheck(device):
    rng = np.random.default_rng(10)
    signs = ag.tensor(rng.choice([-1.0, 1.0], (3, 4)), device=device)
    check_gradcheck(lambda a: F.hinge_embedding_loss(a, signs, 0.5), [rng.standard_normal((3, 4))], device)
    labels = ag.tensor(_label_lists(rng, (4, 5)), device=device)
    check_gradcheck(lambda a: F.multilabel_margin_loss(a, labels, reduction="sum"), [rng.standard_normal((4, 5))],
                    device)
    check_gradcheck(lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, swap=True, margin=2.0),
                    [rng.standard_normal((4, 3)) for _ in range(3)], device)


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")
def test_loss_modules_match_torch():
    real_torch = require_torch()
    rng = np.random.default_rng(11)
    x, y = rng.standard_normal((5, 4)), rng.choice([-1.0, 1.0], (5, 4))
    labels = _label_lists(rng, (5, 4))
    a, p, n = (rng.standard_normal((5, 4)) for _ in range(3))
    cases = [(nn.HingeEmbeddingLoss(margin=0.5, reduction="sum"),
              real_torch.nn.HingeEmbeddingLoss(margin=0.5, reduction="sum"), (x, y)),
             (nn.HingeEmbeddingLoss(size_average=False), real_torch.nn.HingeEmbeddingLoss(size_average=False), (x, y)),
             (nn.MultiLabelMarginLoss(reduction="none"), real_torch.nn.MultiLabelMarginLoss(reduction="none"),
              (x, labels)),
             (nn.MultiLabelMarginLoss(reduce=False), real_torch.nn.MultiLabelMarginLoss(reduce=False), (x, labels)),
             (nn.TripletMarginWithDistanceLoss(margin=1.5, swap=True),
              real_torch.nn.TripletMarginWithDistanceLoss(margin=1.5, swap=True), (a, p, n)),
             (nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1)),
              real_torch.nn.TripletMarginWithDistanceLoss(distance_function=real_torch.nn.PairwiseDistance(p=1)),
              (a, p, n))]
    for ours, theirs, arrays in cases:
        got = ours(*[ag.tensor(v) for v in arrays]).numpy()
        want = theirs(*[real_torch.tensor(v) for v in arrays]).numpy()
        np.testing.assert_allclose(got, want, **F64, err_msg=type(ours).__name__)


def test_loss_bad_input():
    x = ag.randn(3, 4)
    with pytest.raises(ValueError, match=r"hinge_embedding_loss: input shape \(3, 4\) and target shape \(5,\)"):
        F.hinge_embedding_loss(x, ag.ones(5))
    with pytest.raises(ValueError, match=r"hinge_embedding_loss: reduction must be one of"):
        F.hinge_embedding_loss(x, ag.ones(4), reduction="avg")
    with pytest.raises(ValueError, match=r"multilabel_margin_loss: input must be \(N, C\).*\(3, 4\).*\(3, 5\)"):
        F.multilabel_margin_loss(x, ag.zeros((3, 5), dtype=ag.int64))
    with pytest.raises(TypeError, match=r"multilabel_margin_loss: target must hold integer.*long\(\)"):
        F.multilabel_margin_loss(x, ag.zeros((3, 4)))
    with pytest.raises(IndexError, match=r"multilabel_margin_loss: target out of range.*\[0, 4\)"):
        F.multilabel_margin_loss(x, ag.full((3, 4), 4, dtype=ag.int64))
    with pytest.raises(ValueError, match=r"triplet_margin_with_distance_loss: margin must be greater than 0"):
        F.triplet_margin_with_distance_loss(x, x, x, margin=0)
    with pytest.raises(ValueError, match=r"triplet_margin_with_distance_loss: .*same number of dims.*\(4,\)"):
        F.triplet_margin_with_distance_loss(x, x, ag.randn(4))
    with pytest.raises(ValueError, match=r"TripletMarginWithDistanceLoss: margin must be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)


# -- pdist ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [1, 2, 3, 0.5, float("inf")])
def test_pdist_matches_torch(device, p):
    x = np.random.default_rng(12).standard_normal((5, 3))
    check_against_torch(lambda a: F.pdist(a, p), lambda a: torch.pdist(a, p), [x], device, **F64)
    check_against_torch(lambda a: ag.pdist(a, p), lambda a: torch.nn.functional.pdist(a, p), [x[:2]], device, **F64)


def test_pdist_gradcheck_and_edge_cases(device):
    rng = np.random.default_rng(13)
    for p in (2, 1.5):
        check_gradcheck(lambda a: ag.pdist(a, p), [rng.standard_normal((4, 3))], device)
    rows = ag.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]], device=device, requires_grad=True)
    ag.pdist(rows).sum().backward()   # the zero distance between the equal rows has gradient 0, as in torch
    np.testing.assert_allclose(rows.grad.numpy(), np.array([[1, 2], [1, 2], [-2, -4]]) / np.sqrt(5), atol=1e-7)
    assert F.pdist(ag.randn(1, 3, device=device)).shape == (0,)
    np.testing.assert_array_equal(ag.pdist(ag.tensor([[0.0, 1.0], [0.0, 3.0], [2.0, 3.0]]), 0).numpy(), [1, 2, 1])
    with pytest.raises(ValueError, match=r"pdist: expects a 2-D input \(N, M\), got shape Size\(\[3\]\)"):
        ag.pdist(ag.randn(3))
    with pytest.raises(ValueError, match=r"pdist: p must be a non-negative number, got -1"):
        ag.pdist(ag.randn(3, 2), p=-1)


# -- gumbel_softmax ---------------------------------------------------------------------------------------

LOGITS = np.array([0.5, -1.0, 2.0, 0.0])


def _draws(device, n, **kwargs):
    logits = ag.tensor(np.tile(LOGITS, (n, 1)), device=device)
    return F.gumbel_softmax(logits, **kwargs).numpy()


def test_gumbel_softmax_statistics(device):
    n = 20000
    probs = np.exp(LOGITS) / np.exp(LOGITS).sum()
    hard = _draws(device, n, hard=True)
    np.testing.assert_allclose(hard.mean(0), probs, atol=0.015)   # the Gumbel-max trick: exact category draws
    cold = _draws(device, n, tau=0.05)                             # a low temperature: nearly one-hot samples
    np.testing.assert_allclose(cold.mean(0), probs, atol=0.02)
    soft = _draws(device, n)
    np.testing.assert_allclose(soft.sum(1), 1.0, rtol=1e-12)
    real_torch = require_torch()
    real_torch.manual_seed(0)
    theirs = real_torch.nn.functional.gumbel_softmax(real_torch.tensor(np.tile(LOGITS, (n, 1)))).numpy()
    np.testing.assert_allclose(soft.mean(0), theirs.mean(0), atol=0.02)   # same distribution at tau = 1
    np.testing.assert_allclose(soft.std(0), theirs.std(0), atol=0.02)


def test_gumbel_softmax_hard_is_one_hot_with_soft_gradient(device):
    logits = ag.tensor(np.random.default_rng(14).standard_normal((6, 5)), device=device, requires_grad=True)
    cotangent = ag.tensor(np.random.default_rng(15).standard_normal((6, 5)), device=device)
    ag.manual_seed(7)
    soft = F.gumbel_softmax(logits, tau=0.7, dim=0)
    (soft * cotangent).sum().backward()
    soft_grad, logits.grad = logits.grad.numpy().copy(), None
    ag.manual_seed(7)
    hard = F.gumbel_softmax(logits, tau=0.7, hard=True, dim=0)
    (hard * cotangent).sum().backward()
    expected = np.zeros((6, 5))
    expected[soft.numpy().argmax(0), np.arange(5)] = 1
    np.testing.assert_array_equal(hard.numpy(), expected)
    np.testing.assert_allclose(logits.grad.numpy(), soft_grad, atol=1e-12)


def test_gumbel_softmax_reproducible_under_manual_seed(device):
    ag.manual_seed(3)
    first = _draws(device, 4)
    ag.manual_seed(3)
    np.testing.assert_array_equal(_draws(device, 4), first)
    assert not np.array_equal(_draws(device, 4), first)
    with pytest.warns(UserWarning, match="gumbel_softmax: the eps argument is deprecated"):
        F.gumbel_softmax(ag.zeros(3), eps=1e-5)
    with pytest.raises(TypeError, match=r"gumbel_softmax: logits must be a float tensor.*\.float\(\)"):
        F.gumbel_softmax(ag.zeros(3, dtype=ag.int64))
