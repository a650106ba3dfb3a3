"""Embedding's max_norm / norm_type (rows renormalised in place), scale_grad_by_freq and from_pretrained,
against torch."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

INDICES = np.array([[0, 2, 2, 5], [5, 1, 2, 7]])


def _weight(dtype, seed=0):
    return (3 * np.random.default_rng(seed).standard_normal((8, 4))).astype(dtype)


def _pair(torch, dtype, **kwargs):
    w = _weight(dtype)
    ours = ag.tensor(w.copy(), requires_grad=True)
    theirs = torch.tensor(w.copy(), requires_grad=True)
    out = F.embedding(ag.tensor(INDICES), ours, **kwargs)
    tout = torch.nn.functional.embedding(torch.tensor(INDICES), theirs, **kwargs)
    return ours, theirs, out, tout


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_norm_renormalises_looked_up_rows_as_torch(norm_type, dtype):
    torch = pytest.importorskip("torch")
    ours, theirs, out, tout = _pair(torch, dtype, max_norm=2.5, norm_type=norm_type)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), atol=tol, rtol=tol)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=tol, rtol=tol)
    untouched = [3, 4, 6]   # rows not looked up keep their values
    np.testing.assert_array_equal(ours.detach().numpy()[untouched], _weight(dtype)[untouched])
    g = np.random.default_rng(1).standard_normal(out.shape).astype(dtype)
    (out * ag.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=tol, rtol=tol)


@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scale_grad_by_freq_as_torch(padding_idx, dtype):
    torch = pytest.importorskip("torch")
    ours, theirs, out, tout = _pair(torch, dtype, scale_grad_by_freq=True, padding_idx=padding_idx)
    g = np.random.default_rng(2).standard_normal(out.shape).astype(dtype)
    (out * ag.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=tol, rtol=tol)


def test_module_options_and_repr_as_torch():
    torch = pytest.importorskip("torch")
    kwargs = dict(padding_idx=1, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)
    ours, theirs = nn.Embedding(8, 4, **kwargs), torch.nn.Embedding(8, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    assert repr(nn.Embedding(8, 4)) == repr(torch.nn.Embedding(8, 4))
    theirs.weight.data = torch.tensor(_weight(np.float32))
    ours.load_state_dict({"weight": _weight(np.float32)})
    out, tout = ours(ag.tensor(INDICES)), theirs(torch.tensor(INDICES))
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), atol=1e-6)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-6)


def test_from_pretrained_as_torch():
    torch = pytest.importorskip("torch")
    w = _weight(np.float32)
    ours = nn.Embedding.from_pretrained(ag.tensor(w))
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert not ours.weight.requires_grad and not theirs.weight.requires_grad
    np.testing.assert_array_equal(ours(ag.tensor(INDICES)).numpy(), theirs(torch.tensor(INDICES)).numpy())
    trainable = nn.Embedding.from_pretrained(ag.tensor(w), freeze=False, padding_idx=0)
    assert trainable.weight.requires_grad and trainable.padding_idx == 0
    with pytest.raises(ValueError, match="from_pretrained: embeddings must be a 2-D tensor"):
        nn.Embedding.from_pretrained(ag.tensor(w[0]))


def test_max_norm_inside_training_keeps_rows_bounded():
    model = nn.Embedding(10, 3, max_norm=1.0)
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    idx = ag.tensor([1, 4, 4, 9])
    for _ in range(3):
        opt.zero_grad()
        model(idx).pow(2).sum().backward()
        opt.step()
        model(idx)
        norms = np.linalg.norm(model.weight.detach().numpy()[[1, 4, 9]], axis=1)
        assert (norms <= 1.0 + 1e-6).all()


@pytest.mark.parametrize("call,match", [
    (lambda: nn.Embedding(3, 2, _weight=ag.randn(2, 2)), "Embedding: _weight has shape \\(2, 2\\)"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
