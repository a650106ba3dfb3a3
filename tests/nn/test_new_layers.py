"""Channel dropout, Identity, PixelShuffle, GroupNorm, InstanceNorm, Unflatten, Bilinear, one_hot and
smooth L1 loss against torch: values, gradients, defaults, state_dict keys, errors."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand


# ----- channel dropout ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls,shape,channel_dim", [(nn.Dropout1d, (8, 50, 6), 1), (nn.Dropout1d, (50, 6), 0),
                                                   (nn.Dropout2d, (8, 50, 3, 4), 1), (nn.Dropout2d, (8, 50, 6), 1),
                                                   (nn.Dropout3d, (4, 50, 2, 3, 2), 1),
                                                   (nn.Dropout3d, (50, 2, 3, 2), 0)])
def test_channel_dropout_zeroes_whole_channels(device, cls, shape, channel_dim):
    ag.manual_seed(0)
    layer = cls(p=0.4)
    x = ag.ones(*shape, device=device, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Dropout2d on 3-D input warns, as PyTorch's does
        y = layer(x)
        assert layer.eval()(x) is x
    channels = y.numpy().reshape(int(np.prod(shape[:channel_dim + 1])), -1)
    kept = np.unique(channels[channels != 0])
    np.testing.assert_allclose(kept, [1 / 0.6], rtol=1e-6)
    assert all(len(np.unique(row)) == 1 for row in channels)     # a channel is kept or dropped as a whole
    assert 0.2 < (channels[:, 0] == 0).mean() < 0.6
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.numpy())        # the gradient is the mask


def test_channel_dropout_edges_and_errors(device):
    x = ag.tensor(rand((2, 3, 4, 4)), device=device)
    assert np.all(F.dropout2d(x, p=1.0).numpy() == 0)
    assert F.dropout2d(x, p=0.0) is x
    assert repr(nn.Dropout2d()) == "Dropout2d(p=0.5, inplace=False)"
    with pytest.warns(UserWarning, match="read as \\(N, C, L\\)"):
        F.dropout2d(ag.tensor(rand((2, 3, 4)), device=device))
    with pytest.raises(ValueError, match="dropout1d: expects a 2-D"):
        F.dropout1d(x)
    with pytest.raises(RuntimeError, match="dropout2d: feature dropout needs at least 2 dims"), \
            pytest.warns(UserWarning, match="deprecates"):
        F.dropout2d(ag.tensor(rand((6,)), device=device))
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout2d(p=1.5)
    assert F.dropout2d(ag.tensor(np.zeros((0, 3, 2, 2)), device=device)).shape == (0, 3, 2, 2)


def test_identity_returns_its_input():
    x = ag.tensor(rand((2, 3)))
    assert nn.Identity(54, unused="x")(x) is x
    assert list(nn.Identity().state_dict()) == []


# ----- pixel shuffle -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape,r", [((2, 8, 3, 5), 2), ((18, 2, 2), 3), ((2, 1, 4, 4, 6), 2)])
def test_pixel_shuffle_matches_torch(device, shape, r):
    torch = pytest.importorskip("torch")
    check_against_torch(nn.PixelShuffle(r), torch.nn.PixelShuffle(r), [rand(shape, seed=1)], device=device)
    back = tuple(shape[:-3]) + (shape[-3] // (r * r), shape[-2] * r, shape[-1] * r)
    check_against_torch(nn.PixelUnshuffle(r), torch.nn.PixelUnshuffle(r), [rand(back, seed=2)], device=device)
    check_gradcheck(lambda x: F.pixel_shuffle(x, r), [rand(shape, seed=4)], device=device)
    check_gradcheck(lambda x: F.pixel_unshuffle(x, r), [rand(back, seed=5)], device=device)
    x = ag.tensor(rand(shape, seed=3), device=device)
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, r), r).numpy(), x.numpy())


def test_pixel_shuffle_empty_batch(device):
    torch = pytest.importorskip("torch")
    out = F.pixel_shuffle(ag.tensor(np.zeros((0, 8, 2, 3)), device=device), 2)
    assert out.shape == tuple(torch.nn.functional.pixel_shuffle(torch.zeros(0, 8, 2, 3), 2).shape)


def test_pixel_shuffle_errors():
    with pytest.raises(ValueError, match="divisible by upscale_factor \\*\\* 2 = 4"):
        F.pixel_shuffle(ag.tensor(rand((1, 6, 2, 2))), 2)
    with pytest.raises(ValueError, match="divisible by downscale_factor 2"):
        F.pixel_unshuffle(ag.tensor(rand((1, 1, 3, 4))), 2)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        F.pixel_shuffle(ag.tensor(rand((4, 4))), 2)


# ----- group and instance norm -------------------------------------------------------------------
@pytest.mark.parametrize("shape,groups", [((4, 6, 5, 5), 3), ((3, 6, 7), 6), ((2, 4), 1), ((0, 6, 3), 2)])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch(device, shape, groups, affine):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.GroupNorm(groups, shape[1], affine=affine).double()
    ours = nn.GroupNorm(groups, shape[1], affine=affine).to(device).double()
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.uniform_(-0.5, 0.5)
        ours.load_state_dict(theirs.state_dict())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    check_against_torch(ours, theirs, [rand(shape, seed=1)], device=device, atol=1e-10)
    if affine and shape[0]:
        (ours(ag.tensor(rand(shape, seed=1), device=device)) * 1.7).sum().backward()
        (theirs(torch.tensor(rand(shape, seed=1))) * 1.7).sum().backward()
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), atol=1e-10)


def test_group_norm_bias_false_gradcheck_and_errors(device):
    torch = pytest.importorskip("torch")
    assert list(nn.GroupNorm(2, 4, bias=False).state_dict()) == list(torch.nn.GroupNorm(2, 4, bias=False).state_dict())
    w, b = rand((4,), seed=2), rand((4,), seed=3)
    check_gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), [rand((2, 4, 3), seed=1), w, b], device=device)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match=r"expected an input \(N, 4, \*\)"):
        nn.GroupNorm(2, 4)(ag.tensor(rand((2, 6, 3)), device=device))


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (3, 4, 7)), ("InstanceNorm2d", (3, 4, 5, 6)),
                                       ("InstanceNorm2d", (4, 5, 6)), ("InstanceNorm3d", (2, 4, 3, 2, 3))])
@pytest.mark.parametrize("affine,track", [(False, False), (True, False), (False, True), (True, True)])
def test_instance_norm_matches_torch(device, cls, shape, affine, track):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, cls)(4, affine=affine, track_running_stats=track, momentum=0.3).double()
    ours = getattr(nn, cls)(4, affine=affine, track_running_stats=track, momentum=0.3).to(device).double()
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.uniform_(-0.5, 0.5)
    ours.load_state_dict(theirs.state_dict())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    for step in range(2):
        check_against_torch(ours, theirs, [rand(shape, seed=step)], device=device, atol=1e-10)
    if track:
        np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), atol=1e-12)
        np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), atol=1e-12)
        ours.eval()
        theirs.eval()
        check_against_torch(ours, theirs, [rand(shape, seed=5)], device=device, atol=1e-10)


def test_instance_norm_empty_batch(device):
    """An empty batch gives an empty output and leaves the running statistics alone (PyTorch's become NaN)."""
    torch = pytest.importorskip("torch")
    check_against_torch(nn.InstanceNorm2d(4, track_running_stats=True), torch.nn.InstanceNorm2d(
        4, track_running_stats=True), [np.zeros((0, 4, 3, 3), np.float32)], device=device)
    affine = nn.InstanceNorm2d(4, affine=True).to(device)
    assert affine(ag.zeros(0, 4, 3, 3, device=device)).shape == (0, 4, 3, 3)


def test_instance_norm_defaults_gradcheck_and_errors(device):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.InstanceNorm2d(3), torch.nn.InstanceNorm2d(3)
    assert (ours.affine, ours.track_running_stats, ours.eps, ours.momentum) == (
        theirs.affine, theirs.track_running_stats, theirs.eps, theirs.momentum)
    assert list(ours.state_dict()) == []
    w, b = rand((3,), seed=2), rand((3,), seed=3)
    check_gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [rand((2, 3, 4), seed=1), w, b],
                    device=device)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        nn.InstanceNorm1d(3)(ag.tensor(rand((2, 3, 1)), device=device))
    with pytest.raises(ValueError, match="expected an input"):
        nn.InstanceNorm2d(3)(ag.tensor(rand((2, 3)), device=device))
    with pytest.raises(ValueError, match="expected 3 channels"):
        nn.InstanceNorm2d(3, affine=True)(ag.tensor(rand((2, 4, 3, 3)), device=device))
    with pytest.warns(UserWarning, match="num_features is 3"):
        nn.InstanceNorm2d(3)(ag.tensor(rand((2, 4, 3, 3)), device=device))


