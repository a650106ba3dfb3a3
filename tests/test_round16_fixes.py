"""Regressions for the differences from PyTorch that round 16 found in its programs
(tests/test_pytorch_programs_round16.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch, skip_unless_pytorch_draws_generically


@pytest.mark.parametrize("call", [
    "F.layer_norm(x, (5,))", "F.layer_norm(x, (4, 5), lib.ones(4, 5), lib.zeros(4, 5))",
    "F.group_norm(x, 2)", "F.group_norm(x, 2, lib.ones(4), lib.zeros(4))",
    "F.batch_norm(x, None, None, training=True)", "F.batch_norm(x, lib.zeros(4), lib.ones(4), training=False)",
    "F.instance_norm(x)",
])
def test_normalisation_nodes_carry_pytorchs_names(call):
    """A printed output shows grad_fn=<NativeLayerNormBackward0> (and NativeBatchNorm / NativeGroupNorm), as
    PyTorch's CPU kernels name their nodes; deepgrad showed LayerNormBackward0 / BatchNormBackward0 / a view."""
    torch = require_torch()
    names = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        x = lib.tensor((np.arange(40.0).reshape(2, 4, 5) / 7).astype(np.float32), requires_grad=True)
        names.append(eval(call, {"lib": lib, "F": functional, "x": x}).grad_fn.name())
    assert names[1] == names[0]


@pytest.mark.parametrize("call", [
    "lib.tensor([5., 1., 3.]).cumsum(0, dtype=lib.int32)", "lib.cumsum(lib.tensor([1, 2, 3], dtype=lib.int8), 0, "
    "dtype=lib.int16)", "lib.tensor([2, 3, 4], dtype=lib.int32).cumprod(0, dtype=lib.int32)",
    "lib.cumsum(lib.tensor([200, 100], dtype=lib.uint8), 0, dtype=lib.uint8)",
    "lib.cumsum(lib.tensor([1, 2], dtype=lib.int16), 0)", "lib.cumprod(lib.tensor([True, True]), 0)",
])
def test_cumsum_and_cumprod_keep_the_dtype_asked_for(call):
    """cumsum(dtype=torch.int32) gives int32 (NumPy's cumsum had widened the small integer types to int64), and
    uint8 wraps as PyTorch's does; without dtype, integers and bools still accumulate in int64."""
    torch = require_torch()
    ours, theirs = eval(call, {"lib": ag}), eval(call, {"lib": torch})
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    assert ours.tolist() == theirs.tolist()


def test_block_diag_promotes_as_pytorch():
    """A float32 block beside an int64 one gives a float32 matrix (NumPy's rule had made it float64)."""
    torch = require_torch()
    seen = []
    for lib in (torch, ag):
        out = lib.block_diag(lib.ones(2, 2), lib.tensor([[5]]), lib.zeros(1, 3, dtype=lib.float16),
                             lib.tensor([True]))
        seen.append((str(out.dtype).replace("torch.", ""), out.tolist()))
    assert seen[1] == seen[0]


