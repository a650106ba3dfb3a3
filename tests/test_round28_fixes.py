"""Regressions for the differences from PyTorch that round 28 found while writing its programs
(tests/test_pytorch_programs_round28.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too (gradcheck where a backward changed)."""
import importlib

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import require_torch


def _torch_or_none():
    try:
        return require_torch()
    except pytest.skip.Exception:
        return None


# ----- ctc_loss(zero_infinity=True): the zeroed losses are a where() node after CtcLossBackward0 -------------------

def _ctc_nodes(lib, functional, batched, input_lengths, zero_infinity, reduction):
    """(node names from the loss down to the leaf, loss values, gradient) of one ctc_loss call."""
    rng = np.random.default_rng(0)
    shape = (6, 2, 4) if batched else (6, 4)
    logits = lib.tensor(rng.standard_normal(shape))
    lp = logits.log_softmax(-1).detach().requires_grad_(True)
    targets = lib.tensor([[1, 2], [3, 3]] if batched else [3, 3])
    lengths = (lib.tensor(input_lengths), lib.tensor([2, 2])) if batched else (lib.tensor(input_lengths[1]),
                                                                               lib.tensor(2))
    loss = functional.ctc_loss(lp, targets, *lengths, reduction=reduction, zero_infinity=zero_infinity)
    names, fn = [], loss.grad_fn
    while fn is not None:
        names.append(fn.name())
        parents = [f for f, _ in fn.next_functions if f is not None]
        fn = parents[0] if parents else None
    grad, = lib.autograd.grad(loss.sum(), lp)
    return names, loss.detach().numpy(), grad.numpy()


#: (batched, zero_infinity, reduction) -> PyTorch 2.13's nodes from the loss down (AccumulateGrad left out; an
#: unbatched input is unsqueezed first)
CTC_NODES = {
    (True, True, "none"): ["WhereBackward0", "CtcLossBackward0"],
    (True, True, "sum"): ["SumBackward0", "WhereBackward0", "CtcLossBackward0"],
    (True, True, "mean"): ["MeanBackward0", "DivBackward0", "WhereBackward0", "CtcLossBackward0"],
    (True, False, "none"): ["CtcLossBackward0"],
    (False, True, "none"): ["SqueezeBackward1", "WhereBackward0", "CtcLossBackward0", "UnsqueezeBackward0"],
    (False, False, "none"): ["SqueezeBackward1", "CtcLossBackward0", "UnsqueezeBackward0"],
    (False, True, "sum"): ["SumBackward0", "WhereBackward0", "CtcLossBackward0", "UnsqueezeBackward0"],
}


@pytest.mark.parametrize("input_lengths", [[6, 6], [6, 2]], ids=["possible", "one_impossible"])
@pytest.mark.parametrize("batched, zero_infinity, reduction", list(CTC_NODES))
def test_ctc_loss_nodes_losses_and_gradients_are_pytorchs(batched, zero_infinity, reduction, input_lengths):
    names, loss, grad = _ctc_nodes(ag, F, batched, input_lengths, zero_infinity, reduction)
    assert names[:-1] == CTC_NODES[batched, zero_infinity, reduction]
    impossible = input_lengths[1] == 2
    if zero_infinity or not impossible:
        assert np.isfinite(loss).all() and np.isfinite(grad).all()
    torch = _torch_or_none()
    if torch is not None:
        theirs, their_loss, their_grad = _ctc_nodes(torch, torch.nn.functional, batched, input_lengths,
                                                    zero_infinity, reduction)
        assert names[:-1] == theirs[:-1]
        np.testing.assert_allclose(loss, their_loss, rtol=1e-10)
        np.testing.assert_allclose(grad, their_grad, rtol=1e-9, atol=1e-12)


def test_ctc_loss_zero_infinity_gradient_passes_gradcheck():
    rng = np.random.default_rng(1)
    logits = ag.tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    targets, lengths = ag.tensor([[1, 2], [3, 3]]), (ag.tensor([5, 2]), ag.tensor([2, 2]))
    assert ag.autograd.gradcheck(lambda x: F.ctc_loss(x.log_softmax(-1), targets, *lengths, reduction="sum",
                                                      zero_infinity=True), (logits,))


# ----- gradcheck: per-output Jacobians and PyTorch's undefined-gradient check --------------------------------------

