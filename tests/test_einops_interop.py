"""einops on deepgrad tensors: every einops function gives PyTorch's values and gradients on torch tensors (the
oracle), passes gradcheck in float64, and runs on every device; einops finds deepgrad's backend whichever of the
two is imported first; deepgrad's einops layers (`nn.layers.einops_layers`) match einops's torch layers; and a
lucidrains-style vision transformer written with einops prints what PyTorch prints with only its imports
changed. Skipped without the optional einops package."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import check_against_torch, check_gradcheck, require_torch
from tests.test_pytorch_programs_round9 import check_float32_program

einops = pytest.importorskip("einops")

RNG = np.random.default_rng(52)
X = RNG.standard_normal((2, 6, 4))
Y = RNG.standard_normal((2, 5))
Z = RNG.standard_normal((2, 3, 4))


def _spread(t, axes):   # a reduction passed to einops.reduce as a callable
    return t.amax(dim=axes) - t.amin(dim=axes) + t.logsumexp(dim=axes)


#: (name, function of tensors, arrays): each runs the same einops call on deepgrad's and on torch's tensors
CASES = [
    ("rearrange_composition", lambda x: einops.rearrange(x, "b (c h) w -> b c (h w)", h=2), [X]),
    ("rearrange_decomposition", lambda x: einops.rearrange(x, "b (h1 h2) w -> h2 b w h1", h1=3), [X]),
    ("rearrange_ellipsis", lambda x: einops.rearrange(x, "b ... w -> w b ..."), [X]),
    ("rearrange_ellipsis_merge", lambda x: einops.rearrange(x, "b ... -> b (...)"), [X]),
    ("rearrange_unit_axes", lambda x: einops.rearrange(x, "b c w -> b 1 c () w"), [X]),
    ("rearrange_list", lambda x, z: einops.rearrange([x[:, :3], z], "n b c w -> b (n c) w"), [X, Z]),
    ("reduce_mean", lambda x: einops.reduce(x, "b (c h) w -> b h", "mean", h=2), [X]),
    ("reduce_max", lambda x: einops.reduce(x, "b c w -> c", "max"), [X]),
    ("reduce_min", lambda x: einops.reduce(x, "b c w -> b 1 w", "min"), [X]),
    ("reduce_sum", lambda x: einops.reduce(x, "b c (w w2) -> w2 b", "sum", w2=2), [X]),
    ("reduce_prod", lambda x: einops.reduce(x, "b c w -> c", "prod"), [X]),
    ("reduce_prod_one_axis", lambda x: einops.reduce(x, "b c w -> b w", "prod"), [X]),
    ("reduce_callable", lambda x: einops.reduce(x, "b c w -> c", _spread), [X]),
    ("reduce_ellipsis", lambda x: einops.reduce(x, "b ... -> ...", "mean"), [X]),
    ("repeat_new_axis", lambda y: einops.repeat(y, "b d -> b d r", r=3), [Y]),
    ("repeat_tile", lambda y: einops.repeat(y, "b d -> (2 b) (d 3)"), [Y]),
    ("repeat_interleave", lambda y: einops.repeat(y, "b d -> b (d r)", r=2), [Y]),
    ("einsum", lambda x, z: einops.einsum(x[:, :3], z, "b i d, b j d -> b i j"), [X, Z]),
    ("einsum_ellipsis", lambda x, z: einops.einsum(x[:, :3], z, "... d, ... d -> ..."), [X, Z]),
    ("pack_unpack", lambda x, y: [u * u for u in einops.unpack(*einops.pack([x, y], "b *"), "b *")], [X, Y]),
    ("pack", lambda x, y: einops.pack([x, y], "b *")[0], [X, Y]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_einops_call_matches_torch_values_and_gradients(name, fn, arrays, device):
    check_against_torch(fn, fn, arrays, device=device, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_einops_call_passes_gradcheck(name, fn, arrays):
    check_gradcheck(fn, arrays)


def test_boolean_and_integer_reductions_match_torch(device):
    ints = np.arange(12).reshape(3, 4)
    check_against_torch(lambda t: einops.reduce(t, "a b -> a", "prod"), lambda t: einops.reduce(t, "a b -> a", "prod"),
                        [ints], device=device)
    for op in ("any", "all"):
        fn = (lambda t, op=op: einops.reduce(t > 5, "a (b c) -> c", op, c=2))
        check_against_torch(fn, fn, [ints], device=device)


def test_reduced_and_reordered_result_is_laid_out_as_torch(device):
    """einops reorders before it reduces: the result is contiguous, as PyTorch's, so it views."""
    torch = require_torch()
    for module, x in ((ag, ag.tensor(X, device=device)), (torch, torch.tensor(X))):
        out = einops.reduce(x, "b c (w w2) -> w2 b", "sum", w2=2)
        assert out.is_contiguous() and out.stride() == (2, 1), module.__name__
        np.testing.assert_allclose(np.asarray(out.view(-1).tolist()), X.reshape(2, 6, 2, 2).sum((1, 2)).T.ravel())


