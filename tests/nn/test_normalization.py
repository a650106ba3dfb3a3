"""Batch and layer normalisation against PyTorch: outputs, gradients, running statistics; gradcheck."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand, torch

TF = torch.nn.functional

SHAPES = [(6, 3), (4, 3, 5), (2, 3, 4, 5)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_matches_torch(device, shape, training):
    x, w, b = rand(shape, seed=1), rand((3,), seed=2), rand((3,), seed=3)
    mean, var = rand((3,), seed=4), rand((3,), low=0.5, high=2.0, seed=5)
    ours_stats = [ag.tensor(mean.copy(), device=device), ag.tensor(var.copy(), device=device)]
    torch_stats = [torch.tensor(mean.copy()), torch.tensor(var.copy())]
    check_against_torch(lambda x, w, b: F.batch_norm(x, *ours_stats, w, b, training, 0.3, 1e-3),
                        lambda x, w, b: TF.batch_norm(x, *torch_stats, w, b, training, 0.3, 1e-3),
                        [x, w, b], device=device, atol=1e-12, rtol=1e-10)
    for o, t in zip(ours_stats, torch_stats):
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12)


def test_batch_norm_gradcheck(device):
    x, w, b = rand((3, 2, 2, 2), seed=1), rand((2,), seed=2), rand((2,), seed=3)
    check_gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [x, w, b], device=device)
    mean, var = ag.tensor(rand((2,)), device=device), ag.tensor(rand((2,), low=0.5), device=device)
    check_gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b), [x, w, b], device=device)
    check_gradcheck(lambda x: F.batch_norm(x, None, None, training=True), [x[:, :, 0]], device=device)


def _load(ours, theirs, dtype):
    ours.to(dtype).load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.BatchNorm1d(3), (8, 3)),
    (lambda m: m.BatchNorm1d(3, momentum=None), (4, 3, 5)),
    (lambda m: m.BatchNorm2d(3, eps=1e-3, momentum=0.2), (4, 3, 3, 2)),
    (lambda m: m.BatchNorm2d(3, affine=False), (4, 3, 3, 2)),
    (lambda m: m.BatchNorm2d(3, track_running_stats=False), (4, 3, 3, 2)),
    (lambda m: m.BatchNorm1d(3, bias=False), (8, 3)),     # a weight and no bias, as PyTorch's keyword allows
])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 1e-4)])
def test_batch_norm_layers_track_torch_over_training_steps(device, make, shape, dtype, tol):
    torch.manual_seed(0)
    theirs = make(torch.nn).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)   # non-trivial affine parameters
    ours = make(nn).to(device)
    _load(ours, theirs, dtype)
    for step in range(4):
        x = rand(shape, dtype, low=-2, high=3, seed=10 + step)
        _compare(ours, theirs, x, device, tol, seed=step)
        for name, buf in theirs.named_buffers():
            np.testing.assert_allclose(getattr(ours, name).numpy(), buf.numpy(), rtol=tol, atol=tol, err_msg=name)
    assert [name for name, _ in ours.named_buffers()] == [name for name, _ in theirs.named_buffers()]
    ours.eval(), theirs.eval()
    _compare(ours, theirs, rand(shape, dtype, seed=99), device, tol, seed=7)
    if ours.track_running_stats:
        assert ours.num_batches_tracked.dtype == np.int64 and int(ours.num_batches_tracked.item()) == 4


def _compare(ours, theirs, x, device, tol, seed):
    """Outputs, input gradients and parameter gradients of ours and theirs on x (grads start from zero)."""
    ours.zero_grad()
    theirs.zero_grad()
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    cot = rand(yt.shape, seed=seed)
    (yo * ag.tensor(cot.astype(x.dtype), device=device)).sum().backward()
    (yt * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), rtol=tol, atol=tol, err_msg=name)


def test_batch_norm_state_dict_names_and_defaults():
    bn = nn.BatchNorm2d(4)
    assert list(bn.state_dict()) == list(torch.nn.BatchNorm2d(4).state_dict())
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(4))
    assert list(nn.BatchNorm1d(2, affine=False, track_running_stats=False).state_dict()) == []


@pytest.mark.parametrize("make", [
    lambda m: m.BatchNorm1d(12), lambda m: m.BatchNorm2d(4, momentum=None, affine=False),
    lambda m: m.BatchNorm1d(3, bias=False), lambda m: m.BatchNorm3d(2, 1e-3, 0.2, True, False),
    lambda m: m.LayerNorm(5), lambda m: m.LayerNorm((2, 3), bias=False),
    lambda m: m.LayerNorm(4, elementwise_affine=False)])
def test_norm_layers_print_and_hold_what_torchs_do(make):
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert repr(nn.LazyBatchNorm1d(bias=False)) == repr(torch.nn.LazyBatchNorm1d(bias=False))


def test_norm_layers_take_device_and_dtype(device):
    bn = nn.BatchNorm1d(3, device=device, dtype=ag.float64)
    ln = nn.LayerNorm(3, 1e-5, True, True, device, ag.float64)
    for t in (bn.weight, bn.bias, bn.running_mean, bn.running_var, ln.weight, ln.bias):
        assert t.dtype == np.float64 and str(t.device) == device
    assert bn.num_batches_tracked.dtype == np.int64 and str(bn.num_batches_tracked.device) == device


def test_batch_norm_errors(device):
    bn = nn.BatchNorm2d(3).to(device)
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3.*C = 3.*Size\(\[2, 4, 5, 5\]\)"):
        bn(ag.zeros((2, 4, 5, 5), device=device))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3).to(device)(ag.zeros((1, 3), device=device))


@pytest.mark.parametrize("shape,normalized", [((4, 5), 5), ((2, 3, 4, 5), (4, 5)), ((3, 6), (3, 6))])
def test_layer_norm_matches_torch(device, shape, normalized):
    dims = (normalized,) if isinstance(normalized, int) else normalized
    x, w, b = rand(shape, seed=1), rand(dims, seed=2), rand(dims, seed=3)
    check_against_torch(lambda x, w, b: F.layer_norm(x, normalized, w, b, 1e-4),
                        lambda x, w, b: TF.layer_norm(x, dims, w, b, 1e-4), [x, w, b], device=device,
                        atol=1e-12, rtol=1e-10)
    check_against_torch(lambda x: F.layer_norm(x, normalized), lambda x: TF.layer_norm(x, dims), [x],
                        device=device, atol=1e-12, rtol=1e-10)
    check_gradcheck(lambda x, w, b: F.layer_norm(x, normalized, w, b), [x, w, b], device=device)


@pytest.mark.parametrize("make", [lambda m: m.LayerNorm(5), lambda m: m.LayerNorm((4, 5), elementwise_affine=False),
                                  lambda m: m.LayerNorm([4, 5], bias=False)])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 1e-4)])
def test_layer_norm_layer_matches_torch(device, make, dtype, tol):
    theirs = make(torch.nn).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    ours = make(nn).to(device)
    _load(ours, theirs, dtype)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _compare(ours, theirs, rand((3, 4, 5), dtype, seed=1), device, tol, seed=0)
    with pytest.raises(ValueError, match="normalized_shape"):
        ours(ag.zeros((3, 5, 4), device=device))


def test_batch_norm_updates_its_buffers_in_place_so_an_earlier_state_dict_sees_them(device):
    # PyTorch counts batches and resets the statistics in place: a state_dict (or a reference) taken before
    # training shares the buffers and sees each update
    x = rand((8, 3), np.float32, seed=2)
    ours, theirs = nn.BatchNorm1d(3).to(device), torch.nn.BatchNorm1d(3)
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    for _ in range(2):
        ours(ag.tensor(x, device=device))
        theirs(torch.tensor(x))
    for key in ("num_batches_tracked", "running_mean", "running_var"):
        np.testing.assert_allclose(ours_sd[key].numpy(), theirs_sd[key].numpy(), rtol=1e-5, err_msg=key)
    assert ours_sd["num_batches_tracked"].item() == 2
    ours.reset_running_stats()
    assert ours_sd["num_batches_tracked"].item() == 0 and ours_sd["running_var"].numpy().tolist() == [1.0] * 3