def _pair_function(lib, handles_none, materialize, leak=None):
    """A two-output Function (2x, exp x) whose backward handles None gradients or not, under
    set_materialize_grads(materialize); `leak` adds a term that does not vanish with the gradients: 'always', or
    'undefined' (only when no gradient is defined)."""

    class Pair(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            ctx.save_for_backward(x)
            return x * 2, x.exp()

        @staticmethod
        def backward(ctx, g1, g2):
            x, = ctx.saved_tensors
            if not handles_none:
                return g1 * 2 + g2 * x.exp()
            if g1 is None and g2 is None and leak == "undefined":
                return 1e-3 * x
            total = lib.zeros_like(x)
            total = total if g1 is None else total + g1 * 2
            total = total if g2 is None else total + g2 * x.exp()
            return total + (1e-3 * x if leak == "always" else 0)

    return Pair


#: (handles_none, materialize, leak, check_undefined_grad) -> what PyTorch 2.13's gradcheck does
GRADCHECK_CASES = {
    (True, False, None, True): "passes",
    (False, True, None, True): "passes",
    (False, False, None, True): "TypeError",      # backward meets None for the output not differentiated
    (False, False, None, False): "TypeError",     # ... in the per-output Jacobians too
    (True, True, "always", True): "backward not multiplied by grad_output",
    (True, True, "always", False): "backward not multiplied by grad_output",
    (True, False, "undefined", True): "Expected all input grads to be undefined or zero",
    (True, False, "undefined", False): "passes",
}


def _gradcheck_error(lib):
    """GradcheckError, imported as `from torch.autograd.gradcheck import GradcheckError` is."""
    return importlib.import_module(f"{lib.__name__}.autograd.gradcheck").GradcheckError


def _gradcheck_outcome(lib, case):
    handles_none, materialize, leak, check_undefined = case
    fn = _pair_function(lib, handles_none, materialize, leak)
    x = lib.tensor([0.3, -0.2, 0.5], dtype=lib.float64, requires_grad=True)
    try:
        # atol: the 'always' leak (1e-3 x) passes the Jacobian comparison, so the checks after it are reached
        lib.autograd.gradcheck(fn.apply, (x,), check_undefined_grad=check_undefined, atol=2e-3)
    except TypeError:
        return "TypeError"
    except _gradcheck_error(lib) as e:
        return str(e).split(":")[0].split(" when ")[0]
    return "passes"


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", list(GRADCHECK_CASES))
def test_gradcheck_takes_each_output_alone_and_checks_undefined_gradients(case):
    assert _gradcheck_outcome(ag, case) == GRADCHECK_CASES[case]
    torch = _torch_or_none()
    if torch is not None:
        assert _gradcheck_outcome(torch, case) == GRADCHECK_CASES[case]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_gradcheck_undefined_gradient_failure_gives_false_without_raise_exception():
    fn = _pair_function(ag, True, False, leak="undefined")
    x = ag.tensor([0.3, -0.2], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradcheck(fn.apply, (x,), raise_exception=False, atol=2e-3) is False
    assert ag.autograd.gradcheck(fn.apply, (x,), raise_exception=False, atol=2e-3, check_undefined_grad=False)


def _int_gradient_function(lib, only_when_undefined):
    """x * s whose backward returns the int 0 as s's gradient: for zero gradients, or (set_materialize_grads(False))
    only when its gradient is undefined."""

    class IntGrad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, s):
            ctx.set_materialize_grads(not only_when_undefined)
            ctx.save_for_backward(x, s)
            return x * s

        @staticmethod
        def backward(ctx, g):
            x, s = ctx.saved_tensors
            if g is None:
                return None, 0
            if only_when_undefined:
                return g * s, (g * x).sum()
            return g * s, (g * x).sum() if bool(g.abs().sum() > 0) else 0

    return IntGrad


def _int_gradient_outcomes(lib):
    x = lib.tensor([0.3, -0.2], dtype=lib.float64, requires_grad=True)
    s = lib.tensor(1.5, dtype=lib.float64, requires_grad=True)
    found = []
    for only_when_undefined in (False, True):
        for check_undefined in (True, False):
            try:
                found.append(lib.autograd.gradcheck(_int_gradient_function(lib, only_when_undefined).apply, (x, s),
                                                    check_undefined_grad=check_undefined))
            except _gradcheck_error(lib) as e:
                found.append(("GradcheckError", str(e).split(".")[0], type(e.__cause__).__name__))
            except RuntimeError as e:
                found.append(("RuntimeError", str(e)[:35]))
    return found


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_gradcheck_wraps_a_runtime_error_from_undefined_gradients_only_as_pytorch():
    refused = ("RuntimeError", "expected Variable or None (got int)")
    wrapped = ("GradcheckError", "Expected backward function to handle undefined output grads", "RuntimeError")
    assert _int_gradient_outcomes(ag) == [refused, refused, wrapped, True]
    torch = _torch_or_none()
    if torch is not None:
        assert _int_gradient_outcomes(torch) == [refused, refused, wrapped, True]


def test_gradcheck_warns_when_the_undefined_gradient_check_fails():
    fn = _int_gradient_function(ag, True)
    x = ag.tensor([0.3, -0.2], dtype=ag.float64, requires_grad=True)
    s = ag.tensor(1.5, dtype=ag.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="check_undefined_grad=False"):
        assert ag.autograd.gradcheck(fn.apply, (x, s), raise_exception=False) is False


# ----- complex gradients that come out real: +0 imaginary parts, as PyTorch's conj(f'(z)) * g ----------------------

def _complex_grads(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((2, 3, 8, 8)))
    xf = lib.fft.rfft2(x)
    w = lib.tensor(rng.standard_normal((3, 3)).astype(np.complex128), requires_grad=True)
    m = lib.tensor(rng.standard_normal((4, 3)).astype(np.complex128), requires_grad=True)
    out = lib.zeros(2, 3, 8, 5, dtype=lib.complex128)
    out[:, :, 0, 0] = xf[:, :, 0, 0] @ w
    y = lib.fft.irfft2(out, s=(8, 8))
    z = lib.einsum("ij,kj->ik", m, lib.tensor(rng.standard_normal((5, 3)).astype(np.complex128)))
    (y * lib.tensor(rng.standard_normal((2, 3, 8, 8)))).sum().backward()
    z.backward(lib.tensor(rng.standard_normal((4, 5)).astype(np.complex128)))
    return w.grad.numpy(), m.grad.numpy()


def test_real_valued_complex_gradients_of_products_have_positive_zero_imaginary_parts():
    w_grad, m_grad = _complex_grads(ag)
    assert (w_grad.imag == 0).all() and not np.signbit(w_grad.imag).any()   # PyTorch: +0 everywhere
    assert (m_grad.imag == 0).all() and not np.signbit(m_grad.imag).any()
    assert "-0.j" not in repr(ag.tensor(w_grad)) and "-0.0000j" not in str(ag.tensor(w_grad))
    torch = _torch_or_none()
    if torch is not None:
        theirs = _complex_grads(torch)
        for a, b in zip((w_grad, m_grad), theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
            assert (np.signbit(a.imag) == np.signbit(b.imag)).all()


def test_complex_matmul_gradient_still_passes_gradcheck():
    rng = np.random.default_rng(2)
    a = ag.tensor(rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2)), requires_grad=True)
    b = ag.tensor(rng.standard_normal((2, 4)) + 0j, requires_grad=True)
    assert ag.autograd.gradcheck(lambda p, q: (p @ q).exp(), (a, b))


