"""Property tests (hypothesis): broadcasting binary ops and reductions over random axes agree with PyTorch."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import torch

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

# the device fixture is a plain name, so reusing it across generated examples is safe
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BINARY = {
    "add": (lambda a, b: a + b, torch.add),
    "sub": (lambda a, b: a - b, torch.sub),
    "mul": (lambda a, b: a * b, torch.mul),
    "div": (lambda a, b: a / b, torch.div),
    "maximum": (ag.maximum, torch.maximum),
    "where": (lambda a, b: ag.where(a > b, a * b, b), lambda a, b: torch.where(a > b, a * b, b)),
}


def _values(shape, seed, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _compare(ours_fn, torch_fn, arrays, device):
    ts = [ag.tensor(a, device=device, requires_grad=True) for a in arrays]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours_fn(*ts), torch_fn(*tt)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    cot = _values(out.shape, 99)
    (out * ag.tensor(cot, device=device)).sum().backward()
    (expected * torch.tensor(cot)).sum().backward()
    for a, t, arr in zip(ts, tt, arrays):
        assert a.grad.shape == arr.shape == tuple(t.grad.shape)
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=3),
       op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2 ** 16))
def test_broadcasting_binary_op_gradients_have_the_input_shapes_and_match_torch(device, shapes, op, seed):
    ours_fn, torch_fn = BINARY[op]
    a, b = shapes.input_shapes
    arrays = [_values(a, seed), _values(b, seed + 1, 0.5, 2.0)]  # positive denominators for div
    _compare(ours_fn, torch_fn, arrays, device)


REDUCTIONS = {
    "sum": (ag.sum, lambda t, d, k: torch.sum(t, dim=d, keepdim=k)),
    "mean": (ag.mean, lambda t, d, k: torch.mean(t, dim=d, keepdim=k)),
    "max": (ag.amax, lambda t, d, k: torch.amax(t, dim=d, keepdim=k)),
    "min": (ag.amin, lambda t, d, k: torch.amin(t, dim=d, keepdim=k)),
    "logsumexp": (ag.logsumexp, lambda t, d, k: torch.logsumexp(t, dim=d, keepdim=k)),
    "var": (lambda x, axis, keepdims: ag.var(x, axis=axis, keepdims=keepdims, correction=0), lambda t, d, k: torch.var(t, dim=d, correction=0, keepdim=k)),
    "std": (lambda x, axis, keepdims: ag.std(x, axis=axis, keepdims=keepdims, unbiased=False), lambda t, d, k: torch.std(t, dim=d, correction=0, keepdim=k)),
    # the vector norm on both sides: torch.norm's default p='fro' is a matrix norm over a 2-tuple of dims (it
    # refuses 3 dims, as ag.norm does since it follows torch.norm)
    "norm": (lambda x, axis, keepdims: ag.linalg.vector_norm(x, dim=axis, keepdim=keepdims),
             lambda t, d, k: torch.linalg.vector_norm(t, dim=d, keepdim=k)),
}


@st.composite
def shape_and_axes(draw):
    """A shape (1-4 dims, sides 1-3) and a non-empty set of its axes, each written positive or negative."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    chosen = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True))
    axes = tuple(a - len(shape) if draw(st.booleans()) else a for a in chosen)
    form = draw(st.sampled_from(["tuple", "int", "none"]))
    if form == "int":
        return shape, axes[0]
    if form == "none":
        return shape, None
    return shape, axes


@SETTINGS
@given(case=shape_and_axes(), keepdims=st.booleans(), op=st.sampled_from(sorted(REDUCTIONS)),
       seed=st.integers(0, 2 ** 16))
def test_reductions_over_random_axes_match_torch(device, case, keepdims, op, seed):
    shape, axis = case
    ours_fn, torch_fn = REDUCTIONS[op]
    dims = tuple(range(len(shape))) if axis is None else axis
    _compare(lambda t: ours_fn(t, axis=axis, keepdims=keepdims), lambda t: torch_fn(t, dims, keepdims),
             [_values(shape, seed)], device)
