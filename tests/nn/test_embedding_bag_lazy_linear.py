"""EmbeddingBag (sum/mean/max, offsets, per_sample_weights, padding_idx, include_last_offset) and LazyLinear
against PyTorch: forward, weight gradients, state_dict names, repr and errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_gradcheck, rand, torch

INDICES = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0, 7])
OFFSETS = np.array([0, 2, 2, 5, 10])     # the second bag is empty


def _run_both(ours, theirs, device, *inputs, psw=None):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(device)
    args_o = [None if a is None else ag.tensor(a, device=device) for a in inputs]
    args_t = [None if a is None else torch.tensor(a) for a in inputs]
    psw_o = None if psw is None else ag.tensor(psw, device=device, requires_grad=True)
    psw_t = None if psw is None else torch.tensor(psw, requires_grad=True)
    out_o, out_t = ours(*args_o, per_sample_weights=psw_o), theirs(*args_t, per_sample_weights=psw_t)
    assert tuple(out_o.shape) == tuple(out_t.shape) and out_o.dtype == out_t.detach().numpy().dtype
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), atol=1e-6, rtol=1e-5)
    cot = rand(tuple(out_t.shape), np.float32, seed=1)
    (out_o * ag.tensor(cot, device=device)).sum().backward()
    (out_t * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-6, rtol=1e-5)
    if psw is not None:
        np.testing.assert_allclose(psw_o.grad.numpy(), psw_t.grad.numpy(), atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 4, 0])
@pytest.mark.parametrize("include_last_offset", [False, True])
def test_embedding_bag_offsets_match_torch(device, mode, padding_idx, include_last_offset):
    args = dict(mode=mode, padding_idx=padding_idx, include_last_offset=include_last_offset)
    ours, theirs = nn.EmbeddingBag(10, 3, **args), torch.nn.EmbeddingBag(10, 3, **args)
    assert repr(ours) == repr(theirs)
    offsets = np.append(OFFSETS, len(INDICES)) if include_last_offset else OFFSETS
    _run_both(ours, theirs, device, INDICES, offsets)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("shape", [(1, 4), (3, 1), (4, 3)])
def test_embedding_bag_2d_input_matches_torch(device, mode, shape):
    indices = np.random.default_rng(2).integers(0, 6, size=shape)
    _run_both(nn.EmbeddingBag(6, 5, mode=mode), torch.nn.EmbeddingBag(6, 5, mode=mode), device, indices)


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_per_sample_weights_match_torch(device, padding_idx):
    ours = nn.EmbeddingBag(10, 4, mode="sum", padding_idx=padding_idx)
    theirs = torch.nn.EmbeddingBag(10, 4, mode="sum", padding_idx=padding_idx)
    _run_both(ours, theirs, device, INDICES, OFFSETS, psw=rand(INDICES.shape, np.float32, seed=3))
    indices = np.array([[1, 2, 3], [2, 2, 0]])
    _run_both(ours, theirs, device, indices, psw=rand(indices.shape, np.float32, seed=4))


def test_embedding_bag_initialisation_and_state_dict():
    bag = nn.EmbeddingBag(50, 40, padding_idx=3)
    assert list(bag.state_dict()) == ["weight"] and bag.weight.shape == (50, 40)
    assert not np.any(bag.weight.numpy()[3])
    values = np.delete(bag.weight.numpy(), 3, axis=0)
    assert abs(values.mean()) < 0.05 and abs(values.std() - 1) < 0.05   # N(0, 1) as torch
    frozen = nn.EmbeddingBag.from_pretrained(ag.ones(4, 2), mode="sum")
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(ag.tensor(np.array([[0, 1, 3]]))).numpy(), [[3.0, 3.0]])


def test_embedding_bag_gradcheck_float64(device):
    weight = rand((6, 3), seed=5)
    indices = ag.tensor(np.array([0, 2, 2, 5, 1]), device=device)
    offsets = ag.tensor(np.array([0, 1, 3]), device=device)
    for mode in ("sum", "mean", "max"):
        check_gradcheck(lambda w: F.embedding_bag(indices, w, offsets, mode=mode, padding_idx=1), [weight], device)
    check_gradcheck(lambda w, p: F.embedding_bag(indices, w, offsets, mode="sum", per_sample_weights=p),
                    [weight, rand((5,), seed=6)], device)


def test_embedding_bag_errors_name_the_layer_and_fix():
    bag = nn.EmbeddingBag(10, 3)
    with pytest.raises(ValueError, match=r"EmbeddingBag\(10, 3, mode='mean'\): embedding_bag: a 1-D input Size\(\[5\]\) "
                                         r"needs offsets"):
        bag(ag.tensor(np.arange(5)))
    with pytest.raises(ValueError, match=r"offsets must be None for a 2-D input Size\(\[2, 2\]\)"):
        bag(ag.tensor(np.ones((2, 2), dtype=np.int64)), ag.tensor(np.array([0, 1])))
    with pytest.raises(ValueError, match=r"offsets \[1, 2\] must start at 0"):
        bag(ag.tensor(np.arange(5)), ag.tensor(np.array([1, 2])))
    with pytest.raises(ValueError, match=r"per_sample_weights is only supported for mode='sum', got mode='mean'"):
        bag(ag.tensor(np.arange(5)), ag.tensor(np.array([0])), per_sample_weights=ag.ones(5))
    with pytest.raises(ValueError, match=r"EmbeddingBag: mode must be one of"):
        nn.EmbeddingBag(3, 2, mode="min")


@pytest.mark.parametrize("shape", [(4, 5), (1, 7), (2, 3, 6)])
@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear_sizes_itself_then_is_a_linear(device, shape, bias):
    ag.manual_seed(0)
    lazy = nn.LazyLinear(3, bias=bias, device=device)
    assert repr(lazy) == repr(torch.nn.LazyLinear(3, bias=bias)) and isinstance(lazy.weight, nn.UninitializedParameter)
    x = ag.tensor(rand(shape, np.float32, seed=7), device=device)
    y = lazy(x)
    assert type(lazy) is nn.Linear and lazy.in_features == shape[-1] and y.shape == shape[:-1] + (3,)
    assert [n for n, _ in lazy.named_parameters()] == (["weight", "bias"] if bias else ["weight"])
    bound = 1 / np.sqrt(shape[-1])
    assert np.all(np.abs(lazy.weight.numpy()) <= bound)    # PyTorch's kaiming-uniform(a = sqrt(5)) bound
    theirs = torch.nn.Linear(shape[-1], 3, bias=bias)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in lazy.state_dict().items()})
    np.testing.assert_allclose(y.numpy(), theirs(torch.tensor(x.numpy())).detach().numpy(), atol=1e-6)
    y.sum().backward()
    assert lazy.weight.grad.shape == (3, shape[-1])


def test_lazy_linear_needs_a_feature_dimension():
    with pytest.raises(ValueError, match=r"LazyLinear\(in_features=0, out_features=2, bias=True\): the first "
                                         r"input must have a feature dimension"):
        nn.LazyLinear(2)(ag.tensor(1.0))
