"""Shared checks: an op against PyTorch (forward and gradients), gradcheck in float64, and the tolerances
for comparing float32/float16 results; `torch`, the oracle, imported by the test that first uses it."""
import os

import numpy as np
import pytest

import autograd as ag


def require_torch():
    """The torch module; skips the calling test when PyTorch is missing (tests/conftest.py turns that skip
    into a failure under DEEPGRAD_REQUIRE_ORACLE=1)."""
    return pytest.importorskip("torch")


class _TorchOnDemand:
    """Stands for the torch module in test files, so a file's torch-free tests still run where PyTorch is
    missing. With torch installed, `torch.X` is torch's own X. Without it, `torch.X` (and `torch.nn.X`...)
    is a placeholder, so module-level tables like `[("exp", ag.exp, torch.exp)]` still build; the test that
    calls a placeholder or reads an attribute of it is skipped, as `pytest.importorskip("torch")` would."""

    def __init__(self, path=()):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):   # pytest and inspect probe dunder names while collecting
            raise AttributeError(name)
        try:
            import torch as module
        except ImportError:
            return _TorchOnDemand(self._path + (name,))
        for part in self._path + (name,):
            module = getattr(module, part)
        return module

    def __call__(self, *args, **kwargs):
        require_torch()   # only placeholders are ever called: torch is missing, so this skips

    def __instancecheck__(self, instance):
        return False      # isinstance(x, torch.Tensor) without torch: nothing is a torch object

    def __repr__(self):
        return f"<torch.{'.'.join(self._path)}: PyTorch is not installed>"


torch = _TorchOnDemand()


def tolerance(dtype, ops=1):
    """assert_allclose tolerances (rtol and atol) for two computations of values of order one in `dtype`, each
    rounding at most `ops` times along its longest chain of dependent steps.

    Each result is then within ops * eps/2 (relative) of the exact value, so the two differ by at most
    ops * eps; the factor 2 on top leaves room for an op that amplifies its input's rounding. Reductions
    that accumulate in a wider type count as one rounding, whatever their length.
    """
    eps = float(np.finfo(dtype).eps)
    return dict(rtol=2 * ops * eps, atol=2 * ops * eps)


def rand(shape, dtype=np.float64, low=-1.0, high=1.0, seed=None):
    """Random host array of `shape` uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=shape).astype(dtype)


def unit_rand(shape, seed=1):
    """Random float64 values in (-0.9, 0.9): inside the domain of atanh, acos, logit, ..."""
    return rand(shape, low=-0.9, high=0.9, seed=seed)


def distinct_rand(shape, seed=3):
    """Float64 values without ties in [-0.5, 0.5) (order statistics pick unambiguous positions)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) / n - 0.5).astype(np.float64)


def check_against_torch(ours, theirs, arrays, device=None, requires_grad=None, atol=1e-6, rtol=1e-5,
                        grad_seed=1):
    """Run ours(*tensors) and theirs(*torch_tensors) on the same arrays; compare outputs and input gradients.

    `requires_grad`: which inputs get gradients (default: every float input). Outputs may be a tensor or a
    tuple; each must have torch's shape, dtype and requires_grad; every float output is contracted with the
    same random cotangent before backward.
    """
    torch = require_torch()
    if requires_grad is None:
        requires_grad = [np.asarray(a).dtype.kind == "f" for a in arrays]
    ts = [ag.tensor(np.asarray(a), device=device, requires_grad=rg) for a, rg in zip(arrays, requires_grad)]
    tt = [torch.tensor(np.asarray(a), requires_grad=rg) for a, rg in zip(arrays, requires_grad)]
    out_ours = ours(*ts)
    out_theirs = theirs(*tt)
    outs_o = list(out_ours) if isinstance(out_ours, (tuple, list)) else [out_ours]
    outs_t = list(out_theirs) if isinstance(out_theirs, (tuple, list)) else [out_theirs]
    assert len(outs_o) == len(outs_t)
    rng = np.random.default_rng(grad_seed)
    cot = []
    for o, t in zip(outs_o, outs_t):
        t_np = t.detach().numpy()
        assert tuple(o.shape) == tuple(t_np.shape), f"shape {o.shape} != torch {tuple(t_np.shape)}"
        assert o.dtype == t_np.dtype, f"dtype {o.dtype} != torch {t_np.dtype}"
        np.testing.assert_allclose(o.numpy(), t_np, atol=atol, rtol=rtol, err_msg="forward differs from torch")
        # without this, an output that lost its graph (detached) would skip the gradient comparison below
        assert o.requires_grad == t.requires_grad, (
            f"output requires_grad={o.requires_grad}, torch's {t.requires_grad}: detached or wrongly attached")
        cot.append(rng.standard_normal(o.shape).astype(t_np.dtype) if t_np.dtype.kind == "f" else None)
    if not any(requires_grad):
        return
    pairs = [(o, t, c) for o, t, c in zip(outs_o, outs_t, cot) if c is not None and o.requires_grad]
    if not pairs:
        return
    total_o = sum((o * ag.tensor(c, device=device)).sum() for o, _, c in pairs)
    total_t = sum((t * torch.tensor(c)).sum() for _, t, c in pairs)
    total_o.backward()
    total_t.backward()
    for k, (a, b, rg) in enumerate(zip(ts, tt, requires_grad)):
        if not rg:
            continue
        gb = b.grad
        if gb is None:
            assert a.grad is None or np.allclose(a.grad.numpy(), 0), f"input {k}: torch has no gradient"
            continue
        assert a.grad is not None, f"input {k}: no gradient, torch has one"
        np.testing.assert_allclose(a.grad.numpy(), gb.numpy(), atol=atol, rtol=rtol,
                                   err_msg=f"gradient of input {k} differs from torch")