# ----- grid_sample: a clipped point's grid gradient is the incoming one times +0 (so -0. where it was negative) ----

def _grid_gradient(lib, functional, mode, padding_mode, align_corners):
    image = lib.arange(20, dtype=lib.float64).reshape(1, 1, 4, 5) / 10
    grid = lib.tensor([[[[-1.3, 0.2], [0.4, 1.5], [1.2, -1.4], [-2.0, -2.0], [3.1, 0.1]]]], dtype=lib.float64,
                      requires_grad=True)
    out = functional.grid_sample(image, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    out.backward(lib.tensor([[[[1.0, -1.0, 1.0, -1.0, 1.0]]]], dtype=lib.float64))
    return grid.grad.numpy().ravel()


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_clipped_points_keep_pytorchs_signed_zero_gradient(mode, padding_mode, align_corners):
    ours = _grid_gradient(ag, F, mode, padding_mode, align_corners)
    if mode == "bilinear" and padding_mode == "border":   # PyTorch 2.13: the clipped coordinates' gradients
        expected = {False: [0.0, 1.0, -0.25, 0.0, -0.0, 0.0, -0.0, -0.0, -0.0, 1.0],
                    True: [0.0, 0.75, -0.2, 0.0, -0.0, 0.0, -0.0, -0.0, -0.0, 0.75]}[align_corners]
        np.testing.assert_allclose(ours, expected, atol=1e-12)
        assert (np.signbit(ours) == np.signbit(expected)).all()
    if mode == "nearest":
        assert (ours == 0).all() and not np.signbit(ours).any()
    torch = _torch_or_none()
    if torch is not None:
        theirs = _grid_gradient(torch, torch.nn.functional, mode, padding_mode, align_corners)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
        assert (np.signbit(ours) == np.signbit(theirs)).all()


@pytest.mark.parametrize("padding_mode", ["border", "reflection"])
def test_grid_sample_gradients_still_pass_gradcheck(padding_mode):
    rng = np.random.default_rng(4)
    image = ag.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    grid = ag.tensor(rng.uniform(-1.6, 1.6, (1, 2, 3, 2)), requires_grad=True)
    assert ag.autograd.gradcheck(lambda i, g: F.grid_sample(i, g, padding_mode=padding_mode, align_corners=False),
                                 (image, grid))


# ----- scaled_dot_product_attention with attn_mask and is_causal: PyTorch's CPU flash kernel applies both ----------

def _sdpa_mask_and_causal(lib, functional, queries, keys, kind):
    rng = np.random.default_rng(queries * 10 + keys)
    q, k, v = (lib.tensor(rng.standard_normal(shape), requires_grad=True)
               for shape in ((1, 2, queries, 4), (1, 2, keys, 4), (1, 2, keys, 4)))
    mask = (lib.tensor(rng.random((queries, keys)) > 0.3) if kind == "bool"
            else lib.tensor(rng.standard_normal((queries, keys))))
    out = functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=True)
    (out * lib.tensor(rng.standard_normal(out.shape))).sum().backward()
    return out.grad_fn.name(), [t.detach().numpy() for t in (out, q.grad, k.grad, v.grad)]


