"""Optimizer.state_dict() holds the optimiser's own state, as PyTorch's does: steps taken after the call show in
it (so a program that keeps the dict without a deep copy sees the same numbers on both libraries), a deep copy
stays a snapshot, and load_state_dict of the live dict shares its tensors, as PyTorch's."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch

OPTIMIZERS = [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.1)), ("AdamW", dict(lr=0.1)),
              ("Adagrad", dict(lr=0.1)), ("Adadelta", dict(lr=0.1)), ("Adamax", dict(lr=0.1)),
              ("NAdam", dict(lr=0.1)), ("RAdam", dict(lr=0.1)), ("RMSprop", dict(lr=0.1)), ("Rprop", dict(lr=0.1)),
              ("ASGD", dict(lr=0.1)), ("Adafactor", dict(lr=0.1)), ("LBFGS", dict(lr=0.5, max_iter=3))]


def _trained_state(lib, optim, name, options, steps_before, steps_after):
    """The state_dict's state taken after `steps_before` steps, read after `steps_after` more, as NumPy."""
    parameter = (lib.nn.Parameter)(lib.tensor(np.arange(1.0, 4.0)))
    opt = getattr(optim, name)([parameter], **options)

    def closure():
        opt.zero_grad()
        loss = (parameter * parameter * parameter).sum()
        loss.backward()
        return loss

    for _ in range(steps_before):
        opt.step(closure)
    saved = opt.state_dict()
    for _ in range(steps_after):
        opt.step(closure)
    return {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v, dtype=np.float64)
            for k, v in saved["state"][0].items() if not isinstance(v, list)}


@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_state_dict_follows_later_steps_as_pytorchs(name, options):
    torch = require_torch()
    ours = _trained_state(ag, nn.optim, name, options, 2, 1)
    theirs = _trained_state(torch, torch.optim, name, options, 2, 1)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-9, err_msg=f"{name} state '{key}'")


def test_deep_copy_is_a_snapshot_and_loading_the_live_dict_shares_its_tensors():
    parameter = nn.Parameter(ag.tensor(np.arange(1.0, 4.0)))
    opt = nn.optim.Adam([parameter], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (parameter * parameter).sum().backward()
        opt.step()
    live = opt.state_dict()
    snapshot = copy.deepcopy(live)
    other = nn.Parameter(ag.tensor(np.arange(1.0, 4.0)))
    twin = nn.optim.Adam([other], lr=0.1)
    twin.load_state_dict(live)
    before = snapshot["state"][0]["exp_avg"].numpy().copy()
    opt.zero_grad()
    (parameter * parameter).sum().backward()
    opt.step()
    assert live["state"][0]["step"].item() == 3.0
    np.testing.assert_array_equal(snapshot["state"][0]["exp_avg"].numpy(), before)
    # PyTorch's load_state_dict keeps a tensor already on the parameter's device and dtype: the twin shares it,
    # so opt's step moved the twin's buffers and count too (PyTorch 2.13: exp_avg [0.4841, 1.0260, 1.5680], step 3)
    assert twin.state[other]["exp_avg"] is opt.state[parameter]["exp_avg"]
    np.testing.assert_allclose(twin.state[other]["exp_avg"].numpy(), [0.48408245, 1.0260333, 1.56802054], rtol=1e-6)
    assert twin.state[other]["step"].item() == 3.0
    assert not np.array_equal(twin.state[other]["exp_avg"].numpy(), before)
