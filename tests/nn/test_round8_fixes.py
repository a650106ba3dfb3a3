"""Bugs that ported PyTorch programs met (tests/test_pytorch_programs_round8.py), each checked against PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import nn.optim as optim

LOGITS = np.sin(np.arange(20.0)).reshape(5, 4)
WEIGHT = np.array([1.0, 2.0, 0.5, 3.0])


def _loss_and_grad(lib, fn, logits, target, **kw):
    x = lib.tensor(logits, requires_grad=True)
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    loss = getattr(lib.nn.functional if lib is not ag else F, fn)(x, lib.tensor(np.array(target)), **kw)
    loss.backward()
    return loss.detach().numpy(), x.grad.numpy()


# ----- a mean NLL / cross-entropy whose targets are all ignore_index: NaN loss, but zero gradients ---------------
CASES = [
    dict(target=[-100] * 5),                                                   # all padding, no class weights
    dict(target=[-100] * 5, weight=WEIGHT),                                    # all padding, class weights
    dict(target=[[-100] * 3] * 2, shape=(2, 4, 3)),                           # (N, C, d) logits
    dict(target=[[-100] * 3] * 2, shape=(2, 4, 3), weight=WEIGHT),
    dict(target=[0, -100, 0, 1, -100], weight=np.array([0.0, 0.0, 1.0, 1.0])),  # kept entries of weight 0: NaN
    dict(target=[0, -100, 3, 1, -100], weight=np.array([0.3, 2.0, 1.0, 1.0])),  # the ordinary weighted mean
    dict(target=[0, 2, 3, 1, 2], weight=np.array([0.3, 2.0, 1.0, 1.0]), ignore_index=2),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's 0/0 warnings where the loss is NaN by design
@pytest.mark.parametrize("fn, case", [(fn, c) for fn in ("nll_loss", "cross_entropy") for c in CASES]
                         + [("cross_entropy", dict(target=[-100] * 5, weight=WEIGHT, label_smoothing=0.1))])
def test_weighted_mean_of_ignored_targets_gives_pytorchs_gradients(fn, case):
    torch = pytest.importorskip("torch")
    case = dict(case)
    shape = case.pop("shape", (5, 4))
    logits = np.sin(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape)
    target = case.pop("target")
    ours = _loss_and_grad(ag, fn, logits, target, **case)
    theirs = _loss_and_grad(torch, fn, logits, target, **case)
    for mine, torchs in zip(ours, theirs):
        np.testing.assert_allclose(mine, torchs, rtol=1e-12, atol=1e-14, equal_nan=True)


def test_an_all_padding_batch_leaves_the_weights_finite_after_a_step():
    layer = nn.Linear(3, 4).double()
    opt = optim.SGD(layer.parameters(), lr=0.1)
    loss = F.cross_entropy(layer(ag.ones(2, 3, dtype=ag.float64)), ag.tensor([-100, -100]), weight=ag.ones(4,
                           dtype=ag.float64))
    loss.backward()
    opt.step()
    assert np.isnan(loss.item()) and np.isfinite(layer.weight.detach().numpy()).all()


# ----- parametrize.transfer_parametrizations_and_params was missing ----------------------------------------------
def _transfer(lib, nn_lib, parametrize, tensor_name):
    class Scale(nn_lib.Module):
        def forward(self, X):
            return X * 3.0

        def right_inverse(self, X):
            return X / 3.0

    class Split(nn_lib.Module):
        def forward(self, a, b):
            return a + b

        def right_inverse(self, X):
            return X * 0.25, X * 0.75

    source, target = nn_lib.Linear(4, 3).double(), nn_lib.Linear(4, 3).double()
    with lib.no_grad():
        source.weight.copy_(lib.tensor(np.arange(12.0).reshape(3, 4) / 7))
        source.bias.copy_(lib.tensor([0.5, -1.0, 2.0]))
        target.weight.zero_()
        target.bias.zero_()
    parametrize.register_parametrization(source, "weight", Scale())
    parametrize.register_parametrization(source, "bias", Split())
    out = parametrize.transfer_parametrizations_and_params(source, target, tensor_name)
    x = lib.tensor(np.sin(np.arange(8.0)).reshape(2, 4))
    out(x).pow(2).sum().backward()
    shared = [name for name, p in source.named_parameters()
              if any(p is q for q in target.parameters())]
    return (out is target, sorted(target.state_dict()), shared, target.weight.detach().numpy(),
            target.bias.detach().numpy(), parametrize.is_parametrized(target, "bias"),
            parametrize.type_before_parametrizations(target).__name__)


@pytest.mark.parametrize("tensor_name", [None, "weight"])
def test_transfer_parametrizations_and_params_matches_pytorch(tensor_name):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.parametrize as torch_parametrize
    import nn.utils.parametrize as parametrize
    ours = _transfer(ag, nn, parametrize, tensor_name)
    theirs = _transfer(torch, torch.nn, torch_parametrize, tensor_name)
    for mine, torchs in zip(ours, theirs):
        if isinstance(mine, np.ndarray):
            np.testing.assert_allclose(mine, torchs, rtol=1e-12)
        else:
            assert mine == torchs


def test_transfer_parametrizations_from_a_plain_module_does_nothing_and_names_a_missing_tensor():
    import nn.utils.parametrize as parametrize
    plain, other = nn.Linear(2, 2), nn.Linear(2, 2)
    assert parametrize.transfer_parametrizations_and_params(plain, other) is other
    assert not parametrize.is_parametrized(other)

    class Double(nn.Module):
        def forward(self, X):
            return 2 * X

    parametrize.register_parametrization(plain, "weight", Double())
    with pytest.raises(ValueError, match="'bias'"):
        parametrize.transfer_parametrizations_and_params(plain, other, "bias")


# ----- binary_cross_entropy's gradient at a saturated probability: PyTorch's float 1e-12 floor, to the last bit ---
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_binary_cross_entropy_gradient_at_saturated_probabilities_matches_pytorch_exactly(dtype):
    torch = pytest.importorskip("torch")
    p, t = np.array([0.0, 1.0, 0.0, 1.0, 0.3]), np.array([0.0, 1.0, 1.0, 0.0, 0.6])
    grads = []
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        x = lib.tensor(p.astype(dtype), requires_grad=True)
        functional.binary_cross_entropy(x, lib.tensor(t.astype(dtype)), reduction="sum").backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


# ----- ParameterDict built from a plain dict holds its keys sorted, as PyTorch's does -----------------------------
def _parameter_dict_orders(nn_lib, lib):
    from collections import OrderedDict

    def p():
        return nn_lib.Parameter(lib.ones(1))

    plain = nn_lib.ParameterDict({"b": p(), "a": p()})
    ordered = nn_lib.ParameterDict(OrderedDict([("b", p()), ("a", p())]))
    pairs = nn_lib.ParameterDict([("b", p()), ("a", p())])
    merged = ordered | {"z": p(), "c": p()}
    ordered.update({"y": p(), "x": p()})
    return [list(plain), list(ordered), list(pairs), list(merged), list(nn_lib.ParameterDict(plain)),
            [name for name, _ in nn_lib.ModuleDict({"q": nn_lib.ParameterDict({"d": p(), "c": p()})}).named_parameters()]]


def test_parameter_dict_key_order_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert _parameter_dict_orders(nn, ag) == _parameter_dict_orders(torch.nn, torch)


# ----- NAdam, RAdam, Adamax, Adadelta, Rprop, ASGD take foreach / capturable / differentiable, and print as PyTorch's
@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "Adadelta", "Rprop", "ASGD"])
def test_optimizer_options_and_printout_match_pytorch(name):
    torch = pytest.importorskip("torch")
    printed, steps = [], []
    for lib, optim_lib, nn_lib in ((ag, optim, nn), (torch, torch.optim, torch.nn)):
        p = nn_lib.Parameter(lib.tensor([1.0, -2.0], dtype=lib.float64))
        opt = getattr(optim_lib, name)([p], lr=0.1, foreach=False, maximize=False, capturable=False,
                                       differentiable=False)
        (p * p).sum().backward()
        opt.step()
        printed.append((repr(opt), list(opt.state_dict()["param_groups"][0])))
        steps.append(p.detach().numpy().copy())
    assert printed[0] == printed[1]
    np.testing.assert_allclose(steps[0], steps[1], rtol=1e-12)
