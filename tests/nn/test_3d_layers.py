"""Conv3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d and BatchNorm3d against PyTorch: forward, input and
parameter gradients with torch's weights, float64 gradcheck, repr and errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_against_torch, check_gradcheck, rand, torch
from .torch_layer_check import check_layer

CONV = [((2, 4, 3), {}, (2, 2, 5, 6, 7)),
        ((4, 6, (3, 2, 3)), dict(stride=(2, 1, 2), padding=(1, 0, 2), dilation=(1, 2, 1), groups=2), (1, 4, 5, 6, 7)),
        ((2, 3, 2), dict(padding="same", dilation=2, bias=False), (3, 2, 4, 3, 5)),
        ((3, 2, 1), dict(stride=2), (3, 3, 3, 3)),
        ((2, 2, (1, 3, 2)), dict(padding="valid"), (1, 2, 1, 4, 3))]


@pytest.mark.parametrize("args,kwargs,shape", CONV)
def test_conv3d_matches_torch(device, args, kwargs, shape):
    ours, theirs = nn.Conv3d(*args, **kwargs), torch.nn.Conv3d(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    check_layer(ours, theirs, [rand(shape, np.float32, seed=1)], device, atol=2e-5, rtol=1e-4)


def test_conv3d_initialisation_bound():
    layer = nn.Conv3d(2, 3, (2, 3, 2))
    bound = 1 / np.sqrt(2 * 2 * 3 * 2)
    assert np.abs(layer.weight.numpy()).max() <= bound and np.abs(layer.bias.numpy()).max() <= bound
    assert np.abs(layer.weight.numpy()).max() > bound / 2


def test_conv3d_gradcheck_float64(device):
    x, w, b = rand((1, 4, 3, 4, 3), seed=2), rand((2, 2, 2, 2, 2), seed=3), rand((2,), seed=4)
    check_gradcheck(lambda a, k, c: F.conv3d(a, k, c, stride=(1, 2, 1), padding=1, groups=2), [x, w, b], device)


def test_conv3d_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Conv3d\(2, 4.*expected input with 2 channels.*got 3 \(input shape "
                                         r"Size\(\[1, 3, 4, 4, 4\]\)\)"):
        nn.Conv3d(2, 4, 3)(ag.randn(1, 3, 4, 4, 4))
    with pytest.raises(ValueError, match=r"Conv3d\(2, 4.*expected input \(N, C, D, H, W\) or \(C, D, H, W\), got a "
                                         r"3-D input"):
        nn.Conv3d(2, 4, 3)(ag.randn(2, 4, 4))
    with pytest.raises(ValueError, match=r"conv3d: the kernel \(3, 3, 3\).*does not fit the padded input"):
        nn.Conv3d(1, 1, 3)(ag.randn(1, 1, 2, 5, 5))


POOL = [dict(kernel_size=2), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 1, 0), ceil_mode=True),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=(1, 2, 2), stride=1)]


@pytest.mark.parametrize("kwargs", POOL + [dict(kernel_size=(2, 2, 3), dilation=(2, 1, 1), stride=1)])
@pytest.mark.parametrize("shape", [(2, 3, 7, 6, 5), (1, 1, 4, 4, 4), (2, 5, 6, 3)])
def test_max_pool3d_matches_torch(device, kwargs, shape):
    ours, theirs = nn.MaxPool3d(**kwargs), torch.nn.MaxPool3d(**kwargs)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=5)], device, atol=0)
    x = rand(shape, np.float32, seed=5)
    _, ours_idx = F.max_pool3d(ag.tensor(x, device=device), return_indices=True, **kwargs)
    _, theirs_idx = torch.nn.functional.max_pool3d(torch.tensor(x), return_indices=True, **kwargs)
    np.testing.assert_array_equal(ours_idx.numpy(), theirs_idx.numpy())
    assert ours_idx.dtype == np.int64


@pytest.mark.parametrize("kwargs", POOL + [dict(kernel_size=3, padding=1, count_include_pad=False),
                                           dict(kernel_size=2, stride=1, divisor_override=3)])
@pytest.mark.parametrize("shape", [(2, 3, 7, 6, 5), (1, 1, 4, 4, 4), (2, 5, 6, 3)])
def test_avg_pool3d_matches_torch(device, kwargs, shape):
    ours, theirs = nn.AvgPool3d(**kwargs), torch.nn.AvgPool3d(**kwargs)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=6)], device, atol=1e-6)


@pytest.mark.parametrize("size", [2, (3, None, 4), (7, 6, 5), (1, 4, 3), 1])
@pytest.mark.parametrize("shape", [(2, 3, 7, 6, 5), (1, 7, 6, 5)])
def test_adaptive_avg_pool3d_matches_torch(device, size, shape):
    ours, theirs = nn.AdaptiveAvgPool3d(size), torch.nn.AdaptiveAvgPool3d(size)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=7)], device, atol=1e-6)


def test_pooling3d_gradcheck_float64(device):
    x = rand((1, 2, 4, 5, 3), seed=8)
    check_gradcheck(lambda a: F.max_pool3d(a, 2, 1, padding=1), [x], device)
    check_gradcheck(lambda a: F.avg_pool3d(a, (2, 3, 2), 2, padding=1, ceil_mode=True, count_include_pad=False),
                    [x], device)
    check_gradcheck(lambda a: F.adaptive_avg_pool3d(a, (3, 2, 2)), [x], device)


def test_pooling3d_errors():
    with pytest.raises(ValueError, match=r"max_pool3d: expects an input \(N, C, D, H, W\) or \(C, D, H, W\), got "
                                         r"shape Size\(\[2, 3, 4\]\)"):
        nn.MaxPool3d(2)(ag.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"avg_pool3d: padding 2 must be at most half the kernel size 2"):
        nn.AvgPool3d(2, padding=2)(ag.randn(1, 1, 4, 4, 4))
    with pytest.raises(ValueError, match=r"adaptive_avg_pool3d: output_size must be an int or 3 ints"):
        nn.AdaptiveAvgPool3d((2, 2))(ag.randn(1, 1, 4, 4, 4))


@pytest.mark.parametrize("shape", [(2, 3, 4, 3, 5), (1, 3, 2, 2, 2)])
def test_batch_norm3d_matches_torch(device, shape):
    ours, theirs = nn.BatchNorm3d(3), torch.nn.BatchNorm3d(3)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-0.5, 0.5)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=9)], device, atol=1e-5)
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), atol=1e-5)
    ours.eval(), theirs.eval()
    check_against_torch(ours, theirs, [rand(shape, np.float32, seed=10)], device, atol=1e-5)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with pytest.raises(ValueError, match=r"BatchNorm3d\(3.*expected an input \(N, C, D, H, W\) with C = 3"):
        ours(ag.randn(2, 3, 4, 4))
