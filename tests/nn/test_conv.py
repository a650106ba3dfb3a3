"""Convolutions: conv1d, conv2d, conv_transpose2d and their layers against PyTorch; gradcheck; errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand, torch

TF = torch.nn.functional
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")

CONV2D_CASES = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
    dict(padding="same", dilation=(2, 1)),
    dict(padding="same", groups=4),   # even kernel width: PyTorch pads the extra column on the right
    dict(padding="valid", stride=(1, 3)),
]


@pytest.mark.parametrize("kwargs", CONV2D_CASES)
def test_conv2d_matches_torch(device, kwargs):
    x, w, b = rand((2, 4, 7, 6), seed=1), rand((8, 4 // kwargs.get("groups", 1), 3, 2), seed=2), rand((8,), seed=3)
    check_against_torch(lambda x, w, b: F.conv2d(x, w, b, **kwargs), lambda x, w, b: TF.conv2d(x, w, b, **kwargs),
                        [x, w, b], device=device, atol=1e-10, rtol=1e-10)
    small = [rand((1, 4, 5, 4), seed=4), rand((4, 4 // kwargs.get("groups", 1), 3, 2), seed=5), rand((4,), seed=6)]
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), small, device=device)


def test_conv2d_float32_and_unbatched(device):
    x, w = rand((3, 5, 5), np.float32, seed=1), rand((4, 3, 3, 3), np.float32, seed=2)
    check_against_torch(lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1),
                        [x, w], device=device, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=2, dilation=2), dict(padding="same", groups=2),
                                    dict(padding="same", dilation=3)])
def test_conv1d_matches_torch(device, kwargs):
    x, w, b = rand((2, 4, 11), seed=1), rand((6, 4 // kwargs.get("groups", 1), 4), seed=2), rand((6,), seed=3)
    check_against_torch(lambda x, w, b: F.conv1d(x, w, b, **kwargs), lambda x, w, b: TF.conv1d(x, w, b, **kwargs),
                        [x, w, b], device=device, atol=1e-10, rtol=1e-10)
    check_against_torch(lambda x, w, b: F.conv1d(x[0], w, b, **kwargs),
                        lambda x, w, b: TF.conv1d(x[0], w, b, **kwargs), [x, w, b], device=device, atol=1e-10)
    small = [rand((1, 4, 7), seed=4), rand((2, 4 // kwargs.get("groups", 1), 4), seed=5), rand((2,), seed=6)]
    check_gradcheck(lambda x, w, b: F.conv1d(x, w, b, **kwargs), small, device=device)


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(0, 1), output_padding=(1, 2), groups=2),
    dict(stride=1, dilation=2, output_padding=1),   # output_padding >= stride, allowed by the dilation
    dict(stride=2, dilation=(1, 2), padding=(1, 0), groups=2),
])
def test_conv_transpose2d_matches_torch(device, kwargs):
    x, w, b = rand((2, 4, 5, 4), seed=1), rand((4, 3, 3, 2), seed=2), rand((3 * kwargs.get("groups", 1),), seed=3)
    check_against_torch(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs),
                        lambda x, w, b: TF.conv_transpose2d(x, w, b, **kwargs), [x, w, b], device=device,
                        atol=1e-10, rtol=1e-10)
    check_against_torch(lambda x, w, b: F.conv_transpose2d(x[1], w, b, **kwargs),
                        lambda x, w, b: TF.conv_transpose2d(x[1], w, b, **kwargs), [x, w, b], device=device,
                        atol=1e-10, rtol=1e-10)
    check_gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs), [x[:1, :, :3, :3], w, b], device=device)


def test_conv_gradcheck(device):
    x, w, b = rand((1, 2, 4, 3), seed=1), rand((2, 1, 2, 2), seed=2), rand((2,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2),
                    [x, w, b], device=device)
    check_gradcheck(lambda x, w, b: F.conv1d(x[:, :, 0], w[:, :, 0], b, padding="same", groups=2),
                    [x, w, b], device=device)
    check_gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, output_padding=1, groups=2),
                    [x, w, b], device=device)


def test_channel_mismatch_names_layer_and_counts(device):
    layer = nn.Conv2d(3, 4, 3).to(device)
    with pytest.raises(ValueError, match=r"Conv2d.*expected.*3.*got 5|Conv2d.*3.*5"):
        layer(ag.zeros((1, 5, 8, 8), device=device))
    with pytest.raises(ValueError, match="5 channels.*expects 3"):
        F.conv2d(ag.zeros((1, 5, 8, 8), device=device), ag.zeros((4, 3, 3, 3), device=device))
    with pytest.raises(ValueError, match="stride 1"):
        F.conv2d(ag.zeros((1, 3, 8, 8), device=device), ag.zeros((4, 3, 3, 3), device=device), stride=2,
                 padding="same")


def _load(ours, theirs, dtype=np.float64):
    ours.load_state_dict({k: v.detach().numpy().astype(dtype) for k, v in theirs.state_dict().items()})


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 1e-4)])
@pytest.mark.parametrize("make", [
    lambda m: m.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
    lambda m: m.Conv2d(4, 6, (2, 3), padding="same", bias=False, dilation=(1, 2)),
    lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1),
    lambda m: m.ConvTranspose2d(4, 2, (2, 3), stride=(1, 2), groups=2, bias=False),
])
def test_conv_layers_match_torch(device, make, dtype, tol):
    torch.manual_seed(0)
    theirs = make(torch.nn).double()
    ours = make(nn).to(device).to(dtype)   # a layer takes input of its own dtype only, as PyTorch's
    _load(ours, theirs, dtype)
    _compare_layer(ours, theirs, rand((2, 4, 7, 6), dtype, seed=4), device, tol)


@pytest.mark.parametrize("make", [
    lambda m: m.Conv1d(4, 6, 3, stride=2, padding=1, groups=2),
    lambda m: m.Conv1d(4, 5, 4, padding="same", dilation=2),
])
def test_conv1d_layer_matches_torch(device, make):
    torch.manual_seed(0)
    theirs = make(torch.nn).double()
    ours = make(nn).to(device).to(np.float64)
    _load(ours, theirs)
    _compare_layer(ours, theirs, rand((3, 4, 9), seed=4), device, 1e-10)


def _compare_layer(ours, theirs, x, device, tol):
    """Outputs, input gradients and parameter gradients of two layers with the same weights on x."""
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    cot = rand(yt.shape, seed=5)
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    (yo * ag.tensor(cot.astype(x.dtype), device=device)).sum().backward()
    (yt * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), rtol=tol, atol=tol, err_msg=name)


def test_conv_layers_parameters_and_default_init(device):
    conv = nn.Conv2d(4, 6, (3, 2), groups=2)
    assert [(n, p.shape) for n, p in conv.named_parameters()] == [("weight", (6, 2, 3, 2)), ("bias", (6,))]
    bound = 1 / np.sqrt(2 * 3 * 2)   # PyTorch: uniform(+-1/sqrt(fan_in)) for weight and bias
    for p in conv.parameters():
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.5 * bound
    tconv = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert tconv.weight.shape == (4, 3, 3, 3)
    assert np.abs(tconv.weight.numpy()).max() <= 1 / np.sqrt(3 * 9)
    assert nn.Conv1d(3, 5, 2, bias=False).bias is None


@pytest.mark.parametrize("name", ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
                                  "ConvTranspose3d"])
def test_conv_layers_take_pytorchs_device_and_dtype_arguments(device, name):
    layer = getattr(nn, name)(4, 6, 3, groups=2, device=device, dtype=ag.float64)
    assert {p.dtype for p in layer.parameters()} == {np.dtype(np.float64)}
    assert all(p.device == ag.device(device) for p in layer.parameters())
    x = ag.ones(*(1, 4) + (5,) * layer.spatial, dtype=ag.float64, device=device)
    assert layer(x).dtype == np.float64
    if torch is not None:
        theirs = getattr(torch.nn, name)(4, 6, 3, groups=2, device="cpu", dtype=torch.float64)
        assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
