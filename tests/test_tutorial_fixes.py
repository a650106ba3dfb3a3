"""Regression tests for the deepgrad bugs that running the pytorch.org tutorials (beginner_source/basics,
intermediate_source's torch.func tutorials, ...) with only their imports changed exposed; each checks against
PyTorch as the oracle and skips cleanly without it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_torch_nn_is_reachable_after_a_bare_import_torch():
    # was: `import torch` alone, then torch.nn.functional.binary_cross_entropy_with_logits(z, y) (the Autograd
    # tutorial's first lines) raised AttributeError: module 'autograd' has no attribute 'nn' (nn had to be imported
    # first); a fresh interpreter, as no test may have imported nn yet
    torch = pytest.importorskip("torch")
    program = ("import json\nimport autograd as torch\n"
               "z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)\n"
               "loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3))\n"
               "loss.backward()\n"
               "print(json.dumps([loss.item(), z.grad.tolist(), torch.optim.SGD.__name__, callable(torch.save)]))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    value, grad, optimiser, has_save = json.loads(done.stdout)
    z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3))
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-6)
    np.testing.assert_allclose(grad, z.grad.tolist(), rtol=1e-6)
    assert (optimiser, has_save) == ("SGD", True)


def test_unknown_attribute_of_autograd_is_still_an_attribute_error():
    import autograd as ag
    with pytest.raises(AttributeError, match="no attribute 'not_a_torch_name'"):
        ag.not_a_torch_name


def test_make_dual_takes_a_tangent_of_another_floating_dtype_as_pytorch():
    # was: the forward-mode AD tutorial's make_dual(float64 primal, float32 tangent) raised RuntimeError "expected
    # tangent to have the primal's dtype"; PyTorch takes it, keeps it as the dual's own tangent, and carries it
    # through a custom Function's jvp (gI * ctx.result) to a float64 output tangent
    torch = pytest.importorskip("torch")
    import autograd as ag
    import autograd.autograd.forward_ad as fw

    def run(lib, fwad):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, foo):
                ctx.result = lib.exp(foo)
                return ctx.result

            @staticmethod
            def jvp(ctx, g):
                return g * ctx.result

        primal = lib.tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), dtype=lib.float64, requires_grad=True)
        tangent = lib.tensor(np.arange(6.0).reshape(2, 3), dtype=lib.float32)
        with fwad.dual_level():
            dual = fwad.make_dual(primal, tangent)
            assert fwad.unpack_dual(dual).tangent is tangent
            out = fwad.unpack_dual(Exp.apply(dual)).tangent
            scaled = fwad.unpack_dual(dual * 3.0).tangent
        return out, scaled

    ours, theirs = run(ag, fw), run(torch, torch.autograd.forward_ad)
    for a, b in zip(ours, theirs):
        assert str(a.dtype) == str(b.dtype).replace("torch.", "")
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("lib_name", ["autograd", "torch"])
def test_make_dual_refuses_an_integer_tangent_with_a_value_error(lib_name):
    lib = pytest.importorskip(lib_name)
    fwad = lib.autograd.forward_ad
    with fwad.dual_level(), pytest.raises(ValueError, match="tangent to be floating point or complex"):
        fwad.make_dual(lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.int64))


def _jvp_only_functions(lib):
    class Right(lib.autograd.Function):
        @staticmethod
        def forward(ctx, foo):
            ctx.result = lib.exp(foo)
            return ctx.result

        @staticmethod
        def jvp(ctx, g):
            return g * ctx.result

    class Wrong(Right):
        @staticmethod
        def jvp(ctx, g):
            return g * 2

    return Right, Wrong


@pytest.mark.parametrize("lib_name", ["autograd", "torch"])
def test_gradcheck_with_check_forward_ad_checks_the_jvp(lib_name):
    # was: gradcheck(Fn.apply, (primal,), check_forward_ad=True, check_backward_ad=False, ...) (the forward-mode
    # tutorial's check of a Function with only a jvp) ran the reverse-mode comparison anyway and raised "You must
    # implement either the backward or vjp method"; it must compare the forward-mode Jacobian, and fail a wrong jvp
    lib = pytest.importorskip(lib_name)
    right, wrong = _jvp_only_functions(lib)
    primal = lib.tensor(np.linspace(-1.0, 1.0, 8).reshape(2, 4), dtype=lib.float64, requires_grad=True)
    options = dict(check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False,
                   check_batched_grad=False)
    assert lib.autograd.gradcheck(right.apply, (primal,), **options) is True
    assert lib.autograd.gradcheck(wrong.apply, (primal,), raise_exception=False, **options) is False
    with pytest.raises(RuntimeError, match="[Ff]orward.mode"):
        lib.autograd.gradcheck(wrong.apply, (primal,), **options)
    # both modes on an ordinary composite of two inputs
    assert lib.autograd.gradcheck(lambda a, b: (a * b).sin().sum(1), (primal, primal.detach().cos().requires_grad_()),
                                  check_forward_ad=True) is True


def test_mse_loss_is_one_node_next_to_the_model_output_as_pytorch():
    # was: the Neural Networks tutorial's loss.grad_fn.next_functions[0][0] (meant to show the Linear's
    # AddmmBackward0) was MulBackward0, then SubBackward0: mse_loss was a composite whose last node alone was named
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn
    rows = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(2, 6)
    lin = nn.Linear(6, 10)
    lin_t = torch.nn.Linear(6, 10)
    with torch.no_grad():
        lin_t.weight.copy_(torch.tensor(lin.weight.detach().numpy()))
        lin_t.bias.copy_(torch.tensor(lin.bias.detach().numpy()))
    target = np.arange(1, 21).reshape(2, 10)   # the tutorial's integer target
    ours = nn.MSELoss()(lin(ag.tensor(rows)), ag.tensor(target))
    theirs = torch.nn.MSELoss()(lin_t(torch.tensor(rows)), torch.tensor(target))
    assert ours.grad_fn.name() == theirs.grad_fn.name() == "MseLossBackward0"
    assert ours.grad_fn.next_functions[0][0].name() == theirs.grad_fn.next_functions[0][0].name()
    assert ours.dtype == np.float32 and ours.item() == pytest.approx(theirs.item(), rel=1e-6)
    ours.backward()
    theirs.backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), lin_t.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lin.bias.grad.numpy(), lin_t.bias.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_node_gradients_first_and_second_order_match_pytorch(reduction):
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    rng = np.random.default_rng(3)
    x, y, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    assert ag.gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction),
                        (ag.tensor(x, requires_grad=True), ag.tensor(y, requires_grad=True)))
    assert ag.autograd.gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction),
                                     (ag.tensor(x, requires_grad=True), ag.tensor(y, requires_grad=True)))

    def second(lib, fn):
        a, b = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
        loss = fn(a.sin(), b, reduction=reduction)
        (ga,) = lib.autograd.grad(loss, a, lib.ones_like(loss), create_graph=True)
        (ga * lib.tensor(w)).sum().backward()
        return loss.detach().numpy(), a.grad.numpy(), b.grad.numpy()

    for ours, theirs in zip(second(ag, F.mse_loss), second(torch, torch.nn.functional.mse_loss)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_mse_loss_of_an_empty_input_is_nan_as_pytorch():
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    ours = F.mse_loss(ag.zeros(0, 3, requires_grad=True), ag.zeros(0, 3))
    theirs = torch.nn.functional.mse_loss(torch.zeros(0, 3, requires_grad=True), torch.zeros(0, 3))
    assert np.isnan(ours.item()) and np.isnan(theirs.item())


def _old_overload_calls(lib):
    a, b = lib.tensor([1.0, -2.0, 0.5]), lib.tensor([0.25, 3.0, -1.0])
    return {"add_": lambda: a.clone().add_(-0.5, b), "add": lambda: a.add(2, b), "sub": lambda: a.sub(2, b),
            "sub_": lambda: a.clone().sub_(3, b), "torch.add": lambda: lib.add(a, 2, b),
            "torch.sub": lambda: lib.sub(a, 2, b), "add_number": lambda: a.add(2, 3),
            "addcmul": lambda: a.addcmul(2, b, b), "addcmul_": lambda: a.clone().addcmul_(0.5, b, a),
            "addcdiv": lambda: a.addcdiv(2, b, a), "torch.addcdiv": lambda: lib.addcdiv(a, -1, a, b)}


def test_deprecated_scale_first_overloads_run_as_pytorch():
    # was: the char-RNN generation tutorial's `p.data.add_(-learning_rate, p.grad.data)` (PyTorch's deprecated
    # add_(Number alpha, Tensor other)) raised TypeError: add() takes 2 positional arguments but 3 were given
    torch = pytest.importorskip("torch")
    import warnings
    import autograd as ag
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours, theirs = _old_overload_calls(ag), _old_overload_calls(torch)
        for key in theirs:
            np.testing.assert_allclose(ours[key]().numpy(), theirs[key]().numpy(), rtol=1e-6, err_msg=key)
    x, w = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        x.add(-2, w * x).sum().backward()   # through the graph too: d/dx (x - 2 w x) = 1 - 2 w
    np.testing.assert_allclose(x.grad.numpy(), [-5.0, 3.0])


@pytest.mark.parametrize("lib_name", ["autograd", "torch"])
def test_deprecated_overload_with_its_keyword_too_or_a_tensor_scale_is_a_type_error(lib_name):
    lib = pytest.importorskip(lib_name)
    a, b = lib.ones(3), lib.arange(3.0)
    for call in (lambda: a.add(2, b, alpha=3), lambda: a.add(b, b), lambda: a.sub(b, b),
                 lambda: a.addcmul(b, b, b), lambda: a.addcdiv(2, b, b, value=2)):
        with pytest.raises(TypeError):
            call()


def test_deprecated_overload_warns_once_with_pytorchs_message():
    import warnings
    import autograd as ag
    from autograd.ops import deprecated_overloads
    deprecated_overloads._warned[0] = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ag.ones(2).sub(2, ag.ones(2))
        ag.ones(2).add(2, ag.ones(2))
    messages = [str(w.message) for w in caught if "overload" in str(w.message)]
    assert messages == ["This overload of sub is deprecated:\n\tsub(Number alpha, Tensor other)\nConsider using one "
                        "of the following signatures instead:\n\tsub(Tensor other, *, Number alpha = 1)"]


def _linear_edges(lib, mod):
    lib.manual_seed(0)
    with_bias, without = mod.Linear(3, 2), mod.Linear(3, 2, bias=False)
    x = lib.randn(4, 3, requires_grad=True)
    frozen = mod.Linear(3, 2)
    frozen.weight.requires_grad_(False)
    shown = []
    for out in (with_bias(x), without(x), frozen(x), with_bias(lib.randn(4, 3))):
        shown.append([(n.name() if n is not None else None,
                       [m[0].name() if m[0] is not None else None for m in n.next_functions] if n is not None else None)
                      for n, _ in out.grad_fn.next_functions])
    return shown


def test_linear_on_a_matrix_shows_pytorchs_addmm_and_mm_edges():
    # was: AddmmBackward0's next_functions listed (input, weight, bias): the Neural Networks tutorial's
    # loss.grad_fn.next_functions[0][0].next_functions[0][0] showed ReluBackward0 for PyTorch's AccumulateGrad
    # (the bias first), and the weight came without PyTorch's TBackward0 between
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn
    assert _linear_edges(ag, nn) == _linear_edges(torch, torch.nn)
    out = nn.Linear(3, 2)(ag.randn(4, 3))
    transpose = out.grad_fn.next_functions[2][0]
    assert transpose is out.grad_fn.next_functions[2][0] and repr(transpose).startswith("<TBackward0 object")
    with pytest.raises(RuntimeError, match="weight.register_hook"):
        transpose.register_hook(lambda *grads: None)
