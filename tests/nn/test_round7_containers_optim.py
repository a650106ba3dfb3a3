"""Regression tests for what the round-7 PyTorch programs found in nn: a ModuleList subclass (PyTorch's
ParametrizationList, a user's own) printed itself as "ModuleList" and sliced into a plain ModuleList (Sequential
subclasses too), and optimisers refused param groups carrying keys they do not use (a shared "no decay on biases"
helper giving weight_decay to Rprop, timm's 'lr_scale', a 'name'), which PyTorch keeps. Checked against PyTorch."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn


def _both():
    torch = pytest.importorskip("torch")
    return ((ag, nn), (torch, torch.nn))


def test_module_list_subclasses_print_and_slice_as_their_own_class():
    printed, sliced = [], []
    for lib, mods in _both():
        class Blocks(mods.ModuleList):
            pass

        class Stack(mods.Sequential):
            pass

        blocks = Blocks([mods.Linear(2, 2), mods.ReLU(), mods.Tanh()])
        printed.append((repr(blocks), repr(Blocks()), repr(blocks[1:]), repr(Stack(mods.ReLU(), mods.Tanh())[:1])))
        sliced.append((type(blocks[1:]).__name__, type(Stack(mods.ReLU(), mods.Tanh())[1:]).__name__))
    assert printed[0] == printed[1]
    assert sliced[0] == sliced[1] == ("Blocks", "Stack")


def test_parametrized_module_prints_parametrization_list():
    texts = []
    for lib, mods in _both():
        lib.manual_seed(0)
        layer = mods.utils.parametrizations.spectral_norm(mods.Linear(2, 3))
        texts.append(repr(layer))
    assert texts[0] == texts[1]
    assert "(weight): ParametrizationList(" in texts[0]


def _rprop_steps(lib, mods, groups_fn):
    layer = mods.Linear(3, 2).double()
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 7 - 0.3))
        layer.bias.copy_(lib.tensor([0.1, -0.2]))
    opt = lib.optim.Rprop(groups_fn(layer), lr=0.01)
    x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3))
    for _ in range(3):
        opt.zero_grad()
        (layer(x) ** 2).sum().backward()
        opt.step()
    return layer.weight.detach().numpy().copy(), opt.param_groups


def test_param_groups_keep_keys_the_optimizer_does_not_use_as_pytorch_does():
    results = []
    for lib, mods in _both():
        def groups(layer):
            return [{"params": [layer.weight], "weight_decay": 0.1, "name": "weights"},
                    {"params": [layer.bias], "weight_decay": 0.0, "lr_scale": 0.5}]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(_rprop_steps(lib, mods, groups))
    (ours, our_groups), (theirs, their_groups) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert our_groups[0]["name"] == "weights" and our_groups[1]["lr_scale"] == 0.5
    assert our_groups[0]["weight_decay"] == 0.1


def test_unused_option_names_warn_and_other_keys_are_silent():
    p = ag.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match=r"Rprop: option\(s\) 'weight_decay' in a param group are not used by Rprop"):
        nn.optim.Rprop([{"params": [p], "weight_decay": 0.1}])
    with pytest.warns(UserWarning, match=r"SGD: option\(s\) 'betas'"):
        nn.optim.SGD([{"params": [p], "betas": (0.9, 0.99)}], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = nn.optim.SGD([{"params": [p], "name": "head", "lr_scale": 0.1}], lr=0.1)
        opt.add_param_group({"params": [ag.zeros(1, requires_grad=True)], "tag": 3})
    state = opt.state_dict()
    assert state["param_groups"][0]["name"] == "head" and state["param_groups"][1]["tag"] == 3
    fresh = nn.optim.SGD([{"params": [p]}, {"params": [ag.zeros(1, requires_grad=True)]}], lr=0.1)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["lr_scale"] == 0.1


@pytest.mark.parametrize("shape", [(4, 3, 2, 2), (5, 2), (3, 6, 7)])
def test_init_fan_helpers_that_custom_layers_call_match_pytorch(shape):
    # nn.init._calculate_correct_fan was missing (custom reset_parameters / variance-scaling code calls it)
    torch = pytest.importorskip("torch")
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        assert nn.init._calculate_correct_fan(ag.zeros(*shape), mode) == \
            torch.nn.init._calculate_correct_fan(torch.zeros(*shape), mode)
    assert nn.init._calculate_fan_in_and_fan_out(ag.zeros(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fanin'"):
        nn.init._calculate_correct_fan(ag.zeros(*shape), "fanin")
