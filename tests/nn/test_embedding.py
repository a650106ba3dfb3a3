"""Embedding: lookup and scattered gradients against PyTorch, padding_idx, clear errors for bad indices."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand, torch

TF = torch.nn.functional


@pytest.mark.parametrize("padding_idx", [None, 3, -2])
def test_embedding_matches_torch(device, padding_idx):
    idx = np.array([[1, 3, 3, 0], [9, 8, 3, 1]])   # repeated indices accumulate
    w = rand((10, 4), seed=1)
    check_against_torch(lambda i, w: F.embedding(i, w, padding_idx),
                        lambda i, w: TF.embedding(i, w, padding_idx), [idx, w], device=device, atol=1e-12)


def test_embedding_gradcheck(device):
    idx = ag.tensor(np.array([0, 2, 2, 1]), device=device)
    check_gradcheck(lambda w: F.embedding(idx, w), [rand((3, 2), seed=1)], device=device)


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_embedding_layer_matches_torch(device, dtype, tol):
    theirs = torch.nn.Embedding(12, 5, padding_idx=0).double()
    ours = nn.Embedding(12, 5, padding_idx=0).to(device).to(dtype)
    assert ours.weight.shape == (12, 5) and list(ours.state_dict()) == ["weight"]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    idx = np.array([[0, 4, 11], [4, 4, 7]])
    out = ours(ag.tensor(idx, device=device))
    ref = theirs(torch.tensor(idx))
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), atol=tol)
    cot = rand(ref.shape, seed=3)
    (out * ag.tensor(cot.astype(dtype), device=device)).sum().backward()
    (ref * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=tol)


def test_embedding_default_init_zeroes_padding_row():
    emb = nn.Embedding(50, 8, padding_idx=-1)
    w = emb.weight.numpy()
    assert emb.padding_idx == 49 and np.all(w[49] == 0)
    assert 0.7 < w[:49].std() < 1.3   # N(0, 1) as PyTorch


def test_embedding_errors(device):
    emb = nn.Embedding(10, 3).to(device)
    with pytest.raises(IndexError, match="index 10 is out of range for num_embeddings=10"):
        emb(ag.tensor(np.array([1, 10]), device=device))
    with pytest.raises(IndexError, match="index -1 .*num_embeddings=10"):
        emb(ag.tensor(np.array([-1]), device=device))
    with pytest.raises(TypeError, match="integer"):
        emb(ag.tensor(np.array([1.0]), device=device))
