"""torch.optim.swa_utils against PyTorch: AveragedModel (SWA, EMA by avg_fn and by multi_avg_fn, buffers
averaged or followed), SWALR's lr sequence (cos, linear, no annealing, one swa_lr per group), update_bn, and
a training loop with SWA from PyTorch's documentation with only its imports changed."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.optim import swa_utils
from tests.helpers import require_torch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((16, 3))
Y = RNG.standard_normal((16, 2))


def _pair(torch):
    """The same small BatchNorm model in both libraries, float64, with equal weights."""
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("kind", ["swa", "ema avg_fn", "ema multi_avg_fn", "swa buffers", "ema buffers"])
def test_averaged_model_matches_torch(kind):
    torch = require_torch()
    ours, theirs = _pair(torch)
    use_buffers = "buffers" in kind

    def averager(lib, model, utils):
        if kind.startswith("swa"):
            return utils.AveragedModel(model, use_buffers=use_buffers)
        if kind == "ema avg_fn":
            return utils.AveragedModel(model, avg_fn=utils.get_ema_avg_fn(0.9))
        return utils.AveragedModel(model, multi_avg_fn=utils.get_ema_multi_avg_fn(0.9), use_buffers=use_buffers)

    sides = []
    for lib, model, utils, optim in ((ag, ours, swa_utils, nn.optim), (torch, theirs, torch.optim.swa_utils,
                                                                       torch.optim)):
        averaged = averager(lib, model, utils)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        x, y = lib.tensor(X), lib.tensor(Y)
        for _ in range(6):
            opt.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            opt.step()
            averaged.update_parameters(model)
        averaged.eval()
        sides.append((averaged, averaged(x).detach().numpy()))
    (a_ours, out_ours), (a_theirs, out_theirs) = sides
    np.testing.assert_allclose(out_ours, out_theirs, atol=1e-10)
    assert int(a_ours.n_averaged.item()) == int(a_theirs.n_averaged.item()) == 6
    theirs_state = a_theirs.state_dict()
    assert list(a_ours.state_dict()) == list(theirs_state)
    for key, value in a_ours.state_dict().items():
        np.testing.assert_allclose(value.numpy(), theirs_state[key].numpy(), atol=1e-10, err_msg=key)


@pytest.mark.parametrize("strategy,anneal_epochs,swa_lr", [("cos", 5, 0.05), ("linear", 3, 0.5),
                                                           ("cos", 0, 0.01), ("linear", 4, [0.02, 0.2])])
def test_swalr_sequence_matches_torch(strategy, anneal_epochs, swa_lr):
    torch = require_torch()
    sequences = []
    for lib, optim, utils in ((ag, nn.optim, swa_utils), (torch, torch.optim, torch.optim.swa_utils)):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=0.1)
        schedule = utils.SWALR(opt, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
        lrs = []
        for _ in range(8):
            opt.step()
            schedule.step()
            lrs.append(schedule.get_last_lr())
        sequences.append(lrs)
    np.testing.assert_allclose(sequences[0], sequences[1], rtol=1e-12)


def test_update_bn_matches_torch():
    torch = require_torch()
    ours, theirs = _pair(torch)
    batches = [X[:5], X[5:11], X[11:]]
    nn.optim.swa_utils.update_bn([(ag.tensor(b), 0) for b in batches], ours)
    torch.optim.swa_utils.update_bn([(torch.tensor(b), 0) for b in batches], theirs)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(ours[1], name).numpy(), getattr(theirs[1], name).numpy(), atol=1e-12)
    assert ours[1].momentum == 0.1 and ours.training


def test_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    with pytest.raises(ValueError, match="not both"):
        swa_utils.AveragedModel(nn.Linear(1, 1), avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(TypeError, match="Module"):
        swa_utils.AveragedModel(lambda x: x)
    opt = nn.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="'cos' or 'linear'"):
        swa_utils.SWALR(opt, swa_lr=0.05, anneal_strategy="step")
    averaged = swa_utils.AveragedModel(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="tensors to average"):
        averaged.update_parameters(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)))


def test_documented_swa_loop_runs_with_imports_changed():
    """PyTorch's documented SWA recipe (CosineAnnealingLR, then AveragedModel + SWALR from swa_start), run on
    both libraries from equal weights: the same averaged predictions."""
    torch = require_torch()
    outputs = []
    ours, theirs = _pair(torch)
    for lib, model, optim in ((ag, ours, nn.optim), (torch, theirs, torch.optim)):
        loader = [(lib.tensor(X[i:i + 4]), lib.tensor(Y[i:i + 4])) for i in range(0, 16, 4)]
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        swa_model = optim.swa_utils.AveragedModel(model)
        scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
        swa_start, swa_scheduler = 5, optim.swa_utils.SWALR(optimizer, swa_lr=0.05)
        for epoch in range(8):
            for x, y in loader:
                optimizer.zero_grad()
                lib.nn.functional.mse_loss(model(x), y).backward()
                optimizer.step()
            if epoch > swa_start:
                swa_model.update_parameters(model)
                swa_scheduler.step()
            else:
                scheduler.step()
        optim.swa_utils.update_bn(loader, swa_model)
        swa_model.eval()
        outputs.append(swa_model(lib.tensor(X)).detach().numpy())
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-10)