def test_parse_shape_and_asnumpy(device):
    x = ag.tensor(X, device=device, requires_grad=True)
    assert einops.parse_shape(x, "b _ w") == {"b": 2, "w": 4}
    assert einops.parse_shape(x, "b ...") == {"b": 2}
    values = einops.asnumpy(x * 2)
    assert type(values) is np.ndarray and values.dtype == np.float64
    np.testing.assert_array_equal(values, X * 2)


def test_refusals_are_einops_own_as_for_torch():
    torch = require_torch()
    for module in (ag, torch):
        ints = module.arange(6).reshape(2, 3)
        with pytest.raises(NotImplementedError, match="reduce_mean is not available for non-floating"):
            einops.reduce(ints, "a b -> a", "mean")
        with pytest.raises(einops.EinopsError, match="a b -> a c"):
            einops.rearrange(ints, "a b -> a c")
        with pytest.raises(einops.EinopsError):
            einops.rearrange(ints, "a (b c) -> a b c", c=2)


def test_parameters_and_views_are_deepgrad_tensors_to_einops():
    weight = nn.Parameter(ag.tensor(Y))
    out = einops.rearrange(weight, "b d -> d b")
    assert isinstance(out, ag.Tensor) and out.shape == (5, 2)
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), np.ones((2, 5)))
    assert einops._backends.get_backend(weight).framework_name == "autograd"