@pytest.mark.parametrize("view", ["x.t()", "x.reshape(3, 4, 6).permute(2, 0, 1)", "x[:, ::2].t()", "x.t()[1:]"])
def test_dropout_draws_its_mask_in_the_inputs_memory_order(view):
    """PyTorch lays a dropout mask out as its input (empty_like) and draws it in memory order, so after the same
    seed a transposed input gets the transposed mask; deepgrad drew every mask in the logical order."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    outs = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        x = lib.arange(72.0).reshape(6, 12) + 1
        lib.manual_seed(0)
        outs.append(functional.dropout(eval(view, {"x": x}), 0.5).numpy())
    np.testing.assert_array_equal(outs[1], outs[0])


def test_batch_first_attention_output_is_a_transposed_view_as_pytorchs():
    """nn.MultiheadAttention(batch_first=True) returns PyTorch's strides (its (L, N, E) result transposed), so a
    seeded TransformerEncoderLayer trained with dropout draws PyTorch's masks and gives PyTorch's outputs."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    seen = []
    for lib, module in ((torch, torch.nn), (ag, nn)):
        lib.manual_seed(5)
        attention = module.MultiheadAttention(16, 2, batch_first=True)
        layer = module.TransformerEncoderLayer(16, 2, 32, dropout=0.2, batch_first=True)
        lib.manual_seed(1)
        x = lib.randn(6, 5, 16)
        strides = tuple(attention(x, x, x, need_weights=False)[0].stride())
        seen.append((strides, layer(x).detach().numpy()))
    assert seen[1][0] == seen[0][0]
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fill", [
    "x.t().uniform_()", "x.t().normal_()", "x.t().normal_(2.0, 0.5)", "x.t().exponential_()", "x.t().cauchy_()",
    "x.t().geometric_(0.3)", "x.t().bernoulli_(0.4)", "x.double().t().normal_()", "x.reshape(2, 3, 4).permute(2, 0, 1)"
    ".uniform_(-1, 1)", "lib.rand_like(x.t())", "lib.randn_like(x.t())", "lib.randn_like(x.t(), dtype=lib.float64)",
    "lib.rand_like(x.reshape(1, 2, 3, 4), memory_format=lib.channels_last)",
    "lib.randn_like(x.reshape(1, 2, 3, 4), memory_format=lib.channels_last)",
    "lib.randn_like(x.reshape(2, 3, 4).permute(0, 2, 1))", "x.t().clone().bernoulli_(0.5)",
])
def test_random_fills_of_strided_tensors_follow_memory_order(fill):
    """PyTorch fills a transposed or permuted tensor in memory order (a normal_ fill of one that is not contiguous
    one element at a time), and rand_like / randn_like take their input's layout, so after the same seed the
    same values land at the same places; deepgrad filled in logical order with the blocked normal transform."""
    torch = require_torch()
    seen = []
    for lib in (torch, ag):
        x = lib.zeros(4, 6)
        lib.manual_seed(3)
        out = eval(fill, {"lib": lib, "x": x})
        seen.append((tuple(out.stride()), out.numpy()))
    assert seen[1][0] == seen[0][0]
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("call", [
    "x.t().clone()", "x[:, ::2].clone()", "lib.clone(x.t())", "x.t().clone(memory_format=lib.contiguous_format)",
    "x.reshape(1, 2, 3, 4).clone(memory_format=lib.channels_last)", "x.reshape(1, 2, 3, 4).permute(0, 2, 3, 1).clone()",
    "x.expand(2, 4, 6).clone()", "x.t().clone(memory_format=lib.preserve_format)",
])
def test_clone_keeps_the_layout_and_takes_memory_format(call):
    """clone() keeps a transposed input's layout (PyTorch's preserve_format) and takes memory_format=, which
    Tensor.clone refused as an unexpected keyword."""
    torch = require_torch()
    seen = []
    for lib in (torch, ag):
        x = lib.arange(24.0).reshape(4, 6)
        out = eval(call, {"lib": lib, "x": x})
        seen.append((tuple(out.stride()), out.tolist()))
    assert seen[1] == seen[0]


@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_draws_pytorchs_noise(hard):
    """F.gumbel_softmax draws its Gumbel noise as -log of an exponential_ fill, as PyTorch's does, so a seeded
    categorical VAE samples PyTorch's classes (deepgrad drew -log(-log(u)) from rand_like: other numbers)."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("exponential")
    outs = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        lib.manual_seed(0)
        logits = lib.tensor(np.linspace(-1.0, 1.0, 24, dtype=np.float32).reshape(6, 4))
        outs.append(functional.gumbel_softmax(logits, tau=0.7, hard=hard).numpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call", [
    "lib.cat([a.t(), a.t()], 0)", "lib.cat([a.t(), a.t()], 1)", "lib.stack([a.t(), a.t()])",
    "lib.einsum('bqhd,bkhd->bhqk', q, q)", "lib.einsum('lbd,dk->blk', q[0], lib.ones(3, 2))",
    "lib.cat([c, c], 1)", "lib.cat([c, c.contiguous()], 1)",
])
def test_joins_and_products_come_out_laid_out_as_pytorchs(call):
    """cat / stack of transposed tensors and einsum products are row-major, as PyTorch's (NumPy kept the inputs'
    or its own axis order), so a dropout mask drawn on them after a seed is PyTorch's; channels-last inputs keep
    their format."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    seen = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        env = {"lib": lib, "a": lib.arange(24.0).reshape(4, 6) / 10, "q": lib.arange(120.0).reshape(2, 4, 5, 3) / 50,
               "c": (lib.arange(120.0).reshape(2, 3, 4, 5) / 9).contiguous(memory_format=lib.channels_last)}
        out = eval(call, env)
        lib.manual_seed(0)
        seen.append((tuple(out.stride()), functional.dropout(out, 0.5).numpy()))
    assert seen[1][0] == seen[0][0]
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-6)