# ----- Unflatten, Bilinear ------------------------------------------------------------------------
@pytest.mark.parametrize("dim,sizes,shape", [(1, (2, 3), (4, 6)), (-1, (2, -1, 2), (3, 4, 8)), (0, (1, 1), (1, 5))])
def test_unflatten_matches_torch(device, dim, sizes, shape):
    torch = pytest.importorskip("torch")
    check_against_torch(nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes), [rand(shape)], device=device)
    check_gradcheck(nn.Unflatten(dim, sizes), [rand(shape, seed=1)], device=device)
    assert repr(nn.Unflatten(dim, sizes)) == repr(torch.nn.Unflatten(dim, sizes))
    with pytest.raises(ValueError, match="cannot split dimension"):
        nn.Unflatten(dim, (5, 7))(ag.tensor(rand(shape), device=device))


@pytest.mark.parametrize("lead", [(5,), (2, 3), (), (0,)])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(device, lead, bias):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Bilinear(3, 4, 2, bias=bias).double()
    ours = nn.Bilinear(3, 4, 2, bias=bias).to(device).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [v.shape for v in ours.state_dict().values()] == [tuple(v.shape) for v in theirs.state_dict().values()]
    ours.load_state_dict(theirs.state_dict())
    check_against_torch(ours, theirs, [rand(lead + (3,), seed=1), rand(lead + (4,), seed=2)], device=device,
                        atol=1e-10)
    assert repr(ours) == repr(theirs)