def check_gradcheck(fn, arrays, device=None, requires_grad=None, **kwargs):
    """gradcheck fn at float64 copies of `arrays` (every float input requires grad unless told)."""
    if requires_grad is None:
        requires_grad = [np.asarray(a).dtype.kind in "fc" for a in arrays]
    ts = [ag.tensor(np.asarray(a, dtype=np.complex128 if np.asarray(a).dtype.kind == "c" else np.float64)
                    if rg else np.asarray(a), device=device, requires_grad=rg)
          for a, rg in zip(arrays, requires_grad)]
    assert ag.gradcheck(fn, ts, raise_exception=True, **kwargs)


def regression_arrays(seed=11):
    """(X (12, 3), Y (12, 2), W0 (3, 2), b0 (2,)): float64 data and starting weights for a RegressionPair."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((12, 3)), rng.standard_normal((12, 2)), rng.standard_normal((3, 2)),
            rng.standard_normal(2))


class RegressionPair:
    """One linear regression, loss = mean((X @ W + b - Y)**2), set up in deepgrad (`params`, `loss`) and in
    torch (`tparams`, `tloss`) from the same arrays (x, y, w0, b0): for checking optimisers step by step."""

    def __init__(self, torch, arrays, device=None, dtype=np.float64):
        x, y, w0, b0 = (np.asarray(a).astype(dtype) for a in arrays)
        self.x, self.y = ag.tensor(x, device=device), ag.tensor(y, device=device)
        self.params = [ag.tensor(w0, device=device, requires_grad=True),
                       ag.tensor(b0, device=device, requires_grad=True)]
        self.tx, self.ty = torch.tensor(x), torch.tensor(y)
        self.tparams = [torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)]

    def loss(self):
        w, b = self.params
        r = self.x @ w + b - self.y
        return (r * r).mean()

    def tloss(self):
        w, b = self.tparams
        return ((self.tx @ w + b - self.ty) ** 2).mean()

    def step(self, opt, topt):
        """One step of deepgrad's optimiser `opt` and of torch's `topt`."""
        opt.zero_grad()
        self.loss().backward()
        opt.step()
        topt.zero_grad()
        self.tloss().backward()
        topt.step()

    def assert_close(self, rtol=1e-6, atol=1e-8, msg=""):
        """deepgrad's parameters equal torch's within the tolerances."""
        for p, tp in zip(self.params, self.tparams):
            np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=rtol, atol=atol, err_msg=msg)


_GENERIC_DRAWS = {}


def skip_unless_pytorch_draws_generically(*kinds):
    """Skip the calling test where this host's PyTorch draws `kinds` ('bernoulli': bernoulli_(p) and so every
    dropout mask; 'exponential': exponential_ and so multinomial's races and Exponential) otherwise than its
    generic CPU kernels, which deepgrad follows. PyTorch's Linux builds may switch those two to MKL's own
    generators on Intel CPUs (pytorch/pytorch#121595); this probe, not the CPU's vendor, decides."""
    for kind in kinds:
        if not pytorch_draws_generically(kind):
            pytest.skip(f"this host's PyTorch draws {kind} through another generator (MKL's, on Intel CPUs), so "
                        "its numbers there are not the generic kernels' that deepgrad follows")


def pytorch_draws_generically(kind):
    """Whether this host's PyTorch draws `kind` ('bernoulli' or 'exponential', see
    skip_unless_pytorch_draws_generically) with the generic CPU kernels that deepgrad follows."""
    torch = require_torch()
    from backends.torch_stream import TorchStream
    if kind not in _GENERIC_DRAWS:
        theirs = torch.empty(64)
        if kind == "bernoulli":
            theirs.bernoulli_(0.5, generator=torch.Generator().manual_seed(7))
            ours = TorchStream(7).bernoulli(0.5, 64)
        else:   # float32 draws: the float64 logarithm rounded, the same whichever library computes it
            theirs.exponential_(1.0, generator=torch.Generator().manual_seed(7))
            ours = (-np.log1p(-TorchStream(7).random(64))).astype(np.float32)
        _GENERIC_DRAWS[kind] = bool(np.array_equal(theirs.numpy(), ours))
    return _GENERIC_DRAWS[kind]


#: Checks that compile Numba kernels again from an empty cache in a child process (the kernels' vectorised LLVM IR,
#: the other SIMD width's tiles): several minutes of compiling on two cores, about a tenth of the suite, so they
#: run when DEEPGRAD_FRESH_COMPILE_CHECKS=1 is set (each stop's verification, README "Testing"), not in CI's run
fresh_compile_check = pytest.mark.skipif(
    os.environ.get("DEEPGRAD_FRESH_COMPILE_CHECKS", "") in ("", "0"),
    reason="compiles Numba kernels from an empty cache (minutes); set DEEPGRAD_FRESH_COMPILE_CHECKS=1 to run it")
