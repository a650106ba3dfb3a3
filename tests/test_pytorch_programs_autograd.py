"""PyTorch programs on autograd's extension points and torch.func (model ensembles with vmap over functional_call on
a meta-device base model, per-sample gradients, Jacobians; custom autograd Functions, gradcheck/gradgradcheck,
torch.autograd.functional), run on deepgrad with only their imports changed: they must print what PyTorch prints,
number for number (float64 weights and data from seeded NumPy generators). Below them, one regression test per
deepgrad bug the programs found, each against PyTorch."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_more import MORE_IMPORTS

#: the import lines these programs use beyond the other program tests', mapped the same way (torch. -> autograd.)
AUTOGRAD_IMPORTS = [
    ("from torch.func import", "from autograd.func import"),
    ("from torch.autograd.function import", "from autograd.autograd.function import"),
] + MORE_IMPORTS


@pytest.mark.parametrize("program", ["torch_func_ensembles", "torch_custom_functions"])
def test_autograd_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    # PyTorch's linearize warns from torch.fx (stderr, not compared)
    ours, theirs = printed_by_both(program, capsys, AUTOGRAD_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 20
    # float64 throughout; a few printed values are sums that cancel to roundoff (a fitted coefficient of ~1e-19)
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)


# ----- the meta device ------------------------------------------------------------------------------------------
def test_module_to_meta_keeps_shapes_and_refuses_reads_as_pytorch():
    torch = pytest.importorskip("torch")
    ours = copy.deepcopy(nn.Linear(3, 2)).to("meta")
    theirs = copy.deepcopy(torch.nn.Linear(3, 2)).to("meta")
    for mine, torchs in ((ours.weight, theirs.weight), (ag.empty(2, 4, dtype=ag.int64, device="meta"),
                                                       torch.empty(2, 4, dtype=torch.int64, device="meta"))):
        assert repr(mine) == repr(torchs).replace("torch.", "")
        assert (str(mine.device), mine.is_meta, mine.is_cpu, tuple(mine.shape)) == \
            (str(torchs.device), torchs.is_meta, torchs.is_cpu, tuple(torchs.shape))
    out_ours = ours(ag.empty(5, 3, device="meta")).sum()
    out_theirs = theirs(torch.empty(5, 3, device="meta")).sum()
    assert repr(out_ours) == repr(out_theirs)     # ops on meta tensors give meta tensors
    for read, error in ((lambda t: t.item(), RuntimeError), (lambda t: t.tolist(), NotImplementedError),
                        (lambda t: t.numpy(), TypeError), (lambda t: t.to("cpu"), NotImplementedError)):
        with pytest.raises(error):
            read(torch.empty(1, device="meta"))
        with pytest.raises(error):
            read(ag.empty(1, device="meta"))
    with pytest.raises(RuntimeError):               # meta and data do not mix in one op
        ours(ag.ones(5, 3))
    assert "meta" not in ag.available_devices()     # it is no device to compute on


def test_device_as_context_manager_sets_the_default_device_inside():
    torch = pytest.importorskip("torch")
    before = str(ag.get_default_device())   # cpu, or numba under DEEPGRAD_DEVICE=numba
    with ag.device("meta"):
        layer, t = nn.Linear(2, 3), ag.ones(4)
    with torch.device("meta"):
        theirs = torch.nn.Linear(2, 3)
    assert repr(layer.weight) == repr(theirs.weight).replace("torch.", "")
    assert t.is_meta and not ag.ones(1).is_meta and str(ag.get_default_device()) == before


def test_to_empty_gives_a_meta_module_real_storage_to_load_into():
    torch = pytest.importorskip("torch")
    source = nn.BatchNorm1d(3)
    with ag.no_grad():
        source.weight.copy_(ag.tensor([1.0, 2.0, 3.0]))
    skeleton = copy.deepcopy(source).to("meta").to_empty(device="cpu")
    theirs = torch.nn.BatchNorm1d(3).to("meta").to_empty(device="cpu")
    assert [(n, str(p.device), p.requires_grad) for n, p in skeleton.named_parameters()] == \
        [(n, str(p.device), p.requires_grad) for n, p in theirs.named_parameters()]
    assert str(skeleton.running_mean.device) == "cpu"
    skeleton.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(skeleton.weight.detach().numpy(), [1.0, 2.0, 3.0])


def test_meta_module_takes_the_checkpoints_tensors_with_assign_and_inits_as_no_ops():
    torch = pytest.importorskip("torch")
    found = []
    for lib, libnn in ((ag, nn), (torch, torch.nn)):
        source = libnn.Linear(3, 2)
        with lib.device("meta"):
            model = libnn.Linear(3, 2)
        for init in (libnn.init.orthogonal_, libnn.init.kaiming_uniform_, libnn.init.normal_):
            assert init(model.weight).is_meta
        model.load_state_dict(source.state_dict(), assign=True)
        found.append((str(model.weight.device), type(model.weight).__name__, model.weight.requires_grad,
                      bool((model.weight == source.weight).all())))
    # the checkpoint's tensors come from the default device: cpu, or numba under DEEPGRAD_DEVICE=numba
    assert found[0] == (str(ag.get_default_device()), "Parameter", True, True)
    assert found[1] == ("cpu", "Parameter", True, True)


# ----- custom Functions -----------------------------------------------------------------------------------------
def _functions(lib):
    """(TwoHeads, Shift, Tanh) written against `lib` (torch or deepgrad's autograd), the same code for both."""
    class TwoHeads(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            TwoHeads.seen = ctx.seen
            return (0 if g1 is None else g1 * 2) + (0 if g2 is None else g2 * 3)

    class Shift(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, offset):
            return x + offset

        @staticmethod
        def backward(ctx, g):
            return g, None, None

    class Tanh(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = lib.tanh(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * (1 - y * y)
    return TwoHeads, Shift, Tanh


def test_set_materialize_grads_false_hands_none_for_unused_outputs():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        TwoHeads, _, _ = _functions(lib)
        x = lib.ones(2, dtype=lib.float64, requires_grad=True)
        TwoHeads.apply(x)[1].sum().backward()
        assert TwoHeads.seen == (True, False)
        np.testing.assert_allclose(np.asarray(x.grad.detach().numpy()), [3.0, 3.0])


def test_backward_may_return_trailing_nones_but_not_too_few_gradients():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        _, Shift, _ = _functions(lib)
        x = lib.ones(3, dtype=lib.float64, requires_grad=True)
        (Shift.apply(x, 2.0) * 4).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0, 4.0])

        class TooFew(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g

        with pytest.raises(RuntimeError, match=r"TooFewBackward returned an incorrect number of gradients \(expected "
                                                r"2, got 1\)"):
            TooFew.apply(x, x).sum().backward()


def test_once_differentiable_refuses_a_second_derivative_as_pytorch():
    torch = pytest.importorskip("torch")
    from autograd.autograd.function import once_differentiable   # noqa: F401  (the ported import line works)
    results = []
    for lib in (ag, torch):
        _, _, Tanh = _functions(lib)
        x = lib.tensor([0.2, -0.7], dtype=lib.float64, requires_grad=True)
        (plain,) = lib.autograd.grad(Tanh.apply(x).sum(), x, create_graph=True)
        weights = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(Tanh.apply(x), x, grad_outputs=weights, create_graph=True)
        with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                               "@once_differentiable"):
            g.sum().backward()
        results.append((plain.requires_grad, g.requires_grad, g.detach().numpy().copy()))
    assert results[0][:2] == results[1][:2] == (False, True)
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-12)


def test_gradgradcheck_checks_second_derivatives():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        class WrongSecond(lib.autograd.Function):   # the gradient is right, its own gradient is not
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 3 * x.detach() ** 2

        x = lib.tensor([0.5, -1.2], dtype=lib.float64, requires_grad=True)
        assert lib.autograd.gradcheck(WrongSecond.apply, (x,))
        assert lib.autograd.gradgradcheck(lambda t: t ** 3, (x,))
        assert not lib.autograd.gradgradcheck(WrongSecond.apply, (x,), raise_exception=False)


def test_function_with_setup_context_binds_keywords_and_works_under_func_transforms():
    torch = pytest.importorskip("torch")
    found = []
    for lib in (ag, torch):
        class Scale(lib.autograd.Function):
            generate_vmap_rule = True

            @staticmethod
            def forward(x, k=2.0):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]
                ctx.save_for_backward(output)

            @staticmethod
            def backward(ctx, g):
                (y,) = ctx.saved_tensors
                return g * ctx.k + 0 * y, None

        x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(Scale.apply(x, k=3.0).sum(), x)
        per_row = lib.func.vmap(lib.func.grad(lambda t: Scale.apply(t).pow(2).sum()))(lib.ones(2, 2,
                                                                                             dtype=lib.float64))
        found.append((g.numpy(), per_row.numpy(), Scale.apply(x).grad_fn.name()))
    np.testing.assert_allclose(found[0][0], found[1][0])
    np.testing.assert_allclose(found[0][1], found[1][1])
    assert found[0][2] == found[1][2] == "ScaleBackward"


