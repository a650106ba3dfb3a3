"""Regressions for the differences from PyTorch that round 19 found while writing its programs
(tests/test_pytorch_programs_round19.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import sys

import numpy as np
import pytest

import autograd as ag
import autograd.autograd.forward_ad as ours_fwad
from autograd.func import jvp as ours_jvp, linearize as ours_linearize
from tests.helpers import require_torch


def test_unpack_dual_hands_back_the_tangent_given_to_make_dual():
    """The forward-AD tutorial asserts `fwAD.unpack_dual(dual_input).tangent is tangent`; deepgrad stored a detached
    copy, so the identity was False."""
    torch = require_torch()
    import torch.autograd.forward_ad as fwad
    for lib, fw in ((torch, fwad), (ag, ours_fwad)):
        primal, tangent = lib.ones(2, 3), lib.full((2, 3), 0.5)
        with fw.dual_level():
            dual = fw.make_dual(primal, tangent)
            assert fw.unpack_dual(dual).tangent is tangent
            np.testing.assert_allclose(fw.unpack_dual(dual * 3).tangent.numpy(), np.full((2, 3), 1.5))


def _grad_fn_names(lib, func_jvp, func_linearize):
    w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    x = lib.tensor([1.0, 2.0, 3.0])
    out, tangent = func_jvp(lambda v: (v * w).sin(), (x,), (x,))
    same, _ = func_jvp(lambda v: v, (w,), (x,))
    primal, _ = func_linearize(lambda v: (v * w).sin(), x)
    plain, _ = func_jvp(lambda v: v.sin(), (x,), (x,))
    return [out.grad_fn.name(), tangent.requires_grad, same.grad_fn.name(), primal.grad_fn.name(), plain.grad_fn]


def test_func_jvp_output_joins_the_outer_graph_through_an_alias():
    """torch.func.jvp's primal output, when it depends on a tensor that requires grad, is an AliasBackward0 of the
    inner result (printed as grad_fn=<AliasBackward0>); deepgrad handed back the inner node (AddBackward0,
    SinBackward0, CloneBackward0). linearize's output keeps the inner node in both."""
    torch = require_torch()
    from torch.func import jvp, linearize
    ours = _grad_fn_names(ag, ours_jvp, ours_linearize)
    assert ours == _grad_fn_names(torch, jvp, linearize)
    assert ours[0] == "AliasBackward0" and ours[3] == "SinBackward0"


class _Square:
    """x ** 2 whose backward is once_differentiable (no second derivative) or wrong (missing the factor 2)."""

    @staticmethod
    def make(lib, once, wrong=False):
        once_differentiable = sys.modules[lib.__name__ + ".autograd.function"].once_differentiable

        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x if wrong else g * 2 * x

        return type("Square", (lib.autograd.Function,), {
            "forward": staticmethod(lambda ctx, x: (ctx.save_for_backward(x), x ** 2)[1]),
            "backward": staticmethod(once_differentiable(backward) if once else backward)})


@pytest.mark.parametrize("check,once,wrong", [("gradgradcheck", True, False), ("gradcheck", False, True)])
def test_gradcheck_and_gradgradcheck_raise_by_default_as_in_pytorch(check, once, wrong):
    """PyTorch's gradcheck / gradgradcheck default to raise_exception=True and raise GradcheckError (a RuntimeError);
    deepgrad's defaulted to False and returned False, so the Extending-PyTorch pattern `try: gradgradcheck(...)
    except RuntimeError` never saw the failure of a once_differentiable Function."""
    torch = require_torch()
    import autograd.autograd.function  # noqa: F401  (the module that holds once_differentiable)
    import torch.autograd.function  # noqa: F401
    for lib in (torch, ag):
        fn = _Square.make(lib, once, wrong).apply
        x = lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64, requires_grad=True)
        with pytest.raises(RuntimeError) as caught:
            getattr(lib.autograd, check)(fn, (x,))
        assert type(caught.value).__name__ == "GradcheckError"
        assert getattr(lib.autograd, check)(fn, (x,), raise_exception=False) is False
        good = _Square.make(lib, False).apply
        assert getattr(lib.autograd, check)(good, (x,)) is True


@pytest.mark.parametrize("call", ["x.double()", "x.half()", "x.to(lib.float64)", "x.type(lib.float64)", "x.bfloat16()",
                                  "x.double().float()", "x.to('cpu', lib.float64)", "x.type_as(lib.ones(1, dtype=lib.float64))",
                                  "x.diag()", "lib.diag(x, 1)", "lib.diag(x, -2)", "lib.diagflat(x)", "m.diag()",
                                  "m.diag(-1)"])
def test_dtype_casts_and_diag_show_pytorchs_node_names(call):
    """A dtype cast of a tensor that requires grad prints grad_fn=<ToCopyBackward0> in PyTorch (deepgrad:
    AsTypeBackward0); diag of a vector shows DiagEmbedBackward0 (deepgrad: PadBackward0) and diag of a matrix
    DiagonalBackward0_copy (deepgrad: CloneBackward0)."""
    torch = require_torch()
    names = []
    for lib in (torch, ag):
        scope = {"lib": lib, "x": lib.tensor([1.0, -2.0, 3.0], requires_grad=True),
                 "m": lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)}
        names.append(eval(call, scope).grad_fn.name())
    assert names[0] == names[1]


