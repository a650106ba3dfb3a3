"""PyTorch's smaller Module surface: Module.to's forms (device=, dtype=, both, a tensor, non_blocking),
nn.Buffer, register_module / get_buffer / set_submodule / type / cuda / share_memory / to_empty /
register_backward_hook, DataParallel, RNNBase / RNNCellBase, NLLLoss2d, and SyncBatchNorm in one process
(BatchNorm's numbers, PyTorch's repr and conversion); the ranks' version is tests/nn/test_distributed.py's."""
from contextlib import nullcontext

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
    with pytest.raises(TypeError, match="floating point or complex dtypes"):
        net.to(ag.int64)
    with pytest.raises(TypeError, match="neither a device"):
        net.to("not-a-device")
    with pytest.raises(TypeError, match="unexpected keyword"):
        net.to(devices="cpu")


def test_module_to_memory_format_lays_out_4d_tensors_as_torch():
    torch = require_torch()
    ours = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(2, 2))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(2, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours[0].weight.grad = ag.ones(4, 3, 3, 3)
    theirs[0].weight.grad = torch.ones(4, 3, 3, 3)
    weight = ours[0].weight
    assert ours.to(memory_format=ag.channels_last) is ours and ours[0].weight is weight
    theirs.to(memory_format=torch.channels_last)
    for mine, torchs in [(ours[0].weight, theirs[0].weight), (ours[0].weight.grad, theirs[0].weight.grad),
                         (ours[2].weight, theirs[2].weight), (ours[1].running_mean, theirs[1].running_mean)]:
        assert mine.stride() == torchs.stride()
        np.testing.assert_array_equal(mine.detach().numpy(), torchs.detach().numpy())
    ours.to(memory_format=ag.contiguous_format)
    assert ours[0].weight.is_contiguous() and ours.to(memory_format=ag.preserve_format) is ours


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
        with pytest.warns(UserWarning, match="not place tensors in shared memory") if lib is nn else nullcontext():
            assert seq.share_memory() is seq   # deepgrad warns: Hogwild children's updates would be lost quietly
        assert seq.to_empty(device="cpu") is seq
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
    with pytest.warns(UserWarning, match="NLLLoss2d"):   # deprecated, as PyTorch's, and the same loss
        loss = nn.NLLLoss2d()
    assert isinstance(loss, nn.NLLLoss) and repr(loss) == "NLLLoss2d()"


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


def _with_extra(lib):
    class WithExtra(lib.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.Linear(2, 2)
            self.count = 3

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]
    return WithExtra


def test_state_dict_hooks_and_extra_state_match_torch():
    torch = require_torch()
    seen = {}
    for name, lib in (("ours", nn), ("torch", torch.nn)):
        calls = []
        WithExtra = _with_extra(lib)
        model = lib.Sequential(WithExtra(), lib.ReLU())
        model.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append(("pre", prefix)))
        model[0].register_state_dict_post_hook(lambda mod, sd, prefix, meta: calls.append(("post", prefix, list(sd))))
        state = model.state_dict()
        fresh = lib.Sequential(WithExtra(), lib.ReLU())
        fresh[0].count = 0
        loaded = fresh.load_state_dict(state)
        old = {"0.lin.w": state["0.lin.weight"], "0.lin.bias": state["0.lin.bias"], "0._extra_state": {"count": 9}}

        def rename(mod, sd, prefix, meta, strict, missing, unexpected, errors):
            if prefix + "lin.w" in sd:
                sd[prefix + "lin.weight"] = sd.pop(prefix + "lin.w")
        fresh[0].register_load_state_dict_pre_hook(rename)
        renamed = fresh.load_state_dict(old)
        partial = lib.Sequential(WithExtra(), lib.ReLU())
        partial.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear())
        cleared = partial.load_state_dict({"0.lin.weight": state["0.lin.weight"]})
        seen[name] = (list(state), calls, repr(loaded), fresh[0].count, repr(renamed), sorted(old), repr(cleared))
    assert seen["ours"] == seen["torch"]


def test_extra_state_missing_and_not_overridden():
    model = _with_extra(nn)()
    with pytest.raises(nn.module.StateDictError, match="_extra_state"):
        model.load_state_dict({"lin.weight": ag.zeros(2, 2), "lin.bias": ag.zeros(2)})
    assert model.load_state_dict({"lin.weight": ag.zeros(2, 2), "lin.bias": ag.zeros(2)},
                                 strict=False).missing_keys == ["_extra_state"]
    with pytest.raises(nn.module.StateDictError, match="_extra_state"):
        nn.Linear(2, 2).load_state_dict({**nn.Linear(2, 2).state_dict(), "_extra_state": 1})
    with pytest.raises(RuntimeError, match="not overridden"):
        nn.Linear(1, 1).get_extra_state()


def test_state_dict_destination_prefix_and_removed_hooks():
    layer = nn.Linear(2, 2)
    out = {}
    assert layer.state_dict(destination=out, prefix="enc.") is out and list(out) == ["enc.weight", "enc.bias"]
    assert list(layer.state_dict(None, "x.", True)) == ["x.weight", "x.bias"]
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    calls = []
    handle = layer.register_state_dict_pre_hook(lambda *a: calls.append(1))
    layer.state_dict()
    handle.remove()
    layer.state_dict()
    assert calls == [1]
    layer.register_load_state_dict_post_hook(lambda mod, keys: "not None")
    with pytest.raises(RuntimeError, match="must return None"):
        layer.load_state_dict(layer.state_dict())
