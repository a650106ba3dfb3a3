"""Finite-difference checks of analytic gradients (float64)."""
import numpy as np

from .engine import grad as _grad
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
#: the comparisons (forward mode, reverse mode), the others (batched, undefined-gradient checks) change nothing here
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
    fixed random vector (complex for complex outputs), so outputs of any shape are covered. PyTorch's other
    keyword switches (fast_mode, nondet_tol, check_undefined_grad, ...) are accepted.
    """
    _check_options("gradcheck", torch_options)
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
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
    return True


def _reverse_mode(outs, out_grad, diff):
    """d<out_grad, outs>/d input for each input in diff, by the reverse-mode engine (None where unused)."""
    float_outs = [(o, og) for o, og in zip(outs, out_grad) if o.requires_grad]
    if not float_outs:
        return [None] * len(diff)
    return _grad([o for o, _ in float_outs], diff,
                 grad_outputs=[Tensor(og, dtype=o.dtype, device=o.device) for o, og in float_outs], allow_unused=True)


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
