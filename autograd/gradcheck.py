"""Finite-difference checks of analytic gradients (float64)."""
import warnings

import numpy as np

from .engine import grad as _grad
from .function import Function
from .tensor import Tensor


def numerical_jacobian_vector(fn, inputs, out_grad, eps):
    """d<out_grad, fn(inputs)>/d(input) for every input requiring grad, by central differences. For complex
    values <w, y> is Re(sum(conj(w) y)) and the gradient of a complex input is d/dx + i d/dy (PyTorch's)."""
    result = []
    for t in inputs:
        if not (isinstance(t, Tensor) and t.requires_grad):
            result.append(None)
            continue
        original = t._data
        base = np.array(t.numpy(), dtype=np.complex128 if t.dtype.kind == "c" else np.float64)
        g = np.zeros(base.shape, dtype=base.dtype)
        for i in range(base.size):
            for unit in ((1, 1j) if base.dtype.kind == "c" else (1,)):
                values = []
                for step in (eps, -eps):
                    perturbed = base.copy()
                    perturbed.flat[i] += step * unit
                    t._data = t._device.asarray(perturbed)
                    # grad mode stays on, as in PyTorch: fn may itself call grad(create_graph=True)
                    out = _outputs(fn(*inputs))
                    values.append(sum(_pairing(o.numpy(), og) for o, og in zip(out, out_grad)))
                g.flat[i] += unit * (values[0] - values[1]) / (2 * eps)
        t._data = original
        result.append(g)
    return result


def _pairing(values, weights):
    """Re(sum(conj(weights) * values)) as a Python float."""
    return float(np.real(np.conj(weights) * values.astype(np.complex128 if values.dtype.kind == "c" else
                                                          np.float64)).sum())


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


#: PyTorch's further gradcheck / gradgradcheck switches: accepted; check_forward_ad and check_backward_ad choose
#: the comparisons (forward mode, reverse mode), check_undefined_grad the undefined-gradient check, the others
#: (batched checks, tolerances for nondeterminism) change nothing here
_TORCH_OPTIONS = {"nondet_tol", "check_undefined_grad", "check_grad_dtypes", "check_batched_grad",
                  "check_batched_forward_grad", "check_forward_ad", "check_backward_ad", "fast_mode", "masked",
                  "gen_non_contig_grad_outputs", "check_fwd_over_rev", "check_rev_over_rev"}


#: forward_ad installs here its function (fn, inputs, out_grad) -> per input requiring grad, d<out_grad, fn>/d input
#: built from forward-mode tangents, one per element (forward_ad sits on a floor above this module)
FORWARD_MODE = [None]


class GradcheckError(RuntimeError):
    """What gradcheck and gradgradcheck raise (with raise_exception=True, their default) when the analytic and
    numerical gradients disagree; a RuntimeError, as PyTorch's torch.autograd.gradcheck.GradcheckError."""


