"""Regressions for what torchvision's model zoo, ops and classification references found when run with only their
imports changed (resnet, mobilenet v2/v3, efficientnet, regnet, shufflenet, squeezenet, densenet, googlenet,
inception, mnasnet, vgg, alexnet, convnext, swin v1/v2, vit, maxvit; ops/misc, boxes, losses, drop_block,
stochastic_depth; references/classification's EMA, set_weight_decay, mixup/cutmix and training loop). Each test runs
the idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly without torch."""
import importlib
import sys
import textwrap
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch

#: the module-level idioms of torchvision's model and ops files, written as such a file would be
_MODULE_SOURCE = '''
import LIB as torch
import LIB.fx


def _pad(x):
    torch._assert(x.shape[-1] % 2 == 0, f"odd width {x.shape[-1]}")
    return x * 2


torch.fx.wrap("_pad")


@torch.jit._script_if_tracing
def _scaled(x, k: int):
    return x * k


class Block(torch.nn.Module):
    @torch.jit._overload_method  # noqa: F811
    def forward(self, x):
        # type: (Tensor) -> Tensor
        ...

    @torch.jit._overload_method  # noqa: F811
    def forward(self, x):
        # type: (list[Tensor]) -> Tensor
        pass

    def forward(self, x):  # noqa: F811
        if isinstance(x, list):
            x = torch.cat(x, 1)
        return _scaled(_pad(x), 3)


def wrap_inside_a_function():
    torch.fx.wrap("_pad")
'''

_BAD_OVERLOAD = '''
import LIB as torch


class Bad(torch.nn.Module):
    @torch.jit._overload_method
    def forward(self, x):
        return x
'''


def _import_as(tmp_path, name, source, lib):
    path = tmp_path / f"{name}_{lib}.py"
    path.write_text(source.replace("LIB", lib))
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(path.stem)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(path.stem, None)


def _module_idioms(tmp_path, lib):
    mod = _import_as(tmp_path, "tv_idioms", _MODULE_SOURCE, lib)
    torch = mod.torch
    x = torch.arange(8.0).reshape(1, 2, 4)
    block = mod.Block()
    results = [block(x).tolist(), block([x, x]).tolist()]
    failures = []
    for call in (lambda: mod._pad(torch.ones(1, 3)), mod.wrap_inside_a_function, lambda: torch.fx.wrap(3),
                 lambda: _import_as(tmp_path, "tv_bad", _BAD_OVERLOAD, lib),
                 lambda: torch._assert(torch.tensor([True, False]), "two")):
        with pytest.raises(Exception) as caught:
            call()
        failures.append(next(kind.__name__ for kind in (AssertionError, NotImplementedError, RuntimeError)
                             if isinstance(caught.value, kind)))
    with pytest.raises(AssertionError, match="odd width 3"):
        mod._pad(torch.ones(1, 3))
    torch._assert(torch.tensor(True), "never raised")
    return results, failures


def test_torchvision_module_level_idioms_import_and_run(tmp_path):
    """torchvision's files call `torch.fx.wrap("name")` at import (swin_transformer, stochastic_depth, drop_block),
    decorate with `torch.jit._script_if_tracing` (ops/boxes) and `torch.jit._overload_method` (densenet, googlenet,
    inception), and check shapes with `torch._assert` (vision_transformer, maxvit): deepgrad had none of these, so
    the files died at import. They now run as PyTorch's outside scripting and tracing, with its refusals (wrap
    inside a function, of a non-callable; an overload declaration with a body; a false or ambiguous assert)."""
    require_torch()
    ours, theirs = _module_idioms(tmp_path, "autograd"), _module_idioms(tmp_path, "torch")
    assert ours == theirs
    assert ours[1] == ["AssertionError", "NotImplementedError", "RuntimeError", "RuntimeError", "RuntimeError"]


