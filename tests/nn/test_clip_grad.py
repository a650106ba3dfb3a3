"""nn.utils: gradient clipping and parameter/vector conversion against torch.nn.utils."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import torch

SHAPES = [(3, 4), (5,), (2, 1, 3)]


def _pairs(device, scale=1.0, dtype=np.float64):
    rng = np.random.default_rng(3)
    ours, theirs = [], []
    for shape in SHAPES:
        value, grad = rng.standard_normal(shape).astype(dtype), (scale * rng.standard_normal(shape)).astype(dtype)
        p = ag.tensor(value, device=device, requires_grad=True)
        p.grad = ag.tensor(grad.copy(), device=device)
        t = torch.tensor(value, requires_grad=True)
        t.grad = torch.tensor(grad.copy())
        ours.append(p)
        theirs.append(t)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(device, norm_type, max_norm):
    ours, theirs = _pairs(device)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, ag.Tensor) and total.shape == ()
    np.testing.assert_allclose(total.numpy(), ttotal.numpy(), rtol=1e-10)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_clip_grad_norm_float32_in_place(device):
    ours, theirs = _pairs(device, scale=10.0, dtype=np.float32)
    grads = [p.grad for p in ours]
    versions = [g._version for g in grads]
    total = nn.utils.clip_grad_norm_(iter(ours), 1.0)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert total.dtype == np.float32
    np.testing.assert_allclose(total.item(), ttotal.item(), rtol=1e-5)
    for p, g, v, t in zip(ours, grads, versions, theirs):
        assert p.grad is g and g.dtype == np.float32 and g._version == v + 1
        np.testing.assert_allclose(g.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-6)
    clipped = np.sqrt(sum(float((p.grad.numpy().astype(np.float64) ** 2).sum()) for p in ours))
    assert clipped == pytest.approx(1.0, rel=1e-4)


def test_clip_grad_norm_single_tensor_and_no_grads(device):
    p = ag.tensor(np.ones(4), device=device, requires_grad=True)
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == 0.0
    p.grad = ag.tensor(np.full(4, 3.0), device=device)
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(6.0)
    np.testing.assert_allclose(p.grad.numpy(), np.full(4, 0.5), rtol=1e-6)


def test_shared_gradient_is_scaled_once(device):
    a = ag.tensor(np.ones(4), device=device, requires_grad=True)
    b = ag.tensor(np.ones(4), device=device, requires_grad=True)
    a.grad = ag.tensor(np.full(4, 3.0), device=device)
    b.grad = a.grad
    total = nn.utils.clip_grad_norm_([a, b, a], 1.0)
    assert total.item() == pytest.approx(6.0)
    np.testing.assert_allclose(a.grad.numpy(), np.full(4, 0.5), rtol=1e-6)


def test_nonfinite_norm(device):
    ours, theirs = _pairs(device)
    ours[1].grad._data[0] = np.nan
    theirs[1].grad[0] = float("nan")
    with pytest.raises(RuntimeError, match="non-finite|nan"):
        nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    total = nn.utils.clip_grad_norm_(ours, 1.0)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert np.isnan(total.item()) and np.isnan(ttotal.item())
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(np.isnan(p.grad.numpy()), np.isnan(t.grad.numpy()))


def test_clip_grad_value_matches_torch(device):
    ours, theirs = _pairs(device)
    assert nn.utils.clip_grad_value_(ours, 0.7) is None
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("call,match", [
    (lambda ps: nn.utils.clip_grad_norm_(ps, float("nan")), "max_norm"),
    (lambda ps: nn.utils.clip_grad_value_(ps, float("nan")), "clip_value"),
])
def test_bad_limits(device, call, match):
    ours, _ = _pairs(device)
    with pytest.raises(ValueError, match=match):
        call(ours)


@pytest.mark.parametrize("clip", ["clip_grad_norm_", "clip_grad_value_"])
def test_negative_limits_run_as_pytorch(device, clip):
    """PyTorch takes a negative limit: clip_grad_value_ sets every entry to it, clip_grad_norm_ flips and scales."""
    ours, theirs = _pairs(device)
    getattr(nn.utils, clip)(ours, -0.5)
    getattr(torch.nn.utils, clip)(theirs, -0.5)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_parameters_to_vector_and_back(device):
    ours, theirs = _pairs(device)
    vec = nn.utils.parameters_to_vector(ours)
    np.testing.assert_array_equal(vec.numpy(), torch.nn.utils.parameters_to_vector(theirs).detach().numpy())
    for p in ours:
        p.grad = None
    (vec * vec).sum().backward()  # differentiable, as torch's
    for p in ours:
        np.testing.assert_allclose(p.grad.numpy(), 2 * p.numpy())
    new = ag.tensor(np.arange(vec.size, dtype=np.float64), device=device)
    nn.utils.vector_to_parameters(new, ours)
    torch.nn.utils.vector_to_parameters(torch.arange(vec.size, dtype=torch.float64), theirs)
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.numpy(), t.detach().numpy())
        assert p._version == 1
    new._data[...] = -1.0  # the parameters hold copies, not views of vec
    assert ours[0].numpy()[0, 0] == 0.0


def test_conversion_bad_input(device):
    ours, _ = _pairs(device)
    with pytest.raises(ValueError, match="size 23"):
        nn.utils.vector_to_parameters(ag.tensor(np.zeros(22), device=device), ours)
    with pytest.raises(TypeError, match="expected a Tensor"):
        nn.utils.vector_to_parameters(np.zeros(23), ours)
    with pytest.raises(TypeError, match="expected Tensors"):
        nn.utils.parameters_to_vector([np.zeros(3)])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_get_total_norm_and_clip_grads_with_norm_match_torch(device, norm_type):
    if torch is None:
        pytest.skip("needs torch")
    ours, theirs = _pairs(device, scale=3.0)
    total = nn.utils.get_total_norm([p.grad for p in ours], norm_type=norm_type)
    ttotal = torch.nn.utils.get_total_norm([t.grad for t in theirs], norm_type=norm_type)
    np.testing.assert_allclose(total.numpy(), ttotal.numpy(), rtol=1e-10)
    nn.utils.clip_grads_with_norm_(ours, 1.0, total)
    torch.nn.utils.clip_grads_with_norm_(theirs, 1.0, ttotal)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert float(nn.utils.get_total_norm([])) == float(torch.nn.utils.get_total_norm([])) == 0.0