@pytest.mark.parametrize("kind", ["bool", "float"])
@pytest.mark.parametrize("queries, keys", [(3, 3), (3, 5), (4, 2)])
def test_sdpa_takes_attn_mask_with_is_causal_where_pytorchs_cpu_flash_kernel_does(queries, keys, kind):
    name, ours = _sdpa_mask_and_causal(ag, F, queries, keys, kind)
    assert name == "ScaledDotProductFlashAttentionForCpuBackward0"
    # what the flash kernel computes: the mask inside the causal pattern (query i sees keys j <= i)
    rng = np.random.default_rng(queries * 10 + keys)
    q, k, v = (ag.tensor(rng.standard_normal(shape)) for shape in ((1, 2, queries, 4), (1, 2, keys, 4),
                                                                     (1, 2, keys, 4)))
    mask = rng.random((queries, keys)) > 0.3 if kind == "bool" else rng.standard_normal((queries, keys))
    causal = np.tril(np.ones((queries, keys), dtype=bool))
    folded = ag.tensor(mask & causal) if kind == "bool" else ag.tensor(np.where(causal, mask, -np.inf))
    np.testing.assert_allclose(ours[0], F.scaled_dot_product_attention(q, k, v, attn_mask=folded).numpy(),
                               rtol=1e-12, atol=1e-14)
    torch = _torch_or_none()
    if torch is not None:
        their_name, theirs = _sdpa_mask_and_causal(torch, torch.nn.functional, queries, keys, kind)
        assert name == their_name
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shapes, dropout_p", [(((2, 3, 4),) * 3, 0.0), (((1, 2, 3, 4),) * 3, 0.5),
                                                (((1, 2, 3, 4), (1, 2, 3, 4), (1, 2, 3, 6)), 0.0)],
                         ids=["3d", "dropout", "value_head_size"])
def test_sdpa_refuses_attn_mask_with_is_causal_on_pytorchs_math_path(shapes, dropout_p):
    for lib, functional in [(ag, F)] + ([(t, t.nn.functional)] if (t := _torch_or_none()) is not None else []):
        q, k, v = (lib.ones(*shape, dtype=lib.float64) for shape in shapes)
        with pytest.raises(RuntimeError):
            functional.scaled_dot_product_attention(q, k, v, attn_mask=lib.ones(3, 3, dtype=lib.bool),
                                                    is_causal=True, dropout_p=dropout_p)
