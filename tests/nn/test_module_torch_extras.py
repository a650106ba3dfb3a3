"""PyTorch's smaller Module surface: Module.to's forms (device=, dtype=, both, a tensor, non_blocking),
nn.Buffer, register_module / get_buffer / set_submodule / type / cuda / share_memory / to_empty /
register_backward_hook, DataParallel, RNNBase / RNNCellBase, NLLLoss2d, and SyncBatchNorm in one process
(BatchNorm's numbers, PyTorch's repr and conversion); the ranks' version is tests/nn/test_distributed.py's."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _net():
    return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))


@pytest.mark.parametrize("args,kwargs", [((), {"dtype": ag.float64}), (("cpu", ag.float64), {}),
                                         (("cpu",), {"dtype": ag.float64, "non_blocking": True}),
                                         ((ag.zeros(1, dtype=ag.float64),), {}),
                                         ((ag.float64, True), {})])
def test_module_to_takes_pytorchs_forms(args, kwargs):
    net = _net()
    weight = net[0].weight
    assert net.to(*args, **kwargs) is net
    assert net[0].weight is weight and weight.dtype == ag.float64
    assert net[1].running_mean.dtype == ag.float64 and net[1].num_batches_tracked.dtype == ag.int64


def test_module_to_device_keyword_and_errors():
    net = _net()
    net.to(device="numba")
    assert str(net[0].weight.device) == "numba"
    net.to(device="cpu")
    with pytest.raises(TypeError, match="floating point dtypes"):
        net.to(ag.int64)
    with pytest.raises(TypeError, match="neither a device"):
        net.to("not-a-device")
    with pytest.raises(TypeError, match="unexpected keyword"):
        net.to(devices="cpu")


def test_buffer_registers_itself():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.kept = nn.Buffer(ag.ones(2))
            self.scratch = nn.Buffer(ag.zeros(1), persistent=False)

    model = Model()
    assert list(model.state_dict()) == ["kept"]
    assert [name for name, _ in model.named_buffers()] == ["kept", "scratch"]
    assert type(model.kept) is ag.Tensor and model.get_buffer("scratch") is model.scratch
    torch = require_torch()
    assert hasattr(torch.nn, "Buffer")


def test_registration_and_lookup_methods_match_torch():
    torch = require_torch()
    for lib in (nn, torch.nn):
        linear = lib.Linear(2, 2)
        linear.register_module("act", lib.ReLU())
        assert list(dict(linear.named_children())) == ["act"]
        seq = lib.Sequential(lib.Linear(1, 1), lib.BatchNorm1d(1))
        seq.set_submodule("0", lib.Tanh())
        assert type(seq[0]).__name__ == "Tanh"
        assert seq.get_buffer("1.running_var").shape == (1,)
        with pytest.raises(AttributeError):
            seq.get_buffer("1.nothing")
        assert seq.share_memory() is seq and seq.to_empty(device="cpu") is seq
        assert seq.type(ag.float64 if lib is nn else torch.float64)[1].weight.dtype.itemsize == 8
    with pytest.raises(AttributeError, match="no sub-module"):
        nn.Sequential(nn.Linear(1, 1)).set_submodule("5", nn.ReLU(), strict=True)


def test_deprecated_backward_hook_is_a_full_one():
    layer = nn.Linear(2, 2)
    seen = []
    with pytest.warns(FutureWarning, match="register_full_backward_hook"):
        handle = layer.register_backward_hook(lambda m, gi, go: seen.append(go[0].shape))
    layer(ag.ones(3, 2, requires_grad=True)).sum().backward()
    assert seen == [(3, 2)]
    handle.remove()


def test_data_parallel_wraps_one_replica():
    inner = nn.Linear(2, 3)
    wrapped = nn.DataParallel(inner, device_ids=[0])
    x = ag.randn(4, 2)
    np.testing.assert_array_equal(wrapped(x).numpy(), inner(x).numpy())
    assert wrapped.module is inner and list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    with pytest.raises(TypeError, match="Module"):
        nn.DataParallel(lambda x: x)


def test_recurrent_base_classes_and_nllloss2d():
    assert isinstance(nn.LSTM(2, 3), nn.RNNBase) and isinstance(nn.GRU(2, 3), nn.RNNBase)
    assert isinstance(nn.LSTMCell(2, 3), nn.RNNCellBase) and not isinstance(nn.Linear(2, 2), nn.RNNBase)
    assert nn.NLLLoss2d is nn.NLLLoss


def test_sync_batchnorm_alone_is_batchnorm_and_matches_torch():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((6, 3, 4))
    ours, theirs = nn.SyncBatchNorm(3).double(), torch.nn.SyncBatchNorm(3).double()
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, out_t = ours(xo), theirs(xt)
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), atol=1e-12)
    out_o.pow(2).sum().backward()
    out_t.pow(2).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.detach().numpy(), atol=1e-12)
    assert repr(ours) == repr(theirs)
    with pytest.raises(ValueError, match="process_group"):
        nn.SyncBatchNorm(3, process_group=object())


def test_convert_sync_batchnorm_keeps_parameters_and_statistics():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Sequential(nn.BatchNorm1d(4, affine=False)))
    net[1].running_mean.fill_(0.5)
    weight = net[1].weight
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    assert converted is net and type(net[1]) is nn.SyncBatchNorm and type(net[2][0]) is nn.SyncBatchNorm
    assert net[1].weight is weight and float(net[1].running_mean[0]) == 0.5
    assert net[2][0].weight is None and list(net.state_dict()) == list(
        nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2),
                      nn.Sequential(nn.BatchNorm1d(4, affine=False))).state_dict())
    lone = nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm1d(3).eval())
    assert type(lone) is nn.SyncBatchNorm and not lone.training