def _fresh_python(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_backend_found_whichever_is_imported_first():
    check = ("x = autograd.ones(2, 3, requires_grad=True); y = einops.rearrange(x, 'a b -> b a'); "
             "y.sum().backward(); print(type(y).__module__, tuple(y.shape), x.grad.tolist())")
    expected = "autograd.tensor (3, 2) [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]\n"
    assert _fresh_python("import einops\nimport autograd\n" + check) == expected
    assert _fresh_python("import autograd\nimport einops\n" + check) == expected
    assert _fresh_python("import autograd\nfrom einops import rearrange\nimport einops\n" + check) == expected


def test_import_autograd_does_not_import_einops():
    out = _fresh_python("import sys, autograd\nprint('einops' in sys.modules, "
                        "sum(type(f).__name__ == '_EinopsImportWatcher' for f in sys.meta_path))\n"
                        "import einops\nprint(sum(type(f).__name__ == '_EinopsImportWatcher' for f in sys.meta_path))")
    assert out == "False 1\n0\n"   # not loaded; one watcher, gone once einops is imported


def test_backend_found_when_einops_becomes_importable_later():
    """An `import einops` that fails (not installed yet) leaves the watcher in place for a later one."""
    out = _fresh_python(
        "import sys, autograd\n"
        "class Missing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'einops':\n"
        "            raise ModuleNotFoundError(\"No module named 'einops'\", name='einops')\n"
        "sys.meta_path.insert(1, Missing())\n"
        "try:\n    import einops\nexcept ModuleNotFoundError:\n    print('missing')\n"
        "del sys.meta_path[1]\n"
        "import einops\n"
        "print(tuple(einops.reduce(autograd.ones(2, 3), 'a b -> b', 'sum').tolist()))\n")
    assert out == "missing\n(2.0, 2.0, 2.0)\n"


def _same_torch_and_deepgrad_layers(ours, theirs, x, device):
    torch = require_torch()
    xt = torch.tensor(x, requires_grad=True)
    xo = ag.tensor(x, device=device, requires_grad=True)
    out_t, out_o = theirs(xt), ours.to(device)(xo)
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), rtol=1e-5, atol=1e-6)
    (out_t * out_t).sum().backward()
    (out_o * out_o).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (name, p), (name_t, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == name_t
        np.testing.assert_allclose(p.grad.numpy(), pt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_einops_layers_match_einops_torch_layers(device):
    torch = require_torch()
    from einops.layers import torch as torch_layers

    from nn.layers.einops_layers import EinMix, Rearrange, Reduce
    images = RNG.standard_normal((2, 3, 4, 4)).astype(np.float32)
    pattern = "b c (h p1) (w p2) -> b (h w) (p1 p2 c)"
    _same_torch_and_deepgrad_layers(Rearrange(pattern, p1=2, p2=2), torch_layers.Rearrange(pattern, p1=2, p2=2),
                                    images, device)
    for reduction in ("mean", "max", "min", "sum", "prod"):
        _same_torch_and_deepgrad_layers(Reduce("b c (h 2) (w 2) -> b c h w", reduction),
                                        torch_layers.Reduce("b c (h 2) (w 2) -> b c h w", reduction), images, device)
    mix = "b c (h p) w -> b h w e"
    torch.manual_seed(3)
    theirs = torch_layers.EinMix(mix, weight_shape="c p e", bias_shape="e", c=3, p=2, e=5)
    ag.manual_seed(3)
    ours = EinMix(mix, weight_shape="c p e", bias_shape="e", c=3, p=2, e=5)   # the same draws as torch's
    assert repr(ours) == repr(theirs)
    _same_torch_and_deepgrad_layers(ours, theirs, images, device)


def test_einops_layers_are_deepgrad_modules():
    from nn.layers import einops_layers
    from nn.layers.einops_layers import EinMix, Rearrange, Reduce
    model = nn.Sequential(Rearrange("b c h w -> b (h w) c"), EinMix("b n c -> b n d", weight_shape="c d", c=3, d=4),
                          Reduce("b n d -> b d", "max"))
    assert [name for name, _ in model.named_parameters()] == ["1.weight"]
    assert model(ag.ones(2, 3, 2, 2)).shape == (2, 4)
    assert repr(model[0]) == "Rearrange('b c h w -> b (h w) c')"
    assert einops._backends.get_backend(ag.ones(1)).layers() is einops_layers


def test_einops_torch_layers_with_deepgrad():
    """einops.layers.torch's layers are torch modules: called on a deepgrad tensor they run deepgrad's ops (through
    the tensor's own methods), but deepgrad's containers refuse them as modules."""
    require_torch()
    from einops.layers import torch as torch_layers
    x = ag.tensor(X, requires_grad=True)
    out = torch_layers.Rearrange("b c w -> b (c w)")(x)
    assert isinstance(out, ag.Tensor) and out.shape == (2, 24)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(X))
    with pytest.raises(TypeError, match="must be a Module"):
        nn.Sequential(torch_layers.Rearrange("b c w -> b (c w)"))


#: the import line a PyTorch user changes to move einops's layers onto deepgrad
EINOPS_LAYER_IMPORT = [("from einops.layers.torch import", "from nn.layers.einops_layers import")]


def test_einops_vision_transformer_prints_what_pytorch_prints(capsys):
    check_float32_program("torch_einops_vit_attention", capsys, EINOPS_LAYER_IMPORT)
