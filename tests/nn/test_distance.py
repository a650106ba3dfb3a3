"""cosine_similarity, pairwise_distance, normalize and their modules against torch; gradcheck; errors."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand


@pytest.mark.parametrize("shapes,dim", [(((4, 5), (4, 5)), 1), (((3, 4, 5), (3, 4, 5)), -1),
                                        (((2, 3, 4), (1, 3, 4)), 0), (((5, 3), (3,)), 1), (((0, 3), (0, 3)), 1)])
def test_cosine_similarity_matches_torch(device, shapes, dim):
    torch = pytest.importorskip("torch")
    arrays = [rand(s, seed=k) for k, s in enumerate(shapes)]
    check_against_torch(lambda a, b: F.cosine_similarity(a, b, dim=dim),
                        lambda a, b: torch.nn.functional.cosine_similarity(a, b, dim=dim), arrays, device=device)


def test_cosine_similarity_small_norm_follows_torch_gradient(device):
    """A norm below eps counts as eps in the value, while the gradient still sees the norm (PyTorch's rule)."""
    torch = pytest.importorskip("torch")
    small = rand((4, 5), seed=1) * 1e-6
    check_against_torch(lambda a, b: F.cosine_similarity(a, b, eps=1e-4),
                        lambda a, b: torch.nn.functional.cosine_similarity(a, b, eps=1e-4),
                        [small, rand((4, 5), seed=2)], device=device, rtol=1e-6)
    zero = np.zeros((2, 3))
    check_against_torch(lambda a, b: F.cosine_similarity(a, b),
                        lambda a, b: torch.nn.functional.cosine_similarity(a, b), [zero, rand((2, 3), seed=3)],
                        device=device)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance_matches_torch(device, p, keepdim):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda a, b: F.pairwise_distance(a, b, p=p, keepdim=keepdim),
                        lambda a, b: torch.nn.functional.pairwise_distance(a, b, p=p, keepdim=keepdim),
                        [rand((6, 4), seed=1), rand((6, 4), seed=2)], device=device)


def test_pairwise_distance_broadcasts_and_empty(device):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda a, b: F.pairwise_distance(a, b, eps=0.1),
                        lambda a, b: torch.nn.functional.pairwise_distance(a, b, eps=0.1),
                        [rand((2, 3, 4), seed=1), rand((4,), seed=2)], device=device)
    out = F.pairwise_distance(ag.tensor(np.zeros((0, 3)), device=device), ag.tensor(np.zeros((0, 3)), device=device))
    assert out.shape == (0,)


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1), (math.inf, 1)])
def test_normalize_matches_torch(device, p, dim):
    torch = pytest.importorskip("torch")
    x = rand((3, 4, 5), seed=1)
    x[0, :, 0] = 0.0   # a zero vector stays zero
    check_against_torch(lambda a: F.normalize(a, p=p, dim=dim),
                        lambda a: torch.nn.functional.normalize(a, p=p, dim=dim), [x], device=device)


def test_float32_stays_float32(device):
    a = ag.tensor(rand((3, 4), np.float32, seed=1), device=device)
    b = ag.tensor(rand((3, 4), np.float32, seed=2), device=device)
    assert F.cosine_similarity(a, b).dtype == np.float32
    assert F.pairwise_distance(a, b).dtype == np.float32
    assert F.normalize(a).dtype == np.float32


def test_modules_match_functional(device):
    torch = pytest.importorskip("torch")
    a, b = rand((5, 6), seed=1), rand((5, 6), seed=2)
    check_against_torch(nn.CosineSimilarity(dim=0, eps=1e-6), torch.nn.CosineSimilarity(dim=0, eps=1e-6), [a, b],
                        device=device)
    check_against_torch(nn.PairwiseDistance(p=1.0, keepdim=True), torch.nn.PairwiseDistance(p=1.0, keepdim=True),
                        [a, b], device=device)
    assert list(nn.CosineSimilarity().state_dict()) == []


def test_gradcheck(device):
    a, b = rand((3, 4), seed=1), rand((3, 4), seed=2)
    check_gradcheck(lambda x, y: F.cosine_similarity(x, y), [a, b], device=device)
    check_gradcheck(lambda x, y: F.pairwise_distance(x, y, p=3.0), [a, b], device=device)
    check_gradcheck(lambda x: F.normalize(x, dim=0), [a], device=device)


def test_errors(device):
    a = ag.tensor(rand((3, 4), seed=1), device=device)
    with pytest.raises(ValueError, match="do not broadcast"):
        F.cosine_similarity(a, ag.tensor(rand((3, 5)), device=device))
    with pytest.raises(ValueError, match="dim 2 is out of range"):
        F.cosine_similarity(a, a, dim=2)
    with pytest.raises(ValueError, match="p must be a real number"):   # p=0 and negative p count, as in PyTorch
        F.pairwise_distance(a, a, p="fro")
    with pytest.raises(TypeError, match="float tensors"):
        F.cosine_similarity(ag.tensor(np.ones((2, 2), np.int64), device=device), a[:2, :2])
    with pytest.raises(TypeError, match="normalize: input must be a Tensor"):
        F.normalize(np.ones(3))