def _check_options(op, options):
    unknown = sorted(set(options) - _TORCH_OPTIONS)
    if unknown:
        raise TypeError(f"{op}() got an unexpected keyword argument {unknown[0]!r}")


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0, **torch_options):
    """True when the analytic gradients of fn at `inputs` match central finite differences; otherwise a
    GradcheckError naming the input and the largest difference (False with raise_exception=False), as PyTorch's.

    Inputs that require gradients must be float64 or complex128. The check contracts every output with a
    fixed random vector (complex for complex outputs), so outputs of any shape are covered; each output's
    gradient is taken on its own, the others undefined, as PyTorch's. With check_undefined_grad=True (the
    default) backward must also take undefined gradients (None, or zeros when a Function materialises them),
    for all outputs and for each one in turn; zero or undefined output gradients must give no non-zero input
    gradient ("backward not multiplied by grad_output"). PyTorch's other
    keyword switches (fast_mode, nondet_tol, ...) are accepted.
    """
    _check_options("gradcheck", torch_options)
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    _require_some_grad("gradcheck", diff)
    for t in diff:
        if t.dtype not in (np.float64, np.complex128):
            raise TypeError(f"gradcheck: inputs that require grad must be float64 (or complex128) for reliable finite "
                            f"differences; got {t.dtype} (shape {t.shape}); use t.astype(ag.float64)")
    outs = _outputs(fn(*inputs))
    rng = np.random.default_rng(seed)
    out_grad = [rng.standard_normal(o.shape) + (1j * rng.standard_normal(o.shape) if o.dtype.kind == "c" else 0)
                for o in outs]
    checks = []
    if torch_options.get("check_backward_ad", True):
        checks.append(("analytic", _reverse_mode(outs, out_grad, diff)))
    if torch_options.get("check_forward_ad", False):
        checks.append(("forward-mode", [None if g is None else Tensor(g) for g in
                                        FORWARD_MODE[0](fn, inputs, out_grad)]))
    numeric = [g for g in numerical_jacobian_vector(fn, inputs, out_grad, eps) if g is not None]
    for mode, analytic in checks:
        for k, (a, n) in enumerate(zip(analytic, numeric)):
            a = np.zeros_like(n) if a is None else a.numpy().astype(n.dtype)
            if not np.allclose(a, n, atol=atol, rtol=rtol, equal_nan=False):
                if raise_exception:
                    err = np.abs(a - n).max()
                    raise GradcheckError(f"gradcheck: input {k} (shape {a.shape}): {mode} and numerical gradients "
                                         f"differ by up to {err:.3g}\n{mode}:\n{a}\nnumerical:\n{n}\n(pass "
                                         f"raise_exception=False to get False instead)")
                return False
    if torch_options.get("check_backward_ad", True) and diff:
        try:
            _check_zero_grads_give_zeros(outs, diff)
            if torch_options.get("check_undefined_grad", True):
                _check_undefined_grads(fn, inputs, diff)
        except GradcheckError:
            if raise_exception:
                raise
            return False
    return True


def _require_some_grad(name, diff):
    """PyTorch's ValueError (whatever raise_exception says) when no input requires grad: such a check compares
    nothing and would pass vacuously."""
    if not diff:
        raise ValueError(f"{name} expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True. Mark the inputs to check with t.requires_grad_() (float64 or "
                         "complex128).")


def _reverse_mode(outs, out_grad, diff):
    """d<out_grad, outs>/d input for each input in diff, by the reverse-mode engine (None where unused): one
    backward per output, the other outputs' gradients undefined, as PyTorch's per-output Jacobians."""
    total = [None] * len(diff)
    for o, og in zip(outs, out_grad):
        if not o.requires_grad:
            continue
        grads = _grad([o], diff, grad_outputs=[Tensor(og, dtype=o.dtype, device=o.device)], retain_graph=True,
                      allow_unused=True)
        total = [t if g is None else (g if t is None else t + g) for t, g in zip(total, grads)]
    return total


def _check_zero_grads_give_zeros(outs, diff):
    """PyTorch's check that backward is multiplied by grad_output: zero output gradients give every input a zero
    gradient (or none), of the input's dtype and shape."""
    outs = [o for o in outs if isinstance(o, Tensor) and o.requires_grad]
    if not outs:
        return
    zeros = [Tensor(np.zeros(o.shape), dtype=o.dtype, device=o.device) for o in outs]
    for k, (g, t) in enumerate(zip(_grad(outs, diff, grad_outputs=zeros, retain_graph=True, allow_unused=True), diff)):
        if g is None:
            continue
        if bool((g.numpy() != 0).any()):
            raise GradcheckError(f"backward not multiplied by grad_output: zero gradients for every output gave "
                                 f"input {k} (shape {tuple(t.shape)}) a non-zero gradient; a backward must scale "
                                 f"what it returns by the incoming gradient")
        if g.dtype != t.dtype:
            raise GradcheckError(f"grad is incorrect type: input {k} is {t.dtype}, its gradient {g.dtype}")
        if tuple(g.shape) != tuple(t.shape):
            raise GradcheckError(f"grad is incorrect size: input {k} has shape {tuple(t.shape)}, its gradient "
                                 f"{tuple(g.shape)}")


