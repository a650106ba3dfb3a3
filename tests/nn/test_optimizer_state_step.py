"""The optimisers keep state['step'] (and NAdam's 'mu_product', ASGD's 'eta' and 'mu') as PyTorch does: 0-d
float tensors of its scalar dtype, so `opt.state[p]['step'].item()` works, state dicts keep that form, and a
state dict made by torch.optim (its tensors, or them converted to NumPy) loads and continues the same steps."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import RegressionPair, regression_arrays, require_torch, torch

ARRAYS = regression_arrays()
OPTIMIZERS = [("Adam", {}), ("AdamW", {}), ("Adam", {"amsgrad": True}), ("RAdam", {}), ("NAdam", {}),
              ("Adamax", {}), ("ASGD", {"t0": 2}), ("Rprop", {}), ("Adagrad", {"lr_decay": 0.1}), ("Adadelta", {}),
              ("RMSprop", {}), ("Adafactor", {})]
SCALARS = ("step", "mu_product", "eta", "mu")


def _pair(name, options, dtype=np.float64):
    torch_ = require_torch()
    problem = RegressionPair(torch_, ARRAYS, "cpu", dtype)
    opt = getattr(nn.optim, name)(problem.params, lr=0.05, **options)
    topt = getattr(torch_.optim, name)(problem.tparams, lr=0.05, **options)
    return problem, opt, topt


@pytest.mark.parametrize("name, options", OPTIMIZERS)
def test_scalar_state_is_a_0d_tensor_like_torch(name, options):
    problem, opt, topt = _pair(name, options)
    for _ in range(3):
        problem.step(opt, topt)
    for p, tp in zip(problem.params, problem.tparams):
        ours, theirs = opt.state[p], topt.state[tp]
        for key in SCALARS:
            assert (key in ours) == (key in theirs), key
            if key not in theirs:
                continue
            assert isinstance(ours[key], ag.Tensor) and ours[key].shape == () == tuple(theirs[key].shape), key
            assert ours[key].dtype == theirs[key].numpy().dtype, key
            assert ours[key].item() == theirs[key].item(), key   # float32 values equal to the last bit
        assert ours["step"].item() == 3.0 and not ours["step"].requires_grad
    problem.assert_close(rtol=1e-10, atol=1e-12)


def test_step_dtype_follows_the_default_dtype_as_torch():
    require_torch()
    ag.set_default_dtype(ag.float64)
    torch.set_default_dtype(torch.float64)
    try:
        problem, opt, topt = _pair("Adam", {})
        problem.step(opt, topt)
        step, tstep = opt.state[problem.params[0]]["step"], topt.state[problem.tparams[0]]["step"]
        assert step.dtype == tstep.numpy().dtype == np.float64
    finally:
        ag.set_default_dtype(ag.float32)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("name, options", OPTIMIZERS)
@pytest.mark.parametrize("form", ["torch", "numpy"])
def test_a_torch_state_dict_loads_and_continues_alike(name, options, form):
    problem, opt, topt = _pair(name, options)
    for _ in range(4):
        problem.step(opt, topt)
    saved = topt.state_dict()
    if form == "numpy":
        saved = {"state": {i: {k: v.numpy() if hasattr(v, "numpy") else v for k, v in s.items()}
                           for i, s in saved["state"].items()}, "param_groups": saved["param_groups"]}
    fresh = getattr(nn.optim, name)(problem.params, lr=0.05, **options)
    fresh.load_state_dict(saved)
    for p in problem.params:
        assert isinstance(fresh.state[p]["step"], ag.Tensor) and fresh.state[p]["step"].item() == 4.0
    for _ in range(3):
        problem.step(fresh, topt)
    problem.assert_close(rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name, options", OPTIMIZERS)
def test_our_state_dict_keeps_the_tensor_form_and_round_trips(name, options):
    problem, opt, topt = _pair(name, options)
    for _ in range(2):
        problem.step(opt, topt)
    saved = opt.state_dict()
    entry = saved["state"][0]
    assert isinstance(entry["step"], ag.Tensor) and entry["step"].item() == 2.0
    problem.step(opt, topt)
    assert entry["step"].item() == 3.0   # as PyTorch's: the optimiser's own state, later steps show in it
    resumed = getattr(nn.optim, name)(problem.params, lr=0.05, **options)
    resumed.load_state_dict(opt.state_dict())
    # as PyTorch's, the loaded optimiser keeps the live dict's own tensors (the step count too)
    assert resumed.state[problem.params[0]]["step"] is opt.state[problem.params[0]]["step"]
    for _ in range(2):
        problem.step(resumed, topt)
    problem.assert_close(rtol=1e-9, atol=1e-11)
    tfresh = getattr(torch.optim, name)(problem.tparams, lr=0.05, **options)
    tfresh.load_state_dict({"state": {i: {k: torch.tensor(v.numpy()) if isinstance(v, ag.Tensor) else v
                                          for k, v in s.items()} for i, s in resumed.state_dict()["state"].items()},
                            "param_groups": resumed.state_dict()["param_groups"]})
    assert tfresh.state[problem.tparams[0]]["step"].item() == 5.0


def test_a_step_set_by_user_code_is_taken_up():
    problem, opt, topt = _pair("Adam", {})
    problem.step(opt, topt)
    p, tp = problem.params[0], problem.tparams[0]
    opt.state[p]["step"] = 10            # a number, or a tensor, as a user may write it
    topt.state[tp]["step"] = torch.tensor(10.0)
    opt.state[problem.params[1]]["step"] = ag.tensor(10.0)
    topt.state[problem.tparams[1]]["step"] = torch.tensor(10.0)
    problem.step(opt, topt)
    assert opt.state[p]["step"].item() == 11.0 and isinstance(opt.state[p]["step"], ag.Tensor)
    assert opt.state[problem.params[1]]["step"].item() == 11.0
    problem.assert_close(rtol=1e-10, atol=1e-12)


def test_a_state_dict_with_a_bad_scalar_is_refused():
    problem, opt, _ = _pair("NAdam", {})
    opt.zero_grad()
    problem.loss().backward()
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["mu_product"] = np.ones(3)
    with pytest.raises(ValueError, match="mu_product"):
        nn.optim.NAdam(problem.params).load_state_dict(saved)
