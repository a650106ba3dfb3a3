"""nn.utils.fuse_conv_bn_eval / fuse_conv_bn_weights / fuse_linear_bn_eval / fuse_linear_bn_weights and
skip_init against PyTorch, the deprecated nn.init names without the underscore and nn.utils.clip_grad_norm
(each warns FutureWarning, as PyTorch's)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import rand, require_torch


def _copy_state(ours, theirs):
    import torch
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.tensor(value.numpy()))


def _trained_bn(ours_bn, torch_bn, channels, seed):
    """Give both BatchNorms the same non-trivial affine parameters and running statistics, then eval them."""
    sd = {"weight": rand((channels,), np.float64, 0.5, 2, seed), "bias": rand((channels,), np.float64, -1, 1, seed + 1),
          "running_mean": rand((channels,), np.float64, -1, 1, seed + 2),
          "running_var": rand((channels,), np.float64, 0.2, 3, seed + 3)}
    ours_bn.load_state_dict({**ours_bn.state_dict(), **{k: ag.tensor(v) for k, v in sd.items()
                                                         if k in ours_bn.state_dict()}})
    _copy_state(ours_bn, torch_bn)
    ours_bn.eval()
    torch_bn.eval()


@pytest.mark.parametrize("kind", ["conv2d", "conv1d", "conv_transpose2d", "conv2d_no_bias", "bn_no_affine"])
def test_fuse_conv_bn_eval_matches_torch(kind):
    torch = require_torch()
    ag.manual_seed(0)
    if kind == "conv1d":
        ours_conv, torch_conv = nn.Conv1d(3, 4, 3), torch.nn.Conv1d(3, 4, 3)
        ours_bn, torch_bn = nn.BatchNorm1d(4), torch.nn.BatchNorm1d(4)
        x = rand((2, 3, 7), np.float64, seed=1)
    elif kind == "conv_transpose2d":
        ours_conv, torch_conv = nn.ConvTranspose2d(3, 4, 3), torch.nn.ConvTranspose2d(3, 4, 3)
        ours_bn, torch_bn = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
        x = rand((2, 3, 5, 5), np.float64, seed=1)
    else:
        bias = kind != "conv2d_no_bias"
        ours_conv, torch_conv = nn.Conv2d(3, 4, 3, bias=bias), torch.nn.Conv2d(3, 4, 3, bias=bias)
        affine = kind != "bn_no_affine"
        ours_bn, torch_bn = nn.BatchNorm2d(4, affine=affine), torch.nn.BatchNorm2d(4, affine=affine)
        x = rand((2, 3, 6, 6), np.float64, seed=1)
    ours_conv.double()
    torch_conv.double()
    ours_bn.double()
    torch_bn.double()
    _copy_state(ours_conv, torch_conv)
    _trained_bn(ours_bn, torch_bn, 4, seed=3)
    ours_conv.eval()
    torch_conv.eval()
    transpose = kind == "conv_transpose2d"
    fused = nn.utils.fuse_conv_bn_eval(ours_conv, ours_bn, transpose=transpose)
    torch_fused = torch.nn.utils.fuse_conv_bn_eval(torch_conv, torch_bn, transpose=transpose)
    assert fused is not ours_conv and isinstance(fused, type(ours_conv))
    np.testing.assert_allclose(fused.weight.numpy(), torch_fused.weight.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(fused.bias.numpy(), torch_fused.bias.detach().numpy(), rtol=1e-13, atol=1e-15)
    assert isinstance(fused.weight, nn.Parameter) and fused.weight.requires_grad
    np.testing.assert_allclose(fused(ag.tensor(x)).numpy(), ours_bn(ours_conv(ag.tensor(x))).numpy(), rtol=1e-11,
                               atol=1e-12)
    np.testing.assert_allclose(fused(ag.tensor(x)).detach().numpy(),
                               torch_bn(torch_conv(torch.tensor(x))).detach().numpy(), rtol=1e-11, atol=1e-12)
    # the fused layer trains: its parameters are leaves with gradients
    fused.train()
    fused(ag.tensor(x)).sum().backward()
    assert fused.weight.grad is not None and ours_conv.weight.grad is None


def test_fuse_linear_bn_eval_matches_torch_and_broadcast_bn():
    torch = require_torch()
    for features in (5, 1):
        ours_lin, torch_lin = nn.Linear(3, 5).double(), torch.nn.Linear(3, 5).double()
        ours_bn, torch_bn = nn.BatchNorm1d(features).double(), torch.nn.BatchNorm1d(features).double()
        _copy_state(ours_lin, torch_lin)
        _trained_bn(ours_bn, torch_bn, features, seed=5)
        ours_lin.eval()
        torch_lin.eval()
        fused = nn.utils.fuse_linear_bn_eval(ours_lin, ours_bn)
        theirs = torch.nn.utils.fuse_linear_bn_eval(torch_lin, torch_bn)
        np.testing.assert_allclose(fused.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-13)
        np.testing.assert_allclose(fused.bias.numpy(), theirs.bias.detach().numpy(), rtol=1e-13, atol=1e-15)
    with pytest.raises(AssertionError, match="out_features == bn.num_features"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(3, 5).eval(), nn.BatchNorm1d(4).eval())
    with pytest.raises(AssertionError, match="fusion only for eval"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(3, 5), nn.BatchNorm1d(5))
    with pytest.raises(AssertionError, match="running_mean"):
        nn.utils.fuse_conv_bn_eval(nn.Conv2d(1, 2, 1).eval(), nn.BatchNorm2d(2, track_running_stats=False).eval())


def test_fuse_weights_functions_keep_dtypes_and_requires_grad():
    torch = require_torch()
    w, b = rand((4, 3, 2, 2), np.float32, seed=1), rand((4,), np.float64, seed=2)
    rm, rv = rand((4,), np.float64, seed=3), rand((4,), np.float64, 0.5, 2, seed=4)
    bw, bb = rand((4,), np.float64, seed=5), rand((4,), np.float64, seed=6)
    ours = nn.utils.fuse_conv_bn_weights(ag.tensor(w, requires_grad=False), ag.tensor(b), ag.tensor(rm),
                                         ag.tensor(rv), 1e-3, ag.tensor(bw), ag.tensor(bb))
    theirs = torch.nn.utils.fuse_conv_bn_weights(torch.tensor(w), torch.tensor(b), torch.tensor(rm),
                                                 torch.tensor(rv), 1e-3, torch.tensor(bw), torch.tensor(bb))
    for o, t in zip(ours, theirs):
        assert o.dtype == t.detach().numpy().dtype and o.requires_grad == t.requires_grad
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-6)
    lw = rand((4, 3), np.float64, seed=7)
    ours = nn.utils.fuse_linear_bn_weights(ag.tensor(lw, requires_grad=True), None, ag.tensor(rm), ag.tensor(rv),
                                           1e-5, ag.tensor(bw), ag.tensor(bb))
    theirs = torch.nn.utils.fuse_linear_bn_weights(torch.tensor(lw, requires_grad=True), None, torch.tensor(rm),
                                                   torch.tensor(rv), 1e-5, torch.tensor(bw), torch.tensor(bb))
    for o, t in zip(ours, theirs):
        assert o.requires_grad == t.requires_grad
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-13)


def test_skip_init():
    require_torch()
    m = nn.utils.skip_init(nn.Linear, 5, out_features=2, bias=True)
    assert isinstance(m, nn.Linear) and m.weight.shape == (2, 5) and m.bias.shape == (2,)
    assert m.weight.device.type == "cpu" and m.weight.requires_grad
    bn = nn.utils.skip_init(nn.BatchNorm2d, 3)
    assert bn.running_mean.shape == (3,) and bn.running_mean.device.type == "cpu"
    with pytest.raises(RuntimeError, match="expected a Module subclass"):
        nn.utils.skip_init(int, 3)

    class NoDevice(nn.Module):
        def __init__(self, n):
            super().__init__()

    with pytest.raises(RuntimeError, match="NoDevice must accept a 'device' argument"):
        nn.utils.skip_init(NoDevice, 3)


OLD_INIT = [("normal", (), {"mean": 0.5, "std": 2.0}), ("uniform", (-1.0, 3.0), {}), ("constant", (0.25,), {}),
            ("xavier_normal", (), {"gain": 2.0}), ("xavier_uniform", (), {}), ("kaiming_normal", (), {"a": 0.1}),
            ("kaiming_uniform", (), {"mode": "fan_out"}), ("orthogonal", (), {}), ("sparse", (0.5,), {}),
            ("eye", (), {})]


@pytest.mark.parametrize("name, args, kwargs", OLD_INIT)
def test_deprecated_init_names_warn_like_torch_and_act_as_new(name, args, kwargs):
    torch = require_torch()
    with pytest.warns(FutureWarning, match=f"nn.init.{name}_"):
        getattr(torch.nn.init, name)(torch.empty(4, 6), *args, **kwargs)
    ag.manual_seed(3)
    new = getattr(nn.init, name + "_")(ag.zeros(4, 6), *args, **kwargs).numpy()
    ag.manual_seed(3)
    t = ag.zeros(4, 6)
    with pytest.warns(FutureWarning, match=f"nn.init.{name}_") as record:
        out = getattr(nn.init, name)(t, *args, **kwargs)
    assert record[0].filename == __file__   # points at the caller, as PyTorch's stacklevel=2
    assert out is t
    np.testing.assert_array_equal(t.numpy(), new)


def test_deprecated_dirac_and_clip_grad_norm():
    torch = require_torch()
    t = ag.zeros(4, 2, 3, 3)
    with pytest.warns(FutureWarning, match="dirac_"):
        nn.init.dirac(t, 2)
    T = torch.zeros(4, 2, 3, 3)
    with pytest.warns(FutureWarning):
        torch.nn.init.dirac(T, 2)
    np.testing.assert_array_equal(t.numpy(), T.numpy())
    g = rand((3, 4), np.float64, seed=1)
    p, P = ag.tensor(np.zeros((3, 4)), requires_grad=True), torch.zeros(3, 4, dtype=torch.float64, requires_grad=True)
    p.grad, P.grad = ag.tensor(g.copy()), torch.tensor(g.copy())
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        norm = nn.utils.clip_grad_norm(p, 0.5, norm_type=3.0)
    with pytest.warns(FutureWarning):
        Norm = torch.nn.utils.clip_grad_norm(P, 0.5, norm_type=3.0)
    np.testing.assert_allclose(norm.item(), Norm.item(), rtol=1e-12)
    np.testing.assert_allclose(p.grad.numpy(), P.grad.numpy(), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.utils.clip_grad_norm_(p, 0.5)   # the new name stays quiet
