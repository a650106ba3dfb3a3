"""margin_ranking_loss, cosine_embedding_loss and triplet_margin_loss (and their modules) against PyTorch,
forward and gradients, every reduction, float32 and float64; gradcheck in float64; bad shapes named."""
import numpy as np
import pytest

import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck

RNG = np.random.default_rng(11)
REDUCTIONS = ["none", "mean", "sum"]


def _pm1(n):
    return np.where(RNG.random(n) > 0.5, 1.0, -1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_margin_ranking_loss(device, reduction, dtype):
    a, b, y = (RNG.standard_normal(7).astype(dtype), RNG.standard_normal(7).astype(dtype), _pm1(7).astype(dtype))
    check_against_torch(lambda x1, x2, t: F.margin_ranking_loss(x1, x2, t, margin=0.3, reduction=reduction),
                        lambda x1, x2, t: __import__("torch").nn.functional.margin_ranking_loss(
                            x1, x2, t, margin=0.3, reduction=reduction),
                        [a, b, y], device=device, requires_grad=[True, True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(6, 4), (5,)])
def test_cosine_embedding_loss(device, reduction, shape):
    a, b = RNG.standard_normal(shape).astype(np.float32), RNG.standard_normal(shape).astype(np.float32)
    y = _pm1(shape[0]).astype(np.float32) if len(shape) == 2 else np.array(-1.0, np.float32)
    check_against_torch(lambda x1, x2, t: F.cosine_embedding_loss(x1, x2, t, margin=-0.2, reduction=reduction),
                        lambda x1, x2, t: __import__("torch").nn.functional.cosine_embedding_loss(
                            x1, x2, t, margin=-0.2, reduction=reduction),
                        [a, b, y], device=device, requires_grad=[True, True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap", [(2, False), (1, True), (3, False)])
def test_triplet_margin_loss(device, reduction, p, swap):
    a, pos, neg = (RNG.standard_normal((6, 5)).astype(np.float64) for _ in range(3))
    check_against_torch(lambda x, y, z: F.triplet_margin_loss(x, y, z, margin=1.5, p=p, swap=swap, reduction=reduction),
                        lambda x, y, z: __import__("torch").nn.functional.triplet_margin_loss(
                            x, y, z, margin=1.5, p=p, swap=swap, reduction=reduction),
                        [a, pos, neg], device=device)


def test_modules_match_pytorch():
    torch = pytest.importorskip("torch")
    a, b, c = (RNG.standard_normal((4, 3)).astype(np.float32) for _ in range(3))
    y = _pm1(4).astype(np.float32)
    pairs = [(nn.MarginRankingLoss(0.1), torch.nn.MarginRankingLoss(0.1), (a[:, 0], b[:, 0], y)),
             (nn.CosineEmbeddingLoss(0.2, reduction="sum"), torch.nn.CosineEmbeddingLoss(0.2, reduction="sum"), (a, b, y)),
             (nn.TripletMarginLoss(margin=2.0, swap=True), torch.nn.TripletMarginLoss(margin=2.0, swap=True), (a, b, c))]
    import autograd as ag
    for ours, theirs, arrays in pairs:
        np.testing.assert_allclose(ours(*map(ag.tensor, arrays)).item(), theirs(*map(torch.tensor, arrays)).item(),
                                   rtol=1e-6)


def test_gradcheck_float64():
    a, b, c = (RNG.standard_normal((4, 3)) for _ in range(3))
    y = _pm1(4)
    check_gradcheck(lambda x1, x2, t: F.cosine_embedding_loss(x1, x2, t, margin=-0.5), [a, b, y],
                    requires_grad=[True, True, False])
    check_gradcheck(lambda x, p, n: F.triplet_margin_loss(x, p, n, margin=3.0, swap=True), [a, b, c])
    check_gradcheck(lambda x1, x2, t: F.margin_ranking_loss(x1, x2, t, margin=10.0), [a[:, 0], b[:, 0], y],
                    requires_grad=[True, True, False])


def test_bad_shapes_name_the_loss_and_shapes():
    import autograd as ag
    with pytest.raises(ValueError, match=r"margin_ranking_loss: input1 \(3,\), input2 \(4,\), target \(3,\) must have"):
        F.margin_ranking_loss(ag.zeros(3), ag.zeros(4), ag.ones(3))
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: .* got inputs \(2, 3\) and target \(3,\)"):
        F.cosine_embedding_loss(ag.zeros(2, 3), ag.zeros(2, 3), ag.ones(3))
    with pytest.raises(ValueError, match=r"triplet_margin_loss: margin must be greater than 0"):
        F.triplet_margin_loss(ag.zeros(2, 3), ag.zeros(2, 3), ag.zeros(2, 3), margin=0)
