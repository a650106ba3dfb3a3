"""`t.data = other` as PyTorch's: any shape and dtype (resizing an embedding table, swapping in new weights),
a Tensor only, and floating-point values for a tensor that requires grad."""
import numpy as np
import pytest

import autograd as ag
import nn


def test_data_takes_a_new_shape_and_dtype(device):
    x = ag.ones(2, device=device, requires_grad=True)
    x.data = ag.zeros(3, dtype=ag.float64, device=device)
    assert x.shape == (3,) and x.dtype == ag.float64 and x.requires_grad and x.is_leaf
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_an_embedding_table_resized_through_data_looks_up_the_new_rows(device):
    emb = nn.Embedding(4, 3).to(device)
    table = np.arange(18, dtype=np.float32).reshape(6, 3)
    emb.weight.data = ag.tensor(table, device=device)
    np.testing.assert_array_equal(emb(ag.tensor([5], device=device)).detach().numpy(), table[5:])


def test_data_refuses_what_pytorch_refuses():
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="must be a Tensor, got list"):
        x.data = [1.0, 2.0]
    with pytest.raises(RuntimeError, match="requires grad can only hold floating-point"):
        x.data = ag.zeros(2, dtype=ag.int64)
    assert x.tolist() == [1.0, 1.0]
    y = ag.ones(2)
    y.data = ag.zeros(3, dtype=ag.int64)       # no grad required: any dtype
    assert y.dtype == ag.int64 and y.shape == (3,)


def test_as_torch():
    torch = pytest.importorskip("torch")
    x = torch.ones(2, requires_grad=True)
    x.data = torch.zeros(3, dtype=torch.float64)
    assert tuple(x.shape) == (3,) and x.dtype == torch.float64 and x.requires_grad
    with pytest.raises(TypeError):
        x.data = [1.0, 2.0]
    with pytest.raises(RuntimeError):
        x.data = torch.zeros(2, dtype=torch.int64)
