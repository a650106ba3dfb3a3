"""nn.functional's fifth batch against PyTorch: the in-place activation spellings (relu_, elu_, leaky_relu_,
hardtanh_, threshold_, selu_, celu_, rrelu_), the `_with_indices` max poolings, feature_alpha_dropout with
nn.FeatureAlphaDropout, and the deprecated upsample / upsample_nearest / upsample_bilinear."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import rand, require_torch

# (name, extra arguments): F.name(x, *args) changes x in place
IN_PLACE = [("relu_", ()), ("elu_", (0.7,)), ("leaky_relu_", (0.2,)), ("hardtanh_", (-0.5, 0.8)),
            ("threshold_", (0.1, -3.0)), ("selu_", ()), ("celu_", (0.5,)), ("rrelu_", (0.1, 0.3))]


@pytest.mark.parametrize("name,args", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_in_place_spellings_match_torch_values_gradients_and_versions(device, name, args):
    torch = require_torch()
    values = rand((3, 4), low=-2, high=2, seed=1)
    x, xt = ag.tensor(values, device=device, requires_grad=True), torch.tensor(values, requires_grad=True)
    h, ht = x * 2, xt * 2                      # a non-leaf, as in a model
    out, out_t = getattr(F, name)(h, *args), getattr(torch.nn.functional, name)(ht, *args)
    assert out is h
    np.testing.assert_allclose(h.detach().numpy(), ht.detach().numpy(), rtol=1e-12)
    weights = np.arange(12.0).reshape(3, 4)
    (out * ag.tensor(weights, device=device)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    plain = ag.tensor(values, device=device)   # outside a graph: the values change and the version ticks
    version = plain._version
    assert getattr(F, name)(plain, *args) is plain and plain._version > version
    np.testing.assert_allclose(plain.numpy(), getattr(torch.nn.functional, name)(torch.tensor(values), *args).numpy(),
                               rtol=1e-12)


def test_in_place_spellings_refuse_a_saved_tensor_and_a_leaf():
    w = ag.ones(3, requires_grad=True)
    a = ag.tensor(np.array([-1.0, 0.5, 2.0]))
    loss = (a * w).sum()
    F.selu_(a)
    with pytest.raises(Exception, match="modified|in-place|version"):
        loss.backward()
    with pytest.raises(Exception, match="leaf|in-place"):
        F.relu_(ag.ones(2, requires_grad=True))


POOLS = [
    ("max_pool1d_with_indices", (rand((2, 3, 9), seed=1),), dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d_with_indices", (rand((2, 2, 6, 5), seed=2),), dict(kernel_size=(2, 3), ceil_mode=True)),
    ("max_pool3d_with_indices", (rand((1, 2, 4, 5, 4), seed=3),), dict(kernel_size=2, dilation=1)),
    ("adaptive_max_pool1d_with_indices", (rand((2, 3, 10), seed=4),), dict(output_size=4)),
    ("adaptive_max_pool2d_with_indices", (rand((2, 3, 7, 6), seed=5),), dict(output_size=(3, 2))),
    ("adaptive_max_pool3d_with_indices", (rand((1, 2, 5, 4, 6), seed=6),), dict(output_size=(2, 3, 2))),
]


@pytest.mark.parametrize("name,arrays,kwargs", POOLS, ids=[c[0] for c in POOLS])
def test_pooling_with_indices_returns_both_as_torch(device, name, arrays, kwargs):
    torch = require_torch()
    x = ag.tensor(arrays[0], device=device, requires_grad=True)
    xt = torch.tensor(arrays[0], requires_grad=True)
    out, indices = getattr(F, name)(x, **kwargs)
    out_t, indices_t = getattr(torch.nn.functional, name)(xt, **kwargs)
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-12)
    assert indices.dtype == np.int64 and np.array_equal(indices.numpy(), indices_t.numpy())
    assert len(getattr(F, name)(x, **kwargs, return_indices=False)) == 2   # always the pair, as PyTorch
    weights = rand(out.shape, seed=9)
    (out * ag.tensor(weights, device=device)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_feature_alpha_dropout_drops_whole_channels_and_keeps_the_moments(device):
    torch = require_torch()
    x = ag.tensor(np.zeros((2, 3, 4)), device=device)
    ag.manual_seed(0)
    y = F.feature_alpha_dropout(x, 0.5, training=True).numpy()
    # a zero input comes out as a*s*p (kept) or a*s*(p - 1) (dropped), as torch's: s the SELU saturation
    torch.manual_seed(0)
    theirs = torch.nn.functional.feature_alpha_dropout(torch.zeros(8, 8, 4, dtype=torch.float64), 0.5, True)
    expected = set(np.round(theirs.numpy(), 6).ravel())
    assert set(np.round(y, 6).ravel()) <= expected and len(expected) == 2
    assert (y == y[..., :1]).all()                        # one draw per (sample, channel)
    ag.manual_seed(1)
    big = ag.tensor(rand((400, 50, 2), seed=3) * np.sqrt(3), device=device)   # mean 0, variance 1
    out = F.feature_alpha_dropout(big, 0.2, training=True).numpy()
    assert abs(out.mean()) < 0.05 and abs(out.var() - 1) < 0.1
    assert F.feature_alpha_dropout(x, 0.5) is x and F.feature_alpha_dropout(x, 0.0, True) is x
    t = ag.tensor(np.ones((2, 3, 1)), device=device)
    assert F.feature_alpha_dropout(t, 0.5, True, inplace=True) is t
    np.testing.assert_array_equal(F.feature_alpha_dropout(t, 1.0, True).numpy(), 0.0)
    with pytest.raises(ValueError, match=r"feature_alpha_dropout: needs an input with at least 2 dims"):
        F.feature_alpha_dropout(ag.ones(3), 0.5, True)
    with pytest.raises(ValueError, match=r"feature_alpha_dropout: p must be a probability"):
        F.feature_alpha_dropout(x, 1.5, True)


def test_feature_alpha_dropout_module():
    torch = require_torch()
    layer = nn.FeatureAlphaDropout(0.3)
    assert repr(layer) == repr(torch.nn.FeatureAlphaDropout(0.3))
    x = ag.tensor(rand((4, 3, 2), seed=1), requires_grad=True)
    y = layer(x)
    assert y is not x and y.shape == x.shape
    y.sum().backward()
    assert x.grad is not None
    assert layer.eval()(x) is x
    with pytest.raises(ValueError, match="FeatureAlphaDropout: p must be a probability"):
        nn.FeatureAlphaDropout(-0.1)


UPSAMPLES = [
    ("upsample", dict(scale_factor=2)),
    ("upsample", dict(size=(5, 7), mode="bilinear", align_corners=False)),
    ("upsample_nearest", dict(size=(6, 5))),
    ("upsample_bilinear", dict(scale_factor=2)),
    ("upsample_bilinear", dict(size=(3, 9))),
]


@pytest.mark.parametrize("name,kwargs", UPSAMPLES, ids=[f"{c[0]}-{sorted(c[1])}" for c in UPSAMPLES])
def test_upsample_aliases_warn_and_resize_as_torch(name, kwargs):
    torch = require_torch()
    data = rand((2, 3, 4, 3), seed=2)
    x, xt = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
        out = getattr(F, name)(x, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out_t = getattr(torch.nn.functional, name)(xt, **kwargs)
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-14)
