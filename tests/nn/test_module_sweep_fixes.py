"""Differences the module sweep (`python -m tests.sweep modules`) found between deepgrad's nn modules and
PyTorch's, each checked against PyTorch on the same data."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _state_of(theirs):
    """PyTorch module `theirs`'s state_dict as host arrays, to load into ours."""
    return {k: v.detach().numpy() for k, v in theirs.state_dict().items()}


def _described(module):
    return [(k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in module.state_dict().items()]


def _forward_backward(lib, module, x, grad_seed=1):
    """module's output for host array x, and the gradients of x and of each parameter (named_parameters order)
    for a fixed random upstream gradient."""
    t = lib.tensor(x, requires_grad=True)
    y = module(t)
    g = np.random.default_rng(grad_seed).standard_normal(tuple(y.shape)).astype(x.dtype)
    (y * lib.tensor(g)).sum().backward()
    return [y.detach().numpy(), t.grad.numpy()] + [p.grad.numpy() for _, p in module.named_parameters()]


def _assert_same(theirs, ours, tol):
    assert len(theirs) == len(ours)
    for a, b in zip(theirs, ours):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


# ----- a lazy layer moved to float64 before its first forward makes float64 parameters (was float32) ---------
LAZY = [("LazyLinear", (2,), (3, 3)), ("LazyConv1d", (4, 3), (2, 2, 6)), ("LazyConvTranspose2d", (4, 3), (2, 2, 4, 4)),
        ("LazyBatchNorm1d", (), (3, 2, 5)), ("LazyInstanceNorm2d", (), (2, 3, 4, 4))]


@pytest.mark.parametrize("name, args, shape", LAZY)
@pytest.mark.parametrize("move", ["to", "double", "sequential"])
def test_lazy_layer_moved_to_float64_before_its_first_forward(name, args, shape, move):
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(shape)
    built = []
    for lib, space in ((torch, torch.nn), (ag, nn)):
        module = getattr(space, name)(*args)
        if move == "to":
            module = module.to(lib.float64)
        elif move == "double":
            module = module.double()
        else:   # the lazy layer inside a container that is moved
            module = space.Sequential(module).to(lib.float64)
        module(lib.tensor(x))   # sizes the layer
        built.append(module)
    theirs, ours = built
    assert _described(ours) == _described(theirs)
    ours.load_state_dict(_state_of(theirs))
    _assert_same(_forward_backward(torch, theirs, x), _forward_backward(ag, ours, x), 1e-10)


# ----- Linear with no input features: the unbatched backward (was a reshape error) ----------------------------
@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")
@pytest.mark.parametrize("shape", [(0,), (3, 0), (2, 3, 0)])
def test_linear_without_input_features_backward(shape):
    torch = require_torch()
    theirs = torch.nn.Linear(0, 2).double()
    ours = nn.Linear(0, 2).to(ag.float64)
    ours.load_state_dict(_state_of(theirs))
    x = np.zeros(shape)
    _assert_same(_forward_backward(torch, theirs, x), _forward_backward(ag, ours, x), 1e-12)


# ----- depthwise convolutions (groups == channels) on an empty batch (was a reshape error) ---------------------
@pytest.mark.parametrize("name, dims", [("Conv1d", 1), ("Conv2d", 2), ("Conv3d", 3), ("ConvTranspose1d", 1),
                                        ("ConvTranspose2d", 2)])
@pytest.mark.parametrize("stride", [1, 2])
def test_depthwise_convolution_on_an_empty_batch(name, dims, stride):
    torch = require_torch()
    theirs = getattr(torch.nn, name)(2, 2, 3, stride=stride, groups=2)
    ours = getattr(nn, name)(2, 2, 3, stride=stride, groups=2)
    ours.load_state_dict(_state_of(theirs))
    x = np.zeros((0, 2) + (6,) * dims, np.float32)
    _assert_same(_forward_backward(torch, theirs, x), _forward_backward(ag, ours, x), 1e-6)


# ----- GroupNorm without affine parameters takes any channel count its groups divide, as PyTorch's -------------
def test_group_norm_without_affine_takes_other_channel_counts():
    torch = require_torch()
    x = np.random.default_rng(2).standard_normal((4, 2, 3))   # C = 2, not the num_channels of 4
    theirs, ours = torch.nn.GroupNorm(2, 4, affine=False), nn.GroupNorm(2, 4, affine=False)
    _assert_same(_forward_backward(torch, theirs, x), _forward_backward(ag, ours, x), 1e-10)
    with pytest.raises(Exception):   # with affine parameters both refuse the mismatch
        torch.nn.GroupNorm(2, 4)(torch.tensor(x))
    with pytest.raises(ValueError):
        nn.GroupNorm(2, 4)(ag.tensor(x))


# ----- RNNBase and RNNCellBase: PyTorch's constructors, names and mode spelling ------------------------------
@pytest.mark.parametrize("args, kwargs", [(("LSTM", 3, 4), {}), (("GRU", 3, 4), {"num_layers": 2}),
                                          (("RNN_TANH", 3, 4), {"bidirectional": True}),
                                          (("LSTM", 3, 4), {"proj_size": 2})])
def test_rnn_base_is_built_from_pytorchs_mode_names(args, kwargs):
    torch = require_torch()
    theirs, ours = torch.nn.RNNBase(*args, **kwargs), nn.RNNBase(*args, **kwargs)
    assert _described(ours) == _described(theirs)
    assert (ours.mode, repr(ours)) == (theirs.mode, repr(theirs))
    with pytest.raises(ValueError):
        torch.nn.RNNBase("LSTMX", 3, 4)
    with pytest.raises(ValueError, match="LSTMX"):
        nn.RNNBase("LSTMX", 3, 4)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_spell_their_mode_as_pytorch(name):
    torch = require_torch()
    theirs, ours = getattr(torch.nn, name)(3, 4), getattr(nn, name)(3, 4)
    ours.load_state_dict(_state_of(theirs))
    assert ours.mode == theirs.mode
    x = np.random.default_rng(3).standard_normal((5, 2, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x))[0].numpy(), theirs(torch.tensor(x))[0].detach().numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("chunks", [1, 3, 4])
def test_rnn_cell_base_takes_pytorchs_arguments(chunks):
    torch = require_torch()
    theirs, ours = torch.nn.RNNCellBase(3, 4, True, chunks), nn.RNNCellBase(3, 4, True, chunks)
    assert _described(ours) == _described(theirs)
    assert repr(ours) == repr(theirs)
    without_bias = nn.RNNCellBase(3, 4, bias=False, num_chunks=chunks)
    assert _described(without_bias) == _described(torch.nn.RNNCellBase(3, 4, bias=False, num_chunks=chunks))
    assert isinstance(nn.LSTMCell(3, 4), nn.RNNCellBase) and isinstance(nn.GRUCell(3, 4), nn.RNNCellBase)


# ----- attributes and reprs PyTorch's modules have -----------------------------------------------------------
def test_relu6_and_data_parallel_attributes():
    torch = require_torch()
    assert (nn.ReLU6().min_val, nn.ReLU6().max_val) == (torch.nn.ReLU6().min_val, torch.nn.ReLU6().max_val)
    assert repr(nn.ReLU6(inplace=True)) == repr(torch.nn.ReLU6(inplace=True))
    assert nn.DataParallel(nn.Linear(3, 2)).device_ids == torch.nn.DataParallel(torch.nn.Linear(3, 2)).device_ids


# ----- the sweep itself: it covers every shared class, and the fixed ones show no difference ------------------
@pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch's own, about lazy modules and oneDNN
def test_module_sweep_covers_every_shared_class_and_finds_nothing_in_the_fixed_ones():
    torch = require_torch()
    from tests.sweep import modules
    fixed = ["LazyLinear", "LazyConv1d", "LazyBatchNorm2d", "LazyInstanceNorm1d", "GroupNorm", "RNNBase",
             "RNNCellBase", "ReLU6", "DataParallel", "Linear", "Conv1d", "ConvTranspose2d", "LSTM"]
    assert modules.lines(torch, names=fixed) == []