def _norm_grouping(lib):
    torch_nn = lib.nn
    model = torch_nn.Sequential(torch_nn.Conv2d(3, 4, 3), torch_nn.BatchNorm2d(4), torch_nn.InstanceNorm2d(4, affine=True),
                                torch_nn.GroupNorm(2, 4), torch_nn.LocalResponseNorm(2), torch_nn.Flatten(),
                                torch_nn.LayerNorm(16), torch_nn.Linear(16, 2), torch_nn.SyncBatchNorm(2))
    modules = torch_nn.modules
    norm_classes = (modules.batchnorm._BatchNorm, torch_nn.LayerNorm, torch_nn.GroupNorm,
                    modules.instancenorm._InstanceNorm, torch_nn.LocalResponseNorm)
    groups = {"norm": [], "other": []}
    for module in model.modules():       # references/classification's set_weight_decay, in short
        for name, _ in module.named_parameters(recurse=False):
            groups["norm" if isinstance(module, norm_classes) else "other"].append(f"{type(module).__name__}.{name}")
    kinds = [issubclass(cls, base) for cls in (torch_nn.InstanceNorm1d, torch_nn.InstanceNorm3d, torch_nn.BatchNorm2d,
                                               torch_nn.SyncBatchNorm, torch_nn.LazyInstanceNorm2d)
             for base in (modules.instancenorm._InstanceNorm, modules.batchnorm._NormBase, modules.batchnorm._BatchNorm)]
    return groups, kinds


def test_set_weight_decay_finds_pytorchs_private_norm_bases():
    """references/classification's set_weight_decay puts norm layers' parameters in their own group by
    `isinstance(module, (torch.nn.modules.batchnorm._BatchNorm, ..., torch.nn.modules.instancenorm._InstanceNorm,
    ...))`: deepgrad's `nn.modules.instancenorm` had no `_InstanceNorm` (AttributeError before any training), nor
    `batchnorm._NormBase`. Both are there now, the same classes deepgrad's layers derive from."""
    torch = require_torch()
    assert _norm_grouping(ag) == _norm_grouping(torch)
    assert nn.modules.instancenorm._InstanceNorm is nn.InstanceNorm2d.__mro__[1]


def _hardsigmoid_run(lib, x, g, dtype):
    t = lib.tensor(x).to(getattr(lib, dtype)).requires_grad_()
    y = lib.nn.functional.hardsigmoid(t)
    y.backward(lib.tensor(g).to(getattr(lib, dtype)))
    z = t.detach().clone().requires_grad_()
    w = z * 1
    lib.nn.functional.hardsigmoid(w, inplace=True)
    w.backward(lib.tensor(g).to(getattr(lib, dtype)))
    as64 = [a.detach().to(lib.float64).numpy() for a in (y, t.grad, w, z.grad)]
    return as64, y.grad_fn.name(), w.grad_fn.name()


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_hardsigmoid_gradient_is_pytorchs_bit_for_bit(dtype):
    """MobileNetV3's SqueezeExcitation gates with Hardsigmoid: its float64 gradients were 3e-8 apart, relatively,
    from PyTorch's, whose kernel multiplies by 1/6 rounded to float32 (`1.0f / 6.0f`) in every dtype where
    deepgrad divided by 6 (float32 gradients one unit apart). hardsigmoid is now one node with PyTorch's gradient,
    0 at and beyond ±3, NaN through."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=3000) * 3, [-3.0, 3.0, -3.0000001, 2.9999999, 0.0, np.nan, np.inf, -np.inf]])
    g = rng.normal(size=x.size)
    ours, theirs = _hardsigmoid_run(ag, x, g, dtype), _hardsigmoid_run(torch, x, g, dtype)
    for mine, torchs in zip(ours[0], theirs[0]):
        np.testing.assert_array_equal(mine, torchs)
    assert ours[1:] == theirs[1:] == ("HardsigmoidBackward0", "HardsigmoidBackward0")


def _hardsigmoid_double_backward(lib):
    x = lib.tensor([-4.0, -1.0, 0.5, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    g = lib.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=lib.float64, requires_grad=True)
    gx, = lib.autograd.grad(lib.nn.functional.hardsigmoid(x), x, g, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for aten::hardsigmoid_backward is not implemented"):
        gx.sum().backward()
    return gx.grad_fn.name(), gx.requires_grad, gx.detach().tolist()


def test_hardsigmoid_gradient_under_create_graph_is_pytorchs_underived_node():
    """PyTorch implements no derivative of hardsigmoid's gradient: a create_graph gradient sits behind its
    NotImplemented node, and differentiating it raises. deepgrad (a composite then) differentiated it silently."""
    torch = require_torch()
    assert _hardsigmoid_double_backward(ag) == _hardsigmoid_double_backward(torch)
