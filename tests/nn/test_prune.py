"""nn.utils.prune against torch.nn.utils.prune: the same masks on the same weights (distinct values, so no ties),
the same state_dict keys, pruned weights that stay zero while training with PyTorch's gradients, and PyTorch's
errors for bad amounts, dims and shapes."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import prune

torch = pytest.importorskip("torch")
tprune = pytest.importorskip("torch.nn.utils.prune")

RNG = np.random.default_rng(0)
W = RNG.permutation(60).reshape(5, 12) / 7.0 - 4.1     # distinct values, none of equal magnitude
B = np.arange(5) / 13.0 + 0.01
CW = RNG.permutation(4 * 3 * 2 * 2).reshape(4, 3, 2, 2) / 5.0 - 4.83


def _linear_pair():
    ours, theirs = nn.Linear(12, 5).to(ag.float64), torch.nn.Linear(12, 5).double()
    ours.load_state_dict({"weight": W, "bias": B})
    theirs.load_state_dict({"weight": torch.tensor(W), "bias": torch.tensor(B)})
    return ours, theirs


def _conv_pair():
    ours, theirs = nn.Conv2d(3, 4, 2).to(ag.float64), torch.nn.Conv2d(3, 4, 2).double()
    ours.load_state_dict({"weight": CW, "bias": B[:4]})
    theirs.load_state_dict({"weight": torch.tensor(CW), "bias": torch.tensor(B[:4])})
    return ours, theirs


def _same_mask(ours, theirs, name="weight"):
    np.testing.assert_array_equal(getattr(ours, name + "_mask").numpy(), getattr(theirs, name + "_mask").numpy())
    np.testing.assert_array_equal(getattr(ours, name).detach().numpy(), getattr(theirs, name).detach().numpy())


@pytest.mark.parametrize("amount", [0, 7, 0.25, 0.5, 1.0, 60])
def test_l1_unstructured_mask(amount):
    ours, theirs = _linear_pair()
    prune.l1_unstructured(ours, "weight", amount)
    tprune.l1_unstructured(theirs, "weight", amount)
    _same_mask(ours, theirs)
    assert int((ours.weight_mask.numpy() == 0).sum()) == (amount if isinstance(amount, int) else round(amount * 60))


def test_l1_unstructured_with_importance_scores():
    ours, theirs = _linear_pair()
    scores = RNG.permutation(60).reshape(5, 12).astype(np.float64)
    prune.l1_unstructured(ours, "bias", 2, importance_scores=ag.tensor(B[::-1].copy()))
    tprune.l1_unstructured(theirs, "bias", 2, importance_scores=torch.tensor(B[::-1].copy()))
    prune.l1_unstructured(ours, "weight", 0.3, importance_scores=ag.tensor(scores))
    tprune.l1_unstructured(theirs, "weight", 0.3, importance_scores=torch.tensor(scores))
    _same_mask(ours, theirs)
    _same_mask(ours, theirs, "bias")


@pytest.mark.parametrize("n", [1, 2, 3, -1, float("inf"), -float("inf")])
@pytest.mark.parametrize("dim", [0, 1, -1, 2])
@pytest.mark.parametrize("amount", [1, 0.5])
def test_ln_structured_mask_on_conv(n, dim, amount):
    ours, theirs = _conv_pair()
    prune.ln_structured(ours, "weight", amount, n=n, dim=dim)
    tprune.ln_structured(theirs, "weight", amount, n=n, dim=dim)
    _same_mask(ours, theirs)


def test_ln_structured_with_importance_scores_and_fro_on_a_matrix():
    ours, theirs = _linear_pair()
    scores = RNG.standard_normal((5, 12))
    prune.ln_structured(ours, "weight", 2, n="fro", dim=0, importance_scores=ag.tensor(scores))
    tprune.ln_structured(theirs, "weight", 2, n="fro", dim=0, importance_scores=torch.tensor(scores))
    _same_mask(ours, theirs)


def test_iterative_pruning_composes_as_pytorch():
    ours, theirs = _conv_pair()
    steps = [("l1_unstructured", dict(amount=0.2)), ("ln_structured", dict(amount=1, n=1, dim=0)),
             ("l1_unstructured", dict(amount=5)), ("ln_structured", dict(amount=0.5, n=2, dim=1)),
             ("custom_from_mask", None)]
    mask = (RNG.random(CW.shape) > 0.2).astype(np.float64)
    for name, kwargs in steps:
        if kwargs is None:
            prune.custom_from_mask(ours, "weight", ag.tensor(mask))
            tprune.custom_from_mask(theirs, "weight", torch.tensor(mask))
        else:
            getattr(prune, name)(ours, "weight", **kwargs)
            getattr(tprune, name)(theirs, "weight", **kwargs)
        _same_mask(ours, theirs)
    hooks = list(ours._forward_pre_hooks.values())
    assert len(hooks) == 1 and isinstance(hooks[0], prune.PruningContainer) and len(hooks[0]) == len(steps)
    assert [type(m).__name__ for m in hooks[0]] == [type(m).__name__ for m in
                                                     list(theirs._forward_pre_hooks.values())[0]]


def test_global_unstructured_masks():
    (a, ta), (b, tb) = _linear_pair(), _conv_pair()
    params = [(a, "weight"), (a, "bias"), (b, "weight")]
    tparams = [(ta, "weight"), (ta, "bias"), (tb, "weight")]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=30)
    tprune.global_unstructured(tparams, pruning_method=tprune.L1Unstructured, amount=30)
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.4)   # on top of the first
    tprune.global_unstructured(tparams, pruning_method=tprune.L1Unstructured, amount=0.4)
    for (m, name), (tm, _) in zip(params, tparams):
        _same_mask(m, tm, name)
    scores = {(a, "weight"): ag.tensor(RNG.permutation(60).reshape(5, 12) + 0.5)}
    (c, tc) = _linear_pair()
    prune.global_unstructured([(c, "weight")], prune.L1Unstructured, importance_scores={(c, "weight"):
                                                                                       scores[(a, "weight")]},
                              amount=9)
    tprune.global_unstructured([(tc, "weight")], tprune.L1Unstructured,
                               importance_scores={(tc, "weight"): torch.tensor(scores[(a, "weight")].numpy())},
                               amount=9)
    _same_mask(c, tc)


def test_state_dict_keys_load_and_remove():
    ours, theirs = _conv_pair()
    prune.l1_unstructured(ours, "weight", 0.3)
    prune.random_unstructured(ours, "bias", 1)
    tprune.l1_unstructured(theirs, "weight", 0.3)
    tprune.random_unstructured(theirs, "bias", 1)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert isinstance(ours.weight_orig, nn.Parameter) and not isinstance(ours.weight, nn.Parameter)
    assert prune.is_pruned(nn.Sequential(ours)) and not prune.is_pruned(nn.Linear(2, 2))
    # a PyTorch pruned state_dict loads as is
    copy = nn.Conv2d(3, 4, 2).to(ag.float64)
    prune.identity(copy, "weight")
    prune.identity(copy, "bias")
    copy.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = RNG.standard_normal((1, 3, 3, 3))
    np.testing.assert_allclose(copy(ag.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)
    prune.remove(ours, "weight")
    tprune.remove(theirs, "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.weight, nn.Parameter)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    with pytest.raises(ValueError, match="Parameter 'weight' of module .* has to be pruned before pruning can be "
                                         "removed"):
        prune.remove(ours, "weight")


def test_training_keeps_pruned_weights_zero_with_pytorchs_gradients():
    ours, theirs = _linear_pair()
    prune.ln_structured(ours, "weight", 1, n=2, dim=1)
    prune.l1_unstructured(ours, "weight", 0.3)
    tprune.ln_structured(theirs, "weight", 1, n=2, dim=1)
    tprune.l1_unstructured(theirs, "weight", 0.3)
    opt = nn.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    x, y = RNG.standard_normal((8, 12)), RNG.standard_normal((8, 5))
    pruned = ours.weight_mask.numpy() == 0
    for _ in range(4):
        opt.zero_grad()
        topt.zero_grad()
        ((ours(ag.tensor(x)) - ag.tensor(y)) ** 2).mean().backward()
        ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean().backward()
        np.testing.assert_allclose(ours.weight_orig.grad.numpy(), theirs.weight_orig.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)
        assert (ours.weight_orig.grad.numpy()[pruned] == 0).all()
        opt.step()
        topt.step()
        ours(ag.tensor(x))   # the pre-hook recomputes weight from weight_orig
        assert (ours.weight.detach().numpy()[pruned] == 0).all()
    np.testing.assert_allclose(ours.weight_orig.detach().numpy(), theirs.weight_orig.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("amount", [3, 0.35])
def test_random_unstructured_count_and_seed(amount):
    def masks(seed):
        ag.manual_seed(seed)
        m = nn.Linear(12, 5)
        prune.random_unstructured(m, "weight", amount)
        return m.weight_mask.numpy()
    first = masks(1)
    assert int((first == 0).sum()) == (amount if isinstance(amount, int) else round(amount * 60))
    np.testing.assert_array_equal(first, masks(1))
    assert not np.array_equal(first, masks(2))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_random_structured_channels_and_seed(dim):
    def masks(seed):
        ag.manual_seed(seed)
        m = nn.Conv2d(6, 8, 2)
        prune.random_structured(m, "weight", 0.5, dim=dim)
        return m.weight_mask.numpy()
    mask = masks(4)
    axis = dim % 4
    per_channel = np.moveaxis(mask, axis, 0).reshape(mask.shape[axis], -1)
    assert ((per_channel == 0).all(1) | (per_channel == 1).all(1)).all()   # whole channels only
    assert int((per_channel == 0).all(1).sum()) == round(0.5 * mask.shape[axis])
    np.testing.assert_array_equal(mask, masks(4))


def test_prune_method_on_a_tensor_and_identity():
    t = ag.tensor(W)
    out = prune.L1Unstructured(amount=10).prune(t)
    tout = tprune.L1Unstructured(amount=10).prune(torch.tensor(W))
    np.testing.assert_array_equal(out.numpy(), tout.numpy())
    m = prune.identity(nn.Linear(3, 2), "weight")
    assert (m.weight_mask.numpy() == 1).all() and list(m.state_dict()) == ["bias", "weight_orig", "weight_mask"]


@pytest.mark.parametrize("call", [
    lambda p, m: p.l1_unstructured(m, "weight", -1),
    lambda p, m: p.l1_unstructured(m, "weight", 1.5),
    lambda p, m: p.l1_unstructured(m, "weight", "half"),
    lambda p, m: p.l1_unstructured(m, "weight", 61),
    lambda p, m: p.ln_structured(m, "bias", 1, n=2, dim=0),
    lambda p, m: p.ln_structured(m, "weight", 1, n=2, dim=2),
    lambda p, m: p.random_structured(m, "weight", 6, dim=0),
    lambda p, m: p.remove(m, "weight"),
    lambda p, m: p.global_unstructured([(m, "weight")], p.RandomStructured, amount=1),
    lambda p, m: p.global_unstructured([(m, "weight")], p.L1Unstructured, importance_scores=[1], amount=1),
    lambda p, m: p.global_unstructured(3, p.L1Unstructured, amount=1),
])
def test_errors_as_pytorch(call):
    ours, theirs = _linear_pair()
    with pytest.raises(Exception) as theirs_error:
        call(tprune, theirs)
    with pytest.raises(type(theirs_error.value)) as ours_error:
        call(prune, ours)
    theirs_text = str(theirs_error.value).replace("torch.", "")   # torch.Size, torch.nn.utils.prune.X
    # PyTorch's words, within ours that also name the function and the fix
    assert theirs_text.split(" of module")[0] in str(ours_error.value).split(" of module")[0]
    assert "weight" in ours._parameters and "weight_orig" not in ours._parameters   # left as it was


def test_importance_scores_shape_and_container_name_errors():
    ours, _ = _linear_pair()
    with pytest.raises(AssertionError, match="importance_scores should have the same shape as parameter weight"):
        prune.l1_unstructured(ours, "weight", 2, importance_scores=ag.ones(3))
    method = prune.L1Unstructured(2)
    method._tensor_name = "bias"
    container = prune.PruningContainer(method)
    other = prune.L1Unstructured(1)
    other._tensor_name = "weight"
    with pytest.raises(ValueError, match="Can only add pruning methods acting on the parameter named 'bias'"):
        container.add_pruning_method(other)
    with pytest.raises(TypeError, match="is not a BasePruningMethod subclass"):
        container.add_pruning_method(3)