class _UndefinedGrad(Function):
    """The identity, whose backward hands on no gradient (None): an output whose gradient is undefined."""

    complex_ready = True

    def forward(ctx, x):
        return x.copy()

    def backward(ctx, grad):
        return None


#: what to do about a failed undefined-gradient check
_UNDEFINED_NOTE = ("an output's gradient is undefined when nothing after it was differentiated: a Function gets None "
                   "for it under ctx.set_materialize_grads(False), else zeros; its backward must take that and give "
                   "None or zeros for the inputs (check_undefined_grad=False skips this check)")


def _check_undefined_grads(fn, inputs, diff):
    """PyTorch's undefined-gradient check: backward through fn's outputs with every output's gradient undefined,
    then (for several outputs) each one's in turn, must neither raise a RuntimeError nor give an input a
    non-zero gradient."""
    count = len([o for o in _outputs(fn(*inputs)) if isinstance(o, Tensor) and o.requires_grad])
    cases = [range(count)] + ([[k] for k in range(count)] if count > 1 else [])
    for undefined in cases:
        outs = [o for o in _outputs(fn(*inputs)) if isinstance(o, Tensor) and o.requires_grad]
        outs = [_UndefinedGrad.apply(o) if k in undefined else o for k, o in enumerate(outs)]
        zeros = [Tensor(np.zeros(o.shape), dtype=o.dtype, device=o.device) for o in outs]
        try:
            grads = _grad(outs, diff, grad_outputs=zeros, allow_unused=True)
        except RuntimeError as e:
            _warn_check_is_on()
            raise GradcheckError(f"Expected backward function to handle undefined output grads. It raised "
                                 f"{type(e).__name__}: {e}\n{_UNDEFINED_NOTE}") from e
        if any(g is not None and bool((g.numpy() != 0).any()) for g in grads):
            _warn_check_is_on()
            raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                 f"undefined or zero; some input got a non-zero gradient.\n{_UNDEFINED_NOTE}")


def _warn_check_is_on():
    warnings.warn("gradcheck: the undefined-gradient check is on by default and this function failed it; code "
                  "written before the check existed may fail it too: pass check_undefined_grad=False to skip it",
                  UserWarning, stacklevel=4)


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=None,
                  **torch_options):
    """True when the second-order gradients of fn at `inputs` match finite differences (else a GradcheckError,
    or False with raise_exception=False): gradcheck of the
    function (inputs, grad_outputs) -> d<grad_outputs, fn(inputs)>/d inputs, built with create_graph=True.
    grad_outputs (one per output, in its dtype, float64 for other outputs) are drawn uniformly from [-1, 1) when
    not given: from the global generator, as PyTorch's (so the draws after it are PyTorch's too), or from a NumPy
    generator seeded with `seed` when one is given."""
    _check_options("gradgradcheck", torch_options)
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    _require_some_grad("gradgradcheck", diff)
    if grad_outputs is None:
        grad_outputs = [_random_grad_output(o, seed) for o in _outputs(fn(*inputs)) if o.requires_grad]
    else:
        grad_outputs = _outputs(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        outs = [o for o in _outputs(fn(*args[:n_in])) if o.requires_grad]
        grads = _grad(outs, [args[i] for i in diff], grad_outputs=list(args[n_in:])[:len(outs)],
                      create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + list(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, seed=seed)


def _random_grad_output(out, seed):
    """A gradient for `out` uniform in [-1, 1): PyTorch's make_tensor draw (uniform_ on the global generator) or,
    with a seed, a NumPy generator's."""
    dtype = out.dtype if out.dtype.kind in "fc" else np.dtype(np.float64)
    if seed is not None:
        return Tensor(np.random.default_rng(seed).uniform(-1, 1, out.shape), dtype=dtype, device=out.device,
                      requires_grad=True)
    g = Tensor(np.empty(out.shape, dtype=dtype), device=out.device)
    return g.uniform_(-1, 1).requires_grad_()
