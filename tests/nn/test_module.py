"""nn.Module, Parameter and containers: registration, traversal, modes, to(), state_dict round trips."""
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(ag.ones(4))
        self.register_buffer("steps", ag.zeros(1, dtype=ag.int64))
        self.register_buffer("scratch", ag.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc(x) * self.scale


def test_registration_and_names():
    m = nn.Sequential(Block(), nn.ReLU(), nn.Linear(4, 2))
    names = [n for n, _ in m.named_parameters()]
    assert names == ["0.scale", "0.fc.weight", "0.fc.bias", "2.weight", "2.bias"]
    assert list(m.state_dict()) == ["0.scale", "0.steps", "0.fc.weight", "0.fc.bias", "2.weight", "2.bias"]
    assert [n for n, _ in m.named_buffers()] == ["0.steps", "0.scratch"]
    assert len(list(m.modules())) == 5 and len(list(m.children())) == 3
    assert isinstance(m[0], Block) and isinstance(m[1:], nn.Sequential) and len(m[1:]) == 2


def test_reassigning_and_deleting_members_keeps_registries_consistent():
    m = Block()
    m.scale = None
    assert m.scale is None and "scale" not in m.state_dict()
    m.scale = nn.Parameter(ag.zeros(4))
    assert m.scale is m._parameters["scale"]
    m.steps = ag.ones(1, dtype=ag.int64)
    assert m.steps is m._buffers["steps"] and m.state_dict()["steps"].item() == 1
    m.fc = nn.Linear(3, 5)
    assert m.fc.out_features == 5 and m.state_dict()["fc.weight"].shape == (5, 3)
    del m.fc
    assert not hasattr(m, "fc") and "fc.weight" not in m.state_dict()
    with pytest.raises(KeyError, match="'scale' already exists"):   # as PyTorch: no silent drop of the parameter
        m.register_buffer("scale", ag.ones(2))
    del m.scale
    m.register_buffer("scale", ag.ones(2))   # a name moves from parameters to buffers once freed
    assert "scale" not in dict(m.named_parameters()) and m.scale.shape == (2,)
    with pytest.raises(TypeError, match="buffer 'scale'"):
        m.scale = 7


def test_shared_parameter_listed_once():
    fc = nn.Linear(2, 2)
    m = nn.Sequential(fc, fc)
    assert len(list(m.parameters())) == 2
    assert list(m.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]   # as PyTorch lists it


def test_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    tfc = torch.nn.Linear(2, 2)
    tm = torch.nn.Sequential(tfc, torch.nn.Sequential(torch.nn.Linear(2, 3), tfc))
    fc = nn.Linear(2, 2)
    m = nn.Sequential(fc, nn.Sequential(nn.Linear(2, 3), fc))
    assert list(m.state_dict()) == list(tm.state_dict())


def test_train_eval_zero_grad_and_freezing(device):
    m = nn.Sequential(Block(), nn.Linear(4, 1)).to(device)
    assert m.eval() is m and not m[0].training and not m[0].fc.training
    m.train()
    assert m[0].fc.training
    m(ag.randn(5, 3, device=device)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m[0].requires_grad_(False)
    m(ag.randn(5, 3, device=device)).sum().backward()
    assert m[0].fc.weight.grad is None and m[1].weight.grad is not None


def test_to_keeps_parameter_identity_and_int_buffers():
    m = Block()
    weight = m.fc.weight
    m.to(ag.float64)
    assert m.fc.weight is weight and weight.dtype == np.float64 and m.steps.dtype == np.int64
    assert m.float() is m and weight.dtype == np.float32 and m.double().scale.dtype == np.float64
    for dev in ag.available_devices():
        m.to(dev)
        assert weight.device == dev and m.steps.device == dev


def test_state_dict_round_trip_and_numpy_values():
    a, b = Block(), Block()
    sd = a.state_dict()
    assert not sd["fc.weight"].requires_grad and a.state_dict(keep_vars=True)["fc.weight"] is a.fc.weight
    sd["fc.weight"] *= 2   # the entries share memory with the module, as in PyTorch
    np.testing.assert_array_equal(a.fc.weight.numpy(), sd["fc.weight"].numpy())
    b.load_state_dict({k: v.numpy() for k, v in a.state_dict().items()})
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb
        np.testing.assert_array_equal(va.numpy(), vb.numpy())


def test_save_load_round_trip(tmp_path, device):
    a, b = Block().to(device), Block().to(device)
    nn.save(a.state_dict(), tmp_path / "block.safetensors")
    b.load_state_dict(nn.load(tmp_path / "block.safetensors"))
    assert b.steps.dtype == np.int64 and b.fc.weight.device == ag.device(device)
    for key, value in a.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), b.state_dict()[key].numpy())


