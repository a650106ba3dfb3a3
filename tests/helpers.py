"""Shared checks: an op against PyTorch (forward and gradients), and gradcheck in float64."""
import numpy as np
import pytest

import autograd as ag


def rand(shape, dtype=np.float64, low=-1.0, high=1.0, seed=None):
    """Random host array of `shape` uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=shape).astype(dtype)


def check_against_torch(ours, theirs, arrays, device="cpu", requires_grad=None, atol=1e-6, rtol=1e-5,
                        grad_seed=1):
    """Run ours(*tensors) and theirs(*torch_tensors) on the same arrays; compare outputs and input gradients.

    `requires_grad`: which inputs get gradients (default: every float input). Outputs may be a tensor or a
    tuple; every float output is contracted with the same random cotangent before backward.
    """
    torch = pytest.importorskip("torch")
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
        np.testing.assert_allclose(o.numpy(), t_np, atol=atol, rtol=rtol, err_msg="forward differs from torch")
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


def check_gradcheck(fn, arrays, device="cpu", requires_grad=None, **kwargs):
    """gradcheck fn at float64 copies of `arrays` (every float input requires grad unless told)."""
    if requires_grad is None:
        requires_grad = [np.asarray(a).dtype.kind == "f" for a in arrays]
    ts = [ag.tensor(np.asarray(a, dtype=np.float64) if rg else np.asarray(a), device=device, requires_grad=rg)
          for a, rg in zip(arrays, requires_grad)]
    assert ag.gradcheck(fn, ts, raise_exception=True, **kwargs)
