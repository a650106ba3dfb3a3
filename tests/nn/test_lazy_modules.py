"""The lazy layers (LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d):
PyTorch's repr before the first input, sizing from it (batched and unbatched), becoming the eager layer, the
eager layer's initialisation, outputs equal to PyTorch's layer given the same weights, and errors."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn.parameter import is_lazy
from tests.helpers import rand, torch

CONVS = [
    ("LazyConv1d", (4, 3), dict(padding=1), (2, 6, 7)),
    ("LazyConv1d", (4, 3), dict(groups=2, bias=False), (6, 7)),
    ("LazyConv2d", (4, 3), dict(stride=2, padding_mode="reflect", padding=1), (2, 3, 6, 5)),
    ("LazyConv3d", (2, 2), dict(dilation=2), (1, 2, 5, 5, 5)),
    ("LazyConvTranspose1d", (3, 3), dict(stride=2, output_padding=1), (2, 4, 5)),
    ("LazyConvTranspose2d", (4, 3), dict(groups=2, bias=False), (2, 6, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), dict(stride=2), (3, 3, 3, 3)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CONVS, ids=[f"{c[0]}-{c[3]}" for c in CONVS])
def test_lazy_conv_sizes_itself_then_is_the_eager_layer(device, name, args, kwargs, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # PyTorch warns that lazy modules are experimental
        theirs_lazy = getattr(torch.nn, name)(*args, **kwargs)
    ours = getattr(nn, name)(*args, **kwargs, device=device)
    assert repr(ours) == repr(theirs_lazy) and is_lazy(ours.weight)
    assert [type(p).__name__ for p in ours.parameters()] == [type(p).__name__ for p in theirs_lazy.parameters()]
    x = ag.tensor(rand(shape, np.float32, seed=2), device=device)
    ag.manual_seed(0)
    y = ours(x)
    eager = getattr(nn, name[4:])
    assert type(ours) is eager and ours.weight.device == x.device
    channels = shape[1] if len(shape) == ours.spatial + 2 else shape[0]
    assert ours.in_channels == channels
    groups = kwargs.get("groups", 1)
    fan_in = ours.weight.shape[1] * int(np.prod(ours.kernel_size))
    assert np.abs(ours.weight.numpy()).max() <= 1 / np.sqrt(fan_in)    # PyTorch's kaiming-uniform(a = sqrt(5)) bound
    expected = [(ours.out_channels, channels // groups) if "Transpose" not in name else (channels,
                                                                                         ours.out_channels // groups)]
    assert tuple(ours.weight.shape[:2]) == expected[0]
    names = ["weight"] if kwargs.get("bias") is False else ["weight", "bias"]
    assert [n for n, _ in ours.named_parameters()] == names
    theirs = getattr(torch.nn, name[4:])(channels, *args, **kwargs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(y.numpy(), theirs(torch.tensor(x.numpy())).detach().numpy(), atol=2e-6, rtol=1e-5)
    assert repr(ours) == repr(theirs)
    y.sum().backward()
    assert ours.weight.grad.shape == ours.weight.shape


NORMS = [
    ("LazyBatchNorm1d", dict(), (4, 3)),
    ("LazyBatchNorm1d", dict(momentum=None), (4, 3, 5)),
    ("LazyBatchNorm2d", dict(affine=False), (2, 3, 4, 4)),
    ("LazyBatchNorm3d", dict(track_running_stats=False, eps=1e-3), (2, 2, 3, 3, 3)),
    ("LazyInstanceNorm1d", dict(), (2, 3, 6)),
    ("LazyInstanceNorm2d", dict(affine=False, track_running_stats=False), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", dict(bias=False), (2, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("name,kwargs,shape", NORMS, ids=[f"{c[0]}-{c[2]}" for c in NORMS])
def test_lazy_norm_sizes_itself_then_is_the_eager_layer(device, name, kwargs, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(torch.nn, name)(**kwargs)
    ours = getattr(nn, name)(**kwargs, device=device)
    if "Instance" in name:   # (our BatchNorm's repr has no bias= part, PyTorch's newer one does)
        assert repr(ours) == repr(theirs)
    assert [type(p).__name__ for p in ours.parameters()] == [type(p).__name__ for p in theirs.parameters()]
    assert [(k, type(b).__name__) for k, b in ours.named_buffers()] == \
        [(k, type(b).__name__) for k, b in theirs.named_buffers()]
    x = rand(shape, np.float32, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PyTorch's lazy instance norm without parameters stays at 0 features
        y, t_y = ours(ag.tensor(x, device=device)), theirs(torch.tensor(x))
    assert type(ours) is getattr(nn, name[4:]) and ours.num_features == shape[1]
    np.testing.assert_allclose(y.numpy(), t_y.detach().numpy(), atol=2e-6, rtol=1e-5)
    ours_state, their_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(their_state)
    for key, value in ours_state.items():
        np.testing.assert_allclose(value.numpy(), their_state[key].numpy(), atol=1e-6, rtol=1e-6, err_msg=key)
    ours.eval()
    theirs.eval()
    x2 = rand(shape, np.float32, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = theirs(torch.tensor(x2)).detach().numpy()
    np.testing.assert_allclose(ours(ag.tensor(x2, device=device)).numpy(), expected, atol=2e-6, rtol=1e-5)


def test_lazy_instance_norm_sizes_itself_from_an_unbatched_input():
    """The channel dim of an unbatched (C, L) input is dim 0 (PyTorch reads dim 1 here, and then refuses the
    input it sized itself from when affine)."""
    ours = nn.LazyInstanceNorm1d()
    x = rand((3, 6), np.float32, seed=1)
    y = ours(ag.tensor(x))
    assert ours.num_features == 3 and ours.weight.shape == (3,)
    expected = torch.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)(torch.tensor(x))
    np.testing.assert_allclose(y.numpy(), expected.detach().numpy(), atol=2e-6)


def test_lazy_layers_in_a_model_train_and_save():
    ag.manual_seed(0)
    model = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2))
    x = ag.tensor(rand((2, 3, 6, 6), np.float32, seed=3))
    model(x)
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"]
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()
    assert set(model.state_dict()) >= {"1.running_mean", "1.num_batches_tracked"}


def test_lazy_layers_have_uninitialized_params_until_sized_as_torch():
    for ours in (nn.LazyLinear(2), nn.LazyConv2d(4, 3), nn.LazyBatchNorm1d()):
        assert ours.has_uninitialized_params() is True
        ours(ag.ones(2, 3, 5, 5) if isinstance(ours, nn.Conv2d) else ag.ones(2, 3))
        assert not hasattr(ours, "has_uninitialized_params")   # as PyTorch: the eager layer has no such method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.LazyLinear(2)
    assert theirs.has_uninitialized_params() is True
    theirs(torch.ones(2, 3))
    assert not hasattr(theirs, "has_uninitialized_params")


def test_lazy_errors_name_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"LazyConv1d: expected a 2-D \(unbatched\) or 3-D \(batched\) input"):
        nn.LazyConv1d(4, 3)(ag.ones(5))
    with pytest.raises(ValueError, match=r"LazyConv1d: in_channels=5 .* must be divisible by groups=2"):
        nn.LazyConv1d(4, 3, groups=2)(ag.ones(3, 5, 5))
    with pytest.raises(ValueError, match=r"LazyBatchNorm2d: expected an input \(N, C, H, W\)"):
        nn.LazyBatchNorm2d()(ag.ones(3, 4))
    with pytest.raises(ValueError, match=r"LazyInstanceNorm3d: expected an input"):
        nn.LazyInstanceNorm3d()(ag.ones(3, 4))