@pytest.mark.parametrize("call", [
    "F.dropout(x3, 0.5)", "F.dropout(x3, 1.0)", "F.unfold(x4, 2)", "F.fold(lib.ones(1, 4, 4, requires_grad=True), 3, 2)",
    "F.grid_sample(x4, lib.zeros(1, 1, 1, 2), align_corners=False)",
    "F.grid_sample(x5, lib.zeros(1, 1, 1, 1, 3), align_corners=False)", "F.pdist(x2)", "F.pdist(x2, p=1)",
    "lib.zeros(3).masked_scatter(lib.tensor([True, False, True]), lib.ones(2, requires_grad=True))",
    "F.multi_margin_loss(x2, lib.tensor([0, 1, 0]))", "F.multi_margin_loss(x2, lib.tensor([0, 1, 0]), reduction='none')",
    "F.soft_margin_loss(x3, lib.ones(1, 2, 4))", "F.soft_margin_loss(x3, lib.ones(1, 2, 4), reduction='none')",
    "F.prelu(x3, lib.tensor([0.25]))", "F.rrelu(x3)", "F.rrelu(x3, training=True)",
    "F.adaptive_avg_pool2d(x4, 1)", "F.adaptive_avg_pool2d(x4, (1, 1))", "F.adaptive_avg_pool2d(x4, 2)",
    "F.adaptive_avg_pool3d(x5, 1)", "F.adaptive_max_pool1d(x3, 2)", "F.adaptive_max_pool1d(x3, 2, return_indices=True)[0]",
    "F.cross_entropy(x2, lib.full((3, 2), 0.5))", "F.cross_entropy(x2, lib.full((3, 2), 0.5), reduction='sum')",
    "F.bilinear(x2, x2, lib.ones(4, 2, 2), lib.ones(4))",
    "nn.GRUCell(2, 3)(x2)",
    "nn.RNNCell(2, 3)(x2)", "nn.RNNCell(2, 3, nonlinearity='relu')(x2)", "nn.LSTMCell(2, 3)(x2)[0]",
    "F.instance_norm(x3, weight=lib.ones(2), bias=lib.zeros(2))", "nn.InstanceNorm1d(2, affine=True)(x3)",
    "F.scaled_dot_product_attention(x4, x4, x4)", "F.scaled_dot_product_attention(x4, x4, x4, is_causal=True)",
    "F.scaled_dot_product_attention(x4, x4, x4[..., :2])", "F.scaled_dot_product_attention(x3, x3, x3)",
    "F.scaled_dot_product_attention(x4, x4, x4, dropout_p=0.5)",
    "F.scaled_dot_product_attention(x4, x4[:, :1], x4[:, :1], enable_gqa=True)",
    "F.max_pool1d(x3, 2)", "F.max_pool1d(x3, 2, return_indices=True)[0]", "F.avg_pool1d(x3, 2)", "F.max_pool3d(x5, 2)",
    "F.avg_pool3d(x5, 2)", "F.hardsigmoid(x3)", "x3.index_copy(2, lib.tensor([1]), lib.ones(1, 2, 1))",
    "x3.index_fill(2, lib.tensor([0]), 3.0)", "lib.vdot(x3.flatten(), x3.flatten())",
    "lib.addbmm(lib.ones(2, 2), x3.reshape(2, 2, 2), x3.reshape(2, 2, 2))", "x3.narrow_copy(2, 0, 2)", "x4.rot90()",
    "x4.rot90(2, (2, 3))", "lib.take_along_dim(x3, lib.tensor([[[0], [1]]]), 2)", "nn.ChannelShuffle(2)(x4)",
    "F.conv_transpose3d(x5, lib.ones(1, 1, 1, 1, 1), lib.ones(1))", "F.conv_transpose3d(x5[0], lib.ones(1, 1, 1, 1, 1))",
    "lib.pow(2, x3)", "2 ** x3", "x3.pow(2)", "x3.pow(x3)", "x3.masked_fill(x3 > 0, lib.tensor(2.0))",
    "x3.masked_fill(x3 > 0, 2.0)",
])
def test_composite_ops_show_pytorchs_node_names(call):
    """The grad_fn that prints after these ops' results (grad_fn=<...>) is PyTorch's: deepgrad showed the last node
    of its own composition (DropoutBackward0 for MulBackward0, ViewBackward0 for Im2ColBackward0, PermuteBackward0
    for GridSampler2DBackward0, WhereBackward0 for PdistBackward0 / MaskedScatterBackward0 / PreluKernelBackward0,
    MeanBackward0 for MultiMarginLossBackward0 / SoftMarginLossBackward0, AdaptiveAvgPool2DBackward0 for the 1 x 1
    pool's MeanBackward1, DivBackward0 for DivBackward1, CellBackward0 for the recurrent cells' last op,
    ScaledDotProductAttentionBackward0 for the CPU flash kernel's or the math path's node, ...)."""
    torch = require_torch()
    import torch.nn as torch_nn
    import torch.nn.functional as torch_F
    import nn as ours_nn
    import nn.functional as ours_F
    names = []
    for lib, mod, fun in ((torch, torch_nn, torch_F), (ag, ours_nn, ours_F)):
        lib.manual_seed(0)
        scope = {"lib": lib, "nn": mod, "F": fun, "x2": lib.ones(3, 2, requires_grad=True),
                 "x3": lib.linspace(-1, 1, 8).reshape(1, 2, 4).requires_grad_(),
                 "x4": lib.linspace(-1, 1, 32).reshape(1, 2, 4, 4).requires_grad_(),
                 "x5": lib.linspace(-1, 1, 8).reshape(1, 1, 2, 2, 2).requires_grad_()}
        names.append(eval(call, scope).grad_fn.name())
    assert names[0] == names[1]
