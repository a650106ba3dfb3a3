"""Regressions for the differences from PyTorch that round 13 found in its programs
(tests/test_pytorch_programs_round13.py) and in the spot checks around them: loading checkpoints into modules
(assign=True, _metadata versions, _load_from_state_dict upgrades) and tensor_split's error type. Each test runs
the same code with PyTorch and with deepgrad and compares what they report."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _both(torch):
    """(library, its nn) for PyTorch and deepgrad."""
    return ((torch, torch.nn), (ag, nn))


def test_load_state_dict_assign_takes_the_checkpoints_tensors():
    """assign=True puts the checkpoint's tensors themselves in the module: a parameter shares their memory (a
    Parameter around them, requires_grad kept from the module), a buffer is the very tensor; without assign the
    values are copied into the module's own tensors."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    w, b, mean = (rng.normal(0, 1, s).astype(np.float32) for s in ((3, 2), (3,), (3,)))
    seen = []
    for lib, lib_nn in _both(torch):
        layer = lib_nn.Linear(2, 3)
        layer.register_buffer("mean", lib.zeros(3))
        layer.bias.requires_grad_(False)
        sd = {"weight": lib.tensor(w), "bias": lib.tensor(b), "mean": lib.tensor(mean)}
        layer.load_state_dict(sd, assign=True)
        copied = lib_nn.Linear(2, 3)
        copied.load_state_dict({"weight": sd["weight"], "bias": sd["bias"]})
        sd["weight"][0, 0] = 100.0
        seen.append((layer.weight.data_ptr() == sd["weight"].data_ptr(), layer.mean is sd["mean"],
                     type(layer.weight).__name__, layer.weight.requires_grad, layer.bias.requires_grad,
                     float(layer.weight.detach()[0, 0]), float(copied.weight.detach()[0, 0]) == 100.0))
    assert seen[1] == seen[0] == (True, True, "Parameter", True, False, 100.0, False)


def test_state_dict_carries_each_modules_version_in_metadata():
    """state_dict() has PyTorch's `_metadata`: dotted module name -> {'version': module._version}, the root under
    ''; a class's own _version shows up there."""
    torch = require_torch()
    results = []
    for _, lib_nn in _both(torch):
        class Block(lib_nn.Module):
            _version = 3

            def __init__(self):
                super().__init__()
                self.fc = lib_nn.Linear(2, 2)

        model = lib_nn.Sequential(Block(), lib_nn.ReLU())
        meta = model.state_dict()._metadata
        results.append({k: v["version"] for k, v in meta.items()})
    assert results[1] == results[0]
    assert results[0]["0"] == 3 and results[0]["0.fc"] == 1


def test_load_from_state_dict_override_upgrades_old_checkpoint_keys():
    """A module that renamed a layer overrides _load_from_state_dict to rename an older checkpoint's keys, reading
    the saved version from local_metadata; load_state_dict calls it with its prefix inside a parent model, so the
    old checkpoint loads strictly and gives the same outputs as in PyTorch."""
    torch = require_torch()
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (4, 3)).astype(np.float32)
    old_sd = {"enc.proj.weight": rng.normal(0, 1, (2, 3)).astype(np.float32),
              "enc.proj.bias": rng.normal(0, 1, 2).astype(np.float32),
              "head.weight": rng.normal(0, 1, (1, 2)).astype(np.float32),
              "head.bias": rng.normal(0, 1, 1).astype(np.float32)}
    outs, versions_seen = [], []
    for lib, lib_nn in _both(torch):
        class OldEncoder(lib_nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = lib_nn.Linear(3, 2)

        class NewEncoder(lib_nn.Module):
            _version = 2

            def __init__(self):
                super().__init__()
                self.input_proj = lib_nn.Linear(3, 2)

            def forward(self, t):
                return self.input_proj(t).tanh()

            def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs):
                versions_seen.append((prefix, local_metadata.get("version")))
                if local_metadata.get("version", 1) < 2:
                    for suffix in ("weight", "bias"):
                        state_dict[prefix + "input_proj." + suffix] = state_dict.pop(prefix + "proj." + suffix)
                super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                              unexpected_keys, error_msgs)

        old = lib_nn.ModuleDict({"enc": OldEncoder(), "head": lib_nn.Linear(2, 1)})
        old.load_state_dict({k: lib.tensor(v) for k, v in old_sd.items()})
        saved = old.state_dict()
        new = lib_nn.ModuleDict({"enc": NewEncoder(), "head": lib_nn.Linear(2, 1)})
        result = new.load_state_dict(saved)
        outs.append((str(result), sorted(saved), new["head"](new["enc"](lib.tensor(x))).detach().numpy()))
    assert outs[1][:2] == outs[0][:2]
    np.testing.assert_allclose(outs[1][2], outs[0][2], rtol=1e-6)
    assert versions_seen[1] == versions_seen[0] == ("enc.", 1)


def test_load_state_dict_pre_hook_gets_the_modules_metadata():
    """A load_state_dict pre-hook receives the module's entry of the checkpoint's _metadata (PyTorch's
    local_metadata), not an empty dict."""
    torch = require_torch()
    got = []
    for _, lib_nn in _both(torch):
        model = lib_nn.Sequential(lib_nn.Linear(2, 2))
        model[0].register_load_state_dict_pre_hook(lambda m, sd, prefix, meta, *rest: got.append((prefix, meta)))
        model.load_state_dict(model.state_dict())
    assert got[1] == got[0] == ("0.", {"version": 1})


def test_tensor_split_into_zero_sections_raises_runtime_error_as_pytorch():
    """tensor_split(t, 0) raises the RuntimeError PyTorch raises (deepgrad's error is also a ValueError), naming
    the op, the count and the shape."""
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.tensor_split(torch.ones(3), 0)
    with pytest.raises(RuntimeError, match=r"tensor_split.*0.*\(3,\)"):
        ag.tensor_split(ag.ones(3), 0)


def test_modules_take_their_input_by_pytorchs_keyword_name():
    """Modules' forward parameters have PyTorch's names, so `layer(input=x)` works, and a forward hook registered
    with with_kwargs=True sees the same keyword names as PyTorch's (nn.RMSNorm's is `x`)."""
    torch = require_torch()
    x = np.linspace(-2, 2, 6).reshape(2, 3)
    names = ["Linear", "Identity", "Flatten", "ReLU", "GELU", "Tanh", "Sigmoid", "Hardtanh", "Softplus", "SiLU"]
    for name in names:
        outs, seen = [], []
        for lib, lib_nn in _both(torch):
            layer = getattr(lib_nn, name)(3, 2, dtype=lib.float64) if name == "Linear" else getattr(lib_nn, name)()
            if name == "Linear":
                layer.load_state_dict({"weight": lib.tensor(np.ones((2, 3))), "bias": lib.tensor(np.zeros(2))})
            layer.register_forward_hook(lambda m, args, kwargs, out: seen.append(sorted(kwargs)), with_kwargs=True)
            outs.append(layer(input=lib.tensor(x)).detach().numpy())
        np.testing.assert_allclose(outs[1], outs[0], rtol=1e-12, err_msg=name)
        assert seen == [["input"], ["input"]], name
    for lib, lib_nn in _both(torch):
        seq = lib_nn.Sequential(lib_nn.Linear(3, 2, dtype=lib.float64), lib_nn.ReLU())
        assert tuple(seq(input=lib.tensor(x)).shape) == (2, 2)
        assert tuple(lib_nn.RMSNorm(3, dtype=lib.float64)(x=lib.tensor(x)).shape) == (2, 3)