def test_load_state_dict_names_every_bad_key():
    m = Block()
    sd = {k: v.numpy() for k, v in m.state_dict().items()}
    sd["fc.weight"] = np.zeros((9, 9), np.float32)
    del sd["scale"]
    sd["extra"] = np.zeros(1)
    with pytest.raises(KeyError) as info:
        m.load_state_dict(sd)
    text = str(info.value)
    assert "fc.weight" in text and "Size([9, 9])" in text and "scale" in text and "extra" in text
    sd["fc.weight"] = np.zeros((4, 3), np.float32)
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert missing == ["scale"] and unexpected == ["extra"]


def test_load_state_dict_returns_named_keys_and_raises_runtime_error_as_torch():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Linear(3, 2)
    ours = nn.Linear(3, 2).load_state_dict({"weight": np.zeros((2, 3)), "old": np.zeros(1)}, strict=False)
    theirs = tm.load_state_dict({"weight": torch.zeros(2, 3), "old": torch.zeros(1)}, strict=False)
    assert (ours.missing_keys, ours.unexpected_keys) == (theirs.missing_keys, theirs.unexpected_keys)
    assert tuple(ours) == tuple(theirs) and "missing_keys=['bias']" in repr(ours)
    assert repr(nn.Linear(3, 2).load_state_dict(tm.state_dict())) == repr(tm.load_state_dict(tm.state_dict()))
    with pytest.raises(RuntimeError, match=r"for Linear:\n\tMissing key\(s\) in state_dict: \"bias\""):
        nn.Linear(3, 2).load_state_dict({"weight": np.zeros((2, 3))})


def test_load_state_dict_spots_a_prefix_every_key_has_or_lacks():
    plain = nn.Linear(3, 2).state_dict()
    with pytest.raises(RuntimeError, match=r"extra 'module\.' prefix.*removeprefix\('module\.'\)"):
        nn.Linear(3, 2).load_state_dict({"module." + k: v for k, v in plain.items()})
    with pytest.raises(RuntimeError, match=r"lacks the model's 'encoder\.0\.' prefix.*get_submodule\('encoder\.0'\)"):
        nn.Sequential(OrderedDict(encoder=nn.Sequential(nn.Linear(3, 2)))).load_state_dict(plain)
    with pytest.raises(RuntimeError) as info:
        nn.Linear(3, 2).load_state_dict({"weight": plain["weight"], "other": plain["bias"]})
    assert "prefix" not in str(info.value)


def test_torch_mlp_with_loaded_weights_matches_in_outputs_and_gradients(device):
    torch = pytest.importorskip("torch")
    tm = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 5), torch.nn.Tanh(),
                             torch.nn.Linear(5, 3))
    m = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 5), nn.Tanh(), nn.Linear(5, 3)).to(device)
    m.load_state_dict(tm.state_dict())
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 6)).astype(np.float32)
    y = rng.integers(0, 3, 7)
    xo = ag.tensor(x, device=device, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    lo = nn.CrossEntropyLoss()(m(xo), ag.tensor(y, device=device))
    lt = torch.nn.CrossEntropyLoss()(tm(xt), torch.tensor(y))
    np.testing.assert_allclose(lo.item(), lt.item(), rtol=1e-5)
    lo.backward()
    lt.backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-6)
    ours = dict(m.named_parameters())
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(ours[name].grad.numpy(), p.grad.numpy(), atol=1e-6, err_msg=name)


