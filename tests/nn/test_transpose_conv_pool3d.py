"""conv_transpose1d/3d, adaptive_max_pool3d, lp_pool3d and max_unpool3d, and their layers, against PyTorch:
forward, input and weight gradients, float64 gradcheck, batch 1 and unbatched inputs, repr, and the errors
for bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_against_torch, check_gradcheck, rand, torch
from .torch_layer_check import check_layer

TF = torch.nn.functional

TRANSPOSED_1D = [dict(), dict(stride=2, padding=1, output_padding=1), dict(stride=3, padding=2, groups=2),
                 dict(stride=1, dilation=2, output_padding=1),   # output_padding >= stride, allowed by the dilation
                 dict(stride=2, dilation=3, padding=1, output_padding=2, groups=2)]


@pytest.mark.parametrize("kwargs", TRANSPOSED_1D)
def test_conv_transpose1d_matches_torch(device, kwargs):
    groups = kwargs.get("groups", 1)
    x, w, b = rand((2, 4, 7), seed=1), rand((4, 3, 3), seed=2), rand((3 * groups,), seed=3)
    check_against_torch(lambda x, w, b: F.conv_transpose1d(x, w, b, **kwargs),
                        lambda x, w, b: TF.conv_transpose1d(x, w, b, **kwargs), [x, w, b], device, atol=1e-10)
    check_against_torch(lambda x, w: F.conv_transpose1d(x[1], w, **kwargs),
                        lambda x, w: TF.conv_transpose1d(x[1], w, **kwargs), [x, w], device, atol=1e-10)
    check_gradcheck(lambda x, w, b: F.conv_transpose1d(x, w, b, **kwargs), [x[:1, :, :4], w, b], device)


TRANSPOSED_3D = [dict(), dict(stride=2, padding=1, output_padding=1),
                 dict(stride=(2, 1, 3), padding=(1, 0, 1), output_padding=(1, 0, 2), groups=2),
                 dict(stride=1, dilation=2, output_padding=1),
                 dict(stride=(3, 2, 1), dilation=(2, 1, 2), padding=(2, 1, 0), groups=2)]


@pytest.mark.parametrize("kwargs", TRANSPOSED_3D)
def test_conv_transpose3d_matches_torch(device, kwargs):
    groups = kwargs.get("groups", 1)
    x, w, b = rand((2, 4, 3, 4, 3), seed=4), rand((4, 2, 3, 2, 2), seed=5), rand((2 * groups,), seed=6)
    check_against_torch(lambda x, w, b: F.conv_transpose3d(x, w, b, **kwargs),
                        lambda x, w, b: TF.conv_transpose3d(x, w, b, **kwargs), [x, w, b], device, atol=1e-10)
    check_against_torch(lambda x, w: F.conv_transpose3d(x[0], w, **kwargs),
                        lambda x, w: TF.conv_transpose3d(x[0], w, **kwargs), [x, w], device, atol=1e-10)
    check_gradcheck(lambda x, w, b: F.conv_transpose3d(x, w, b, **kwargs), [x[:1, :, :2, :2, :2], w, b], device)


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1), (2, 4, 5)),
    (lambda m: m.ConvTranspose1d(4, 2, 4, stride=3, groups=2, bias=False, dilation=2), (4, 3)),
    (lambda m: m.ConvTranspose3d(4, 6, 3, stride=2, padding=1, output_padding=1), (1, 4, 3, 2, 3)),
    (lambda m: m.ConvTranspose3d(4, 2, (2, 3, 1), stride=(1, 2, 2), groups=2, bias=False), (4, 2, 3, 3)),
])
def test_transposed_conv_layers_match_torch(device, make, shape):
    torch.manual_seed(0)
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    check_layer(ours, theirs, [rand(shape, np.float32, seed=7)], device, atol=2e-5, rtol=1e-4)


@pytest.mark.parametrize("make,shape,size", [
    (lambda m: m.ConvTranspose1d(2, 3, 3, stride=3, padding=1), (2, 2, 4), [11]),
    (lambda m: m.ConvTranspose2d(2, 3, 3, stride=2), (2, 3, 3), (3, 8, 7)),
    (lambda m: m.ConvTranspose3d(2, 3, 2, stride=(2, 3, 1)), (1, 2, 2, 3, 2), (1, 3, 5, 9, 3)),
])
def test_transposed_conv_layers_take_output_size(device, make, shape, size):
    torch.manual_seed(0)
    ours, theirs = make(nn), make(torch.nn)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=8)], device, atol=2e-5, rtol=1e-4)   # loads weights
    x = rand(shape, np.float32, seed=9)
    expected = theirs(torch.tensor(x), output_size=size).detach().numpy()
    got = ours(ag.tensor(x, device=device), output_size=size)
    np.testing.assert_allclose(got.numpy(), expected, atol=2e-5, rtol=1e-4)


def test_transposed_conv_layers_default_initialisation():
    ag.manual_seed(0)   # a few bias values could all fall below half the bound
    layers = [(nn.ConvTranspose1d(4, 6, 3, groups=2), 3 * 3), (nn.ConvTranspose3d(2, 4, (2, 3, 2)), 4 * 12)]
    for layer, fan_in in layers:
        bound = 1 / np.sqrt(fan_in)   # PyTorch: uniform(+-1/sqrt(fan_in)), fan_in from weight.shape[1:]
        for p in layer.parameters():
            assert bound / 2 < np.abs(p.numpy()).max() <= bound
    assert nn.ConvTranspose3d(4, 6, 3, groups=2).weight.shape == (4, 3, 3, 3, 3)
    assert nn.ConvTranspose1d(3, 5, 2, bias=False).bias is None


ADAPTIVE_SIZES = [(2, 3, 4), 3, (None, 2, 5), (1, 1, 1), (5, 7, 6)]


@pytest.mark.parametrize("size", ADAPTIVE_SIZES)
@pytest.mark.parametrize("shape", [(2, 3, 5, 7, 6), (1, 1, 3, 4, 5), (2, 5, 7, 6)])
def test_adaptive_max_pool3d_matches_torch(device, size, shape):
    ours, theirs = nn.AdaptiveMaxPool3d(size, return_indices=True), torch.nn.AdaptiveMaxPool3d(size, True)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=10)], device, atol=0)
    _, indices = F.adaptive_max_pool3d(ag.tensor(rand(shape, seed=10), device=device), size, return_indices=True)
    assert indices.dtype == np.int64


def test_pooling3d_gradcheck_float64(device):
    x = rand((1, 2, 5, 4, 3), seed=11)
    check_gradcheck(lambda a: F.adaptive_max_pool3d(a, (2, 3, 2)), [x], device)
    positive = rand((2, 4, 3, 5), low=0.2, high=1.5, seed=12)
    check_gradcheck(lambda a: F.lp_pool3d(a, 3, (2, 1, 2), stride=1), [positive], device)
    _, indices = F.max_pool3d(ag.tensor(x), 2, return_indices=True)
    check_gradcheck(lambda v: F.max_unpool3d(v, indices.to(device), 2, output_size=(5, 4, 3)),
                    [rand((1, 2, 2, 2, 1), seed=13)], device)


@pytest.mark.parametrize("norm,kernel,stride,ceil,shape", [(2, 2, None, False, (2, 3, 4, 5, 4)),
                                                           (3, (2, 3, 2), (1, 2, 2), True, (1, 2, 3, 5, 5)),
                                                           (1.5, 2, 1, False, (2, 3, 4, 3))])
def test_lp_pool3d_matches_torch(device, norm, kernel, stride, ceil, shape):
    ours, theirs = nn.LPPool3d(norm, kernel, stride, ceil), torch.nn.LPPool3d(norm, kernel, stride, ceil)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, low=0.1, high=2.0, seed=14)], device)


@pytest.mark.parametrize("kwargs,shape", [(dict(kernel_size=2), (2, 3, 4, 6, 4)),
                                          (dict(kernel_size=3, stride=2, padding=1), (1, 2, 5, 7, 5)),
                                          (dict(kernel_size=(1, 2, 3)), (3, 3, 5, 7))])
def test_max_unpool3d_matches_torch(device, kwargs, shape):
    values, indices = TF.max_pool3d(torch.tensor(rand(shape, np.float32, seed=15)), return_indices=True, **kwargs)
    ours, theirs = nn.MaxUnpool3d(**kwargs), torch.nn.MaxUnpool3d(**kwargs)
    assert repr(ours) == repr(theirs)
    index = ag.tensor(indices.numpy(), device=device)
    check_against_torch(lambda v: ours(v, index, shape[-3:]), lambda v: theirs(v, indices, shape[-3:]),
                        [values.numpy()], device, atol=0)


def test_max_unpool3d_undoes_our_own_max_pool3d(device):
    x = ag.tensor(rand((2, 3, 4, 4, 6), np.float32, low=0.1, seed=16), device=device)   # maxima beat the zeros
    values, indices = nn.MaxPool3d(2, return_indices=True)(x)
    restored = nn.MaxUnpool3d(2)(values, indices)
    assert restored.shape == x.shape
    np.testing.assert_array_equal(nn.MaxPool3d(2)(restored).numpy(), values.numpy())


def test_empty_batches_keep_their_shape(device):
    layers = [(nn.ConvTranspose1d(2, 3, 2, stride=2), (0, 2, 5)), (nn.ConvTranspose3d(2, 3, 2), (0, 2, 3, 3, 3)),
              (nn.AdaptiveMaxPool3d(2), (0, 2, 4, 4, 4)), (nn.LPPool3d(2, 2), (0, 2, 4, 4, 4)),
              (nn.MaxPool3d(2), (0, 2, 4, 4, 4))]
    expected = [(0, 3, 10), (0, 3, 4, 4, 4), (0, 2, 2, 2, 2), (0, 2, 2, 2, 2), (0, 2, 2, 2, 2)]
    for (layer, shape), want in zip(layers, expected):
        x = ag.zeros(shape, device=device, requires_grad=True)
        out = layer.to(device)(x)
        assert out.shape == want, type(layer).__name__
        out.sum().backward()
        assert x.grad.shape == shape
    empty = ag.zeros((0, 2, 2, 2, 2), device=device)
    assert F.max_unpool3d(empty, empty.to(ag.int64), 2).shape == (0, 2, 4, 4, 4)


def test_bad_input_errors_name_the_op_shapes_and_fix():
    with pytest.raises(ValueError, match=r"conv_transpose3d: input has 3 channels but the weight Size\(\[4, 2, 3, 3, 3\]\) "
                                         r"with groups=1 expects 4 \(input shape Size\(\[1, 3, 2, 2, 2\]\)\); pass an input "
                                         r"with 4 channels"):
        F.conv_transpose3d(ag.randn(1, 3, 2, 2, 2), ag.randn(4, 2, 3, 3, 3))
    with pytest.raises(ValueError, match=r"conv_transpose1d: expects an input \(N, C, L\) or \(C, L\) and a 3-D "
                                         r"weight; got input shape Size\(\[1, 2, 3, 4\]\)"):
        F.conv_transpose1d(ag.randn(1, 2, 3, 4), ag.randn(2, 2, 3))
    with pytest.raises(ValueError, match=r"conv_transpose3d: output_padding \(2, 0, 0\) must be smaller than stride "
                                         r"\(2, 2, 2\) or dilation \(1, 1, 1\)"):
        F.conv_transpose3d(ag.randn(1, 2, 2, 2, 2), ag.randn(2, 2, 3, 3, 3), stride=2, output_padding=(2, 0, 0))
    with pytest.raises(ValueError, match=r"ConvTranspose3d: requested an output size of \(9, 9, 9\), but valid "
                                         r"sizes range from \(5, 5, 5\) to \(6, 6, 6\)"):
        nn.ConvTranspose3d(2, 2, 3, stride=2)(ag.randn(1, 2, 2, 2, 2), output_size=(9, 9, 9))
    with pytest.raises(ValueError, match=r"ConvTranspose1d\(2, 4.*expected input with 2 channels.*got 3"):
        nn.ConvTranspose1d(2, 4, 3)(ag.randn(1, 3, 5))
    with pytest.raises(ValueError, match=r"ConvTranspose3d: only padding_mode='zeros' is supported"):
        nn.ConvTranspose3d(2, 4, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"adaptive_max_pool3d: expects an input \(N, C, D, H, W\) or "
                                         r"\(C, D, H, W\), got shape Size\(\[2, 3, 4\]\)"):
        nn.AdaptiveMaxPool3d(2)(ag.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"lp_pool3d: expects an input \(N, C, D, H, W\) or \(C, D, H, W\)"):
        F.lp_pool3d(ag.randn(2, 4, 4), 2, 2)
    with pytest.raises(ValueError, match=r"max_unpool3d: indices must be an integer tensor of the input's shape"):
        F.max_unpool3d(ag.randn(1, 1, 2, 2, 2), ag.zeros(1, 1, 2, 2, dtype=ag.int64), 2)
