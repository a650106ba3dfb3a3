"""Regressions for the differences from PyTorch that round 31 found while writing its programs
(tests/test_pytorch_programs_round31.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.autograd import forward_ad as fwAD
from autograd.autograd.graph import saved_tensors_hooks
from tests.helpers import require_torch

RNG = np.random.default_rng(31)
X = RNG.standard_normal((4, 3))
D = RNG.standard_normal((4, 3))
W = RNG.standard_normal((2, 3))
B = RNG.standard_normal(2)


def _dual_linear_grads(lib, functional, loss_of):
    """(primal.requires_grad, loss, weight grad, bias grad) of loss_of(primal, tangent) for a Linear on a dual input
    whose primal needs no gradient: the weights are the only leaves."""
    w = lib.tensor(W, requires_grad=True)
    b = lib.tensor(B, requires_grad=True)
    fw = lib.autograd.forward_ad
    with fw.dual_level():
        out = functional.linear(fw.make_dual(lib.tensor(X), lib.tensor(D)), w, b)
        p, t = fw.unpack_dual(out)
        loss = loss_of(p, t)
    loss.backward()
    return p.requires_grad, loss.item(), w.grad.detach().numpy(), b.grad.detach().numpy()


LOSSES = {"primal_sum": lambda p, t: p.sum(), "both": lambda p, t: (t ** 2).mean() + (p ** 2).sum(),
          "primal_mse": lambda p, t: ((p - 1.0) ** 2).mean() + 0.1 * t.abs().sum()}


@pytest.mark.parametrize("case", sorted(LOSSES))
def test_unpack_dual_primal_stays_on_the_graph_of_the_models_weights(case):
    # PyTorch's primal is a view of the output: a loss on it trains the weights (deepgrad's primal was detached
    # whenever the dual input itself needed no gradient, so p.sum() gave the weights no gradient at all)
    ours = _dual_linear_grads(ag, F, LOSSES[case])
    assert ours[0] is True
    # d/dW of sum(x W^T + b) is the column sums of x, whatever the tangent part adds
    if case == "primal_sum":
        np.testing.assert_allclose(ours[2], np.tile(X.sum(0), (2, 1)), rtol=1e-12)
        np.testing.assert_allclose(ours[3], [4.0, 4.0], rtol=1e-12)
    torch = require_torch()
    import torch.nn.functional as TF
    theirs = _dual_linear_grads(torch, TF, LOSSES[case])
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-10, atol=1e-12)


def test_unpack_dual_primal_of_a_dual_alone_still_needs_no_gradient():
    # with no weight in the way the primal is cut from the level's hidden leaf, as PyTorch's needs no gradient
    with fwAD.dual_level():
        y = fwAD.make_dual(ag.tensor(X), ag.tensor(D)).sin() * 2.0
        p, t = fwAD.unpack_dual(y)
        assert p.requires_grad is False and p.grad_fn is None
        np.testing.assert_allclose(t.detach().numpy(), 2.0 * np.cos(X) * D, rtol=1e-12)


def test_a_loss_on_the_primal_and_tangent_matches_finite_differences():
    # a second-order path (the tangent's gradient to the weights), checked against finite differences of the
    # loss, through silu and softplus as in the round's program
    def loss_at(w_values):
        w = ag.tensor(w_values, requires_grad=True)
        with fwAD.dual_level():
            out = F.softplus(F.silu(F.linear(fwAD.make_dual(ag.tensor(X), ag.tensor(D)), w)), beta=2.0)
            p, t = fwAD.unpack_dual(out)
            loss = (t ** 2).mean() + p.sum()
        return loss, w
    loss, w = loss_at(W)
    loss.backward()
    numeric = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        e = np.zeros_like(W)
        e[idx] = 1e-6
        numeric[idx] = (loss_at(W + e)[0].item() - loss_at(W - e)[0].item()) / 2e-6
    np.testing.assert_allclose(w.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


def _packed_by_linear(lib, functional, hooks):
    seen = []

    def pack(t):
        seen.append((tuple(t.shape), type(t.grad_fn).__name__ if t.grad_fn is not None else None))
        return t * 1.0
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    b = lib.tensor(B, requires_grad=True)
    with hooks(pack, lambda t: t):
        y = functional.linear(x, w, b)
        z = functional.linear(x, w)
    (y.pow(2).sum() + z.sin().sum()).backward(create_graph=True)
    (second,) = lib.autograd.grad(w.grad.sum(), x)
    return seen, x.grad.detach().numpy(), w.grad.detach().numpy(), second.detach().numpy()


def test_saved_tensors_hooks_see_linears_weight_transposed_as_pytorchs_addmm_saves_it():
    # PyTorch's addmm / mm nodes save mat2 = weight.t(): pack gets a (in, out) TBackward0 view; deepgrad handed the
    # (out, in) weight itself. Unpacking turns it back, so gradients (and second-order ones) are unchanged
    seen, *ours = _packed_by_linear(ag, F, saved_tensors_hooks)
    assert seen[1] == ((3, 2), "TBackward0")
    torch = require_torch()
    import torch.nn.functional as TF
    from torch.autograd.graph import saved_tensors_hooks as torch_hooks
    theirs_seen, *theirs = _packed_by_linear(torch, TF, torch_hooks)
    assert [s for s in seen if s not in [((4, 2), "AddmmBackward0"), ((4, 2), "MmBackward0")]] == \
        [s for s in theirs_seen if s not in [((4, 2), "AddmmBackward0"), ((4, 2), "MmBackward0")]]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_saved_tensors_hooks_that_change_the_transposed_weight_change_the_gradient_as_pytorchs():
    # a pack hook that compresses what it gets: the unpacked transpose is what backward uses
    def run(lib, functional, hooks):
        x = lib.tensor(X, requires_grad=True)
        w = lib.tensor(W, requires_grad=True)
        with hooks(lambda t: t.to(lib.float32), lambda t: t.to(lib.float64)):
            functional.linear(x, w).pow(2).sum().backward()
        return x.grad.numpy(), w.grad.numpy()
    ours = run(ag, F, saved_tensors_hooks)
    torch = require_torch()
    import torch.nn.functional as TF
    from torch.autograd.graph import saved_tensors_hooks as torch_hooks
    for a, b in zip(ours, run(torch, TF, torch_hooks)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


class _Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x):
        return self.lin(x)


@pytest.mark.parametrize("input_requires_grad", [False, True])
def test_full_backward_hook_warns_when_no_input_requires_grad_as_pytorch(input_requires_grad):
    # PyTorch: "Full backward hook is firing when gradients are computed with respect to module outputs since no
    # inputs require gradients. ..." (a UserWarning), only when no input needs a gradient
    model = _Tiny()
    calls = []
    model.register_full_backward_hook(lambda m, gi, go: calls.append(gi[0] is None))
    x = ag.randn(4, 3, requires_grad=input_requires_grad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model(x).sum().backward()
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    fired = [m for m in messages if m.startswith("Full backward hook is firing when gradients are computed with "
                                                 "respect to module outputs since no inputs require gradients.")]
    assert len(fired) == (0 if input_requires_grad else 1)
    assert calls == [not input_requires_grad]
    if fired:
        assert [w.filename for w in caught if str(w.message) == fired[0]] == [__file__]


def _instance_norm_run(lib, module_lib, dtype_name, x_values):
    x = lib.tensor(x_values).to(getattr(lib, dtype_name)).requires_grad_()
    m = module_lib.InstanceNorm2d(3, affine=True, track_running_stats=True)
    with lib.no_grad():
        m.weight.copy_(lib.tensor([0.5, 1.5, -1.0]))
        m.bias.copy_(lib.tensor([0.1, 0.0, -0.2]))
    y = m(x)
    (y.float() * lib.arange(120.0).view(2, 3, 4, 5) / 100).sum().backward()
    m.eval()
    z = m(x.detach())
    return (str(y.dtype).replace("torch.", ""), y.grad_fn.name(), y.float().detach().numpy(), x.grad.float().numpy(),
            m.weight.grad.numpy(), m.running_var.numpy(), z.float().detach().numpy())


@pytest.mark.parametrize("dtype_name", ["bfloat16", "float16"])
def test_instance_norm_takes_a_half_input_with_float32_weights_as_pytorch(dtype_name):
    # an InstanceNorm2d(affine=True) after an autocast convolution: PyTorch batch-normalises in float32 and returns
    # the input's dtype (a ViewBackward0); deepgrad refused the mix with a DtypeError
    x_values = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    ours = _instance_norm_run(ag, nn, dtype_name, x_values)
    assert ours[:2] == (dtype_name, "ViewBackward0")
    torch = require_torch()
    theirs = _instance_norm_run(torch, torch.nn, dtype_name, x_values)
    assert ours[:2] == theirs[:2]
    np.testing.assert_array_equal(ours[2], theirs[2])
    np.testing.assert_array_equal(ours[6], theirs[6])
    for a, b in zip(ours[3:6], theirs[3:6]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


MIXED_NORMS = {
    "layer_norm": lambda lib, F_, x: F_.layer_norm(x, (5,), lib.ones(5, requires_grad=True), None),
    "batch_norm": lambda lib, F_, x: F_.batch_norm(x, lib.zeros(3), lib.ones(3), lib.ones(3, requires_grad=True),
                                                   None, training=True),
    "batch_norm_eval": lambda lib, F_, x: F_.batch_norm(x, lib.zeros(3), lib.ones(3), lib.ones(3, requires_grad=True)),
    "group_norm": lambda lib, F_, x: F_.group_norm(x, 3, lib.ones(3, requires_grad=True)),
}


@pytest.mark.parametrize("case", sorted(MIXED_NORMS))
def test_a_normalisation_of_a_half_input_with_float32_weights_shows_pytorchs_one_node(case):
    # PyTorch's mixed-dtype kernels are one Native*Backward0 node; deepgrad's float32 pass then cast showed
    # ToCopyBackward0
    x = ag.tensor(RNG.standard_normal((4, 3, 5)).astype(np.float32)).to(ag.bfloat16).requires_grad_()
    y = MIXED_NORMS[case](ag, F, x)
    expected = {"layer_norm": "NativeLayerNormBackward0", "group_norm": "NativeGroupNormBackward0"}.get(
        case, "NativeBatchNormBackward0")
    assert (str(y.dtype), y.grad_fn.name()) == ("bfloat16", expected)
    torch = require_torch()
    import torch.nn.functional as TF
    xt = torch.tensor(x.float().detach().numpy()).to(torch.bfloat16).requires_grad_()
    yt = MIXED_NORMS[case](torch, TF, xt)
    assert yt.grad_fn.name() == expected
    np.testing.assert_array_equal(y.float().detach().numpy(), yt.float().detach().numpy())


TANGENT_NODES = {
    "linear": lambda lib, z, w: lib.nn.functional.linear(z, w, w[:, 0]),
    "linear_no_bias": lambda lib, z, w: lib.nn.functional.linear(z, w),
    "mm": lambda lib, z, w: z @ w.T,
    "bmm": lambda lib, z, w: lib.bmm(z.view(2, 2, 3), w.T.expand(2, 3, 2)),
    "conv1d": lambda lib, z, w: lib.nn.functional.conv1d(z.view(1, 4, 3), w.view(2, 1, 3).repeat(1, 4, 1)),
    "layer_norm": lambda lib, z, w: lib.nn.functional.layer_norm(z, (3,), w[0], w[1]),
    "batch_norm": lambda lib, z, w: lib.nn.functional.batch_norm(z, None, None, w[0], w[1], training=True),
    "group_norm": lambda lib, z, w: lib.nn.functional.group_norm(z.view(2, 2, 3), 1, w[0, :2], w[1, :2]),
}


def _tangent_node(lib, case):
    w = lib.tensor(W, requires_grad=True)
    fw = lib.autograd.forward_ad
    with fw.dual_level():
        out = TANGENT_NODES[case](lib, fw.make_dual(lib.tensor(X), lib.tensor(D)), w)
        t = fw.unpack_dual(out).tangent
        return t.grad_fn.name(), t.detach().numpy()


@pytest.mark.parametrize("case", sorted(TANGENT_NODES))
def test_the_tangent_of_a_weighted_op_shows_pytorchs_sum_of_terms(case):
    # PyTorch's forward-mode formulas of addmm / mm / bmm / convolution / the native norms add a term per operand:
    # the tangent shows AddBackward0 (deepgrad showed the double-backward's last node, MmBackward0 for a Linear)
    ours = _tangent_node(ag, case)
    torch = require_torch()
    theirs = _tangent_node(torch, case)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