def test_frozen_backbone_fine_tuning(device):
    backbone, head = nn.Linear(4, 4), nn.Linear(4, 2)
    m = nn.Sequential(backbone, nn.ReLU(), head).to(device)
    before = backbone.weight.numpy().copy()
    backbone.requires_grad_(False)
    trainable = [p for p in m.parameters() if p.requires_grad]
    assert trainable == [head.weight, head.bias]
    for _ in range(3):
        loss = F.cross_entropy(m(ag.randn(8, 4, device=device)), ag.tensor(np.arange(8) % 2, device=device))
        m.zero_grad()
        loss.backward()
        with ag.no_grad():
            for p in trainable:
                p._data -= 0.1 * p.grad._data
    assert backbone.weight.grad is None and np.array_equal(backbone.weight.numpy(), before)
    assert head.weight.grad is not None


def test_setattr_errors_and_module_list():
    m = Block()
    with pytest.raises(TypeError, match="nn.Parameter"):
        m.scale = ag.ones(4)
    with pytest.raises(TypeError, match="sub-module 'fc'"):
        m.fc = 3
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6 and isinstance(layers[1], nn.Dense)
    d = nn.ModuleDict({"a": nn.Linear(1, 1)})
    assert "a" in d and len(list(d.parameters())) == 2


def test_repr_mentions_layers():
    text = repr(nn.Sequential(nn.Linear(3, 4), nn.ReLU()))
    assert "(0): Linear(in_features=3, out_features=4, bias=True)" in text and "(1): ReLU()" in text


def _tied_model(lib):
    class Tied(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = lib.nn.Embedding(5, 3)
            self.body = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.ReLU())
            self.pool = lib.nn.Identity()
            self.head = lib.nn.Linear(3, 5)
            self.head.weight = self.emb.weight        # tying: head's weight must stay before its bias
            self.pool = lib.nn.Tanh()                 # a replaced child keeps its place
            self.shared = self.body
    return Tied()


def test_replacing_a_parameter_or_child_keeps_its_place_and_listing_options_match_torch():
    torch = pytest.importorskip("torch")
    import autograd
    ours, theirs = _tied_model(autograd), _tied_model(torch)
    for kwargs in ({}, {"prefix": "m"}, {"remove_duplicate": False}, {"recurse": False}):
        assert [n for n, _ in ours.named_parameters(**kwargs)] == [n for n, _ in theirs.named_parameters(**kwargs)]
    for kwargs in ({}, {"prefix": "m"}, {"remove_duplicate": False}):
        assert [n for n, _ in ours.named_modules(**kwargs)] == [n for n, _ in theirs.named_modules(**kwargs)]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_buffers(prefix="p")] == [n for n, _ in theirs.named_buffers(prefix="p")]


def test_load_state_dict_assign_replaces_tensors_with_the_checkpoints_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        model[0].bias.requires_grad_(False)
        checkpoint = {k: lib.ones(tuple(v.shape), dtype=lib.float64) if v.dtype == lib.float32 else v
                      for k, v in model.state_dict().items()}
        old = model[0].weight
        model.load_state_dict(checkpoint, assign=True)
        assert model[0].weight is not old and model[0].weight.dtype == lib.float64
        assert isinstance(model[0].weight, lib.nn.Parameter) and model[0].weight.requires_grad
        assert not model[0].bias.requires_grad and model[1].running_mean.dtype == lib.float64
        assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
        assert model[0].weight.sum().item() == 6.0
