"""Every optimiser steps 0-d parameters (a learnable temperature or scale) as PyTorch does: NumPy's ufuncs
return scalars for 0-d operands, and an update that computed into such a temporary failed (Adadelta,
Adamax, NAdam, RAdam: "return arrays must be of ArrayType")."""
import numpy as np
import pytest

import autograd as ag
import nn

NAMES = ["ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
         "Rprop", "SGD"]
OPTIONS = {"Adam": dict(amsgrad=True, weight_decay=0.1), "NAdam": dict(decoupled_weight_decay=True, weight_decay=0.1),
           "RAdam": dict(weight_decay=0.1), "SGD": dict(momentum=0.9, nesterov=True),
           "RMSprop": dict(momentum=0.5, centered=True)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (1,), (3, 2)])
@pytest.mark.parametrize("name", NAMES)
def test_optimisers_step_0d_parameters_as_torch(name, shape, dtype, device):
    torch = pytest.importorskip("torch")
    kw = dict(lr=0.1, **OPTIONS.get(name, {}))
    ours = ag.tensor(np.full(shape, 0.5, dtype), device=device, requires_grad=True)
    theirs = torch.tensor(np.full(shape, 0.5, dtype), requires_grad=True)
    opt, topt = getattr(nn.optim, name)([ours], **kw), getattr(torch.optim, name)([theirs], **kw)
    # RAdam's rectified branch starts at step 6
    for g in (0.3, -0.2, 0.7, 0.1, -0.4, 0.25, 0.6, -0.1):
        ours.grad = ag.tensor(np.full(shape, g, dtype), device=device)
        theirs.grad = torch.tensor(np.full(shape, g, dtype))
        opt.step()
        topt.step()
    assert tuple(ours.shape) == shape
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)
    state, tstate = opt.state_dict()["state"][0], topt.state_dict()["state"][0]
    assert {k: tuple(getattr(v, "shape", ())) for k, v in state.items()} == \
        {k: tuple(getattr(v, "shape", ())) for k, v in tstate.items()}
