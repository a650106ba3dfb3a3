"""PReLU, GLU, Softmax2d, LocalResponseNorm and ChannelShuffle against PyTorch: forward, input and parameter
gradients with torch's weights, float64 gradcheck, and the errors for bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_gradcheck, rand, torch
from .torch_layer_check import check_layer


@pytest.mark.parametrize("num,shape", [(1, (2, 3, 4)), (3, (1, 3, 5)), (3, (5, 3)), (1, (7,)), (4, (2, 4, 3, 5))])
def test_prelu_matches_torch(device, num, shape):
    theirs = torch.nn.PReLU(num, init=0.1)
    with torch.no_grad():
        theirs.weight.uniform_(-0.5, 0.5)
    check_layer(nn.PReLU(num, init=0.1), theirs, [rand(shape, np.float32, seed=1)], device)


def test_prelu_defaults_repr_and_state_dict_names():
    layer = nn.PReLU(3, init=0.2)
    assert repr(layer) == repr(torch.nn.PReLU(3, init=0.2)) == "PReLU(num_parameters=3)"
    assert list(layer.state_dict()) == ["weight"] and layer.weight.shape == (3,)
    np.testing.assert_allclose(layer.weight.numpy(), 0.2, rtol=1e-6)
    assert nn.PReLU().weight.shape == (1,)


def test_prelu_rejects_a_weight_per_missing_channel():
    with pytest.raises(ValueError, match=r"prelu: .*one per channel \(4.*PReLU\(num_parameters=4\)"):
        nn.PReLU(3)(ag.randn(2, 4, 5))


@pytest.mark.parametrize("dim,shape", [(-1, (3, 4)), (1, (1, 6, 5)), (0, (2, 3))])
def test_glu_matches_torch(device, dim, shape):
    check_layer(nn.GLU(dim), torch.nn.GLU(dim), [rand(shape, np.float32, seed=2)], device)
    assert repr(nn.GLU(dim)) == repr(torch.nn.GLU(dim))


def test_glu_needs_an_even_dimension():
    with pytest.raises(ValueError, match=r"glu: the halved dimension -1 must have an even size, got 5"):
        nn.GLU()(ag.randn(2, 5))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 1, 2, 3), (3, 4, 2)])
def test_softmax2d_matches_torch(device, shape):
    check_layer(nn.Softmax2d(), torch.nn.Softmax2d(), [rand(shape, np.float32, seed=3)], device)


def test_softmax2d_names_the_layer_on_a_wrong_rank():
    with pytest.raises(ValueError, match=r"Softmax2d: expects an input \(N, C, H, W\).*Size\(\[2, 3\]\).*nn.Softmax"):
        nn.Softmax2d()(ag.randn(2, 3))


@pytest.mark.parametrize("size,shape", [(3, (2, 5, 4)), (2, (1, 4, 3, 3)), (5, (2, 3, 2, 2, 2)), (1, (1, 2, 3))])
def test_local_response_norm_matches_torch(device, size, shape):
    args = (size, 0.3, 0.6, 1.5)
    check_layer(nn.LocalResponseNorm(*args), torch.nn.LocalResponseNorm(*args), [rand(shape, np.float32, seed=4)],
                device)
    assert repr(nn.LocalResponseNorm(*args)) == repr(torch.nn.LocalResponseNorm(*args))


def test_local_response_norm_needs_three_dimensions():
    with pytest.raises(ValueError, match=r"local_response_norm: expects an input \(N, C, \.\.\.\).*Size\(\[2, 3\]\)"):
        nn.LocalResponseNorm(2)(ag.randn(2, 3))


@pytest.mark.parametrize("groups,shape", [(2, (2, 6, 3, 3)), (3, (1, 3, 4)), (1, (2, 4, 3))])
def test_channel_shuffle_matches_torch(device, groups, shape):
    check_layer(nn.ChannelShuffle(groups), torch.nn.ChannelShuffle(groups), [rand(shape, np.float32, seed=5)],
                device)
    assert repr(nn.ChannelShuffle(groups)) == repr(torch.nn.ChannelShuffle(groups))


def test_channel_shuffle_needs_divisible_channels():
    with pytest.raises(ValueError, match=r"channel_shuffle: the 5 channels .* divisible by groups=2"):
        F.channel_shuffle(ag.randn(1, 5, 2), 2)


def test_gradcheck_float64(device):
    x = rand((2, 4, 3), seed=6)
    x[np.abs(x) < 0.05] = 0.3      # keep PReLU's kink away from the finite differences
    check_gradcheck(lambda a, w: F.prelu(a, w), [x, rand((4,), seed=7)], device)
    check_gradcheck(lambda a: F.glu(a, 1), [x], device)
    check_gradcheck(lambda a: F.local_response_norm(a, 3, 0.5, 0.75, 1.0), [x], device)
    check_gradcheck(lambda a: F.channel_shuffle(a, 2), [x], device)