def test_func_transforms_refuse_functions_without_setup_context_or_vmap_rule():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        class OldStyle(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        class NoVmapRule(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x * 2

            @staticmethod
            def setup_context(ctx, inputs, output):
                pass

            @staticmethod
            def backward(ctx, g):
                return g * 2

        x = lib.ones(3, dtype=lib.float64)
        with pytest.raises(RuntimeError, match="must override the setup_context staticmethod"):
            lib.func.grad(lambda t: OldStyle.apply(t).sum())(x)
        with pytest.raises(RuntimeError, match="vmap over NoVmapRule, but it does not have vmap support"):
            lib.func.vmap(NoVmapRule.apply)(lib.ones(2, 3, dtype=lib.float64))
        np.testing.assert_allclose(lib.func.grad(lambda t: NoVmapRule.apply(t).sum())(x).numpy(), [2.0] * 3)
        np.testing.assert_allclose(OldStyle.apply(x).numpy(), [2.0] * 3)   # outside the transforms: fine


def test_gradcheck_accepts_pytorchs_keyword_switches():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        x = lib.tensor([0.3, 0.9], dtype=lib.float64, requires_grad=True)
        assert lib.autograd.gradcheck(lib.sin, (x,), fast_mode=True, nondet_tol=0.0, check_undefined_grad=True)
        assert lib.autograd.gradgradcheck(lib.sin, (x,), gen_non_contig_grad_outputs=False, check_rev_over_rev=True)
        with pytest.raises(TypeError, match="fast_mod"):
            lib.autograd.gradcheck(lib.sin, (x,), fast_mod=True)


# ----- torch.autograd.grad and torch.func ---------------------------------------------------------------------
def test_grad_materialize_grads_and_is_grads_batched_as_pytorch():
    torch = pytest.importorskip("torch")
    found = []
    for lib in (ag, torch):
        u = lib.tensor([0.3, -1.1, 2.0], dtype=lib.float64, requires_grad=True)
        unused = lib.zeros(2, dtype=lib.float64, requires_grad=True)
        w = lib.stack([u[0] * u[1], u.sum() * u[2], (u * u).sum()])
        gu, gn = lib.autograd.grad(w.sum(), (u, unused), retain_graph=True, materialize_grads=True)
        (rows,) = lib.autograd.grad(w, u, grad_outputs=lib.eye(3, dtype=lib.float64), is_grads_batched=True)
        with pytest.raises(ValueError, match="allow_unused"):
            lib.autograd.grad(w.sum(), (u, unused), materialize_grads=True, allow_unused=False)
        found.append((gu.numpy(), gn.numpy(), rows.numpy()))
    for mine, torchs in zip(*found):
        np.testing.assert_allclose(mine, torchs, rtol=1e-12)


def test_func_linearize_gives_jacobian_vector_products():
    torch = pytest.importorskip("torch")
    x = np.array([0.4, -0.3, 1.2])
    t = np.array([1.0, 0.5, -2.0])
    found = []
    for lib in (ag, torch):
        out, jvp_fn = lib.func.linearize(lambda a: lib.sin(a) * a.sum(), lib.tensor(x))
        found.append((out.numpy(), jvp_fn(lib.tensor(t)).numpy()))
    for mine, torchs in zip(*found):
        np.testing.assert_allclose(mine, torchs, rtol=1e-12)


def test_vmap_result_shows_the_grad_fn_of_the_mapped_last_op():
    torch = pytest.importorskip("torch")
    names = []
    for lib in (ag, torch):
        w = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        out = lib.func.vmap(lambda row: row * w)(lib.ones(3, 2, dtype=lib.float64))
        names.append(out.grad_fn.name())
    assert names[0] == names[1] == "MulBackward0"