def test_bilinear_init_gradcheck_and_errors(device):
    layer = nn.Bilinear(4, 2, 3)
    assert np.abs(layer.weight.numpy()).max() <= 0.5 and layer.weight.dtype == np.float32
    w, b = rand((3, 2, 4), seed=3), rand((3,), seed=4)
    check_gradcheck(F.bilinear, [rand((2, 2), seed=1), rand((2, 4), seed=2), w, b], device=device)
    with pytest.raises(ValueError, match=r"expects input1 \(\*, 4\)"):
        layer(ag.tensor(rand((2, 3))), ag.tensor(rand((2, 2))))


# ----- one_hot, smooth L1 -----------------------------------------------------------------------
def test_one_hot_matches_torch(device):
    torch = pytest.importorskip("torch")
    idx = np.array([[0, 3], [2, 1]], dtype=np.int64)
    for classes in (-1, 6):
        out = F.one_hot(ag.tensor(idx, device=device), classes)
        expected = torch.nn.functional.one_hot(torch.tensor(idx), classes).numpy()
        assert out.dtype == np.int64 and out.shape == expected.shape
        np.testing.assert_array_equal(out.numpy(), expected)
    assert F.one_hot(ag.tensor(np.zeros(0, np.int64), device=device), 3).shape == (0, 3)
    with pytest.raises(ValueError, match="empty tensor"):
        F.one_hot(ag.tensor(np.zeros(0, np.int64), device=device))
    with pytest.raises(ValueError, match="outside"):
        F.one_hot(ag.tensor(np.array([1, -1]), device=device), 3)
    with pytest.raises(TypeError, match="integer class indices"):
        F.one_hot(ag.tensor(np.array([1.0]), device=device))


@pytest.mark.parametrize("beta", [1.0, 0.3, 0.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_smooth_l1_matches_torch(device, beta, reduction):
    torch = pytest.importorskip("torch")
    a, b = rand((4, 5), seed=1, low=-2, high=2), rand((4, 5), seed=2)
    check_against_torch(lambda x, y: F.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
                        lambda x, y: torch.nn.functional.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
                        [a, b], device=device)
    check_against_torch(nn.SmoothL1Loss(reduction=reduction, beta=beta),
                        torch.nn.SmoothL1Loss(reduction=reduction, beta=beta), [a, b], device=device)


def test_smooth_l1_defaults_legacy_flags_and_errors():
    torch = pytest.importorskip("torch")
    loss = nn.SmoothL1Loss()
    assert (loss.reduction, loss.beta) == ("mean", 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nn.SmoothL1Loss(size_average=False).reduction == torch.nn.SmoothL1Loss(size_average=False).reduction
        assert nn.SmoothL1Loss(reduce=False).reduction == torch.nn.SmoothL1Loss(reduce=False).reduction
    check_gradcheck(lambda x, y: F.smooth_l1_loss(x, y, beta=0.5), [rand((6,), seed=1), rand((6,), seed=2)])
    with pytest.raises(ValueError, match="beta must be >= 0"):
        F.smooth_l1_loss(ag.tensor(rand((2,))), ag.tensor(rand((2,))), beta=-1)
    with pytest.raises(ValueError, match="shape"):
        F.smooth_l1_loss(ag.tensor(rand((2,))), ag.tensor(rand((3,))))
