"""Every device's `select` (np.where's branch-free kernels: numpy_kernels/select.py's bit blend, the
numba device's compiled loop) gives np.where's bits and dtype for every broadcasting and value form,
and the ops that use it (leaky_relu, where, maximum) keep PyTorch's values and gradients on large inputs."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from backends import get_backend
from backends.numpy_kernels import select as numpy_select
from tests.helpers import check_against_torch, torch

SIZE = numpy_select.MIN_BLEND_ELEMENTS * 2   # above the size where the blend takes over


def _cases(dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 8, SIZE // 32)).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    x.flat[::7] = np.nan
    x.flat[1::11] = -0.0
    g.flat[2::13] = np.inf
    mask = x > 0
    return [(mask, x, g), (mask, x, 0.0), (mask, 0, g), (mask, x, dtype(-2.5)), (mask[0], x, g), (mask, x[0], g),
            (mask, g[:, :1], x), (mask, x.astype(np.float16), g), (mask, x[:, ::2].repeat(2, axis=1), g),
            (mask, np.asfortranarray(x), g),
            (mask[:1, :1, :5], x[:1, :1, :5], 1.5), (mask, np.asarray(3.0, dtype), g),
            (mask, rng.integers(-9, 9, x.shape, dtype=np.int32), 7)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_select_gives_np_where_bits(device, dtype):
    if device.startswith("cuda"):
        pytest.skip("host arrays only: the GPU's select is cupy.where")
    backend = get_backend(device)
    for cond, a, b in _cases(dtype):
        ours, theirs = backend.select(cond, a, b), np.where(cond, a, b)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours.view(np.uint8), theirs.view(np.uint8))


def test_numpy_blend_gives_np_where_bits_on_half_floats():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(SIZE).astype(np.float16)
    got = numpy_select.select(x > 0, x, np.float16(0.5))
    np.testing.assert_array_equal(got.view(np.uint16), np.where(x > 0, x, np.float16(0.5)).view(np.uint16))


ACTIVATIONS = {"leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), lambda t: torch.nn.functional.leaky_relu(t, 0.2)),
               "leaky_relu_-0.5": (lambda x: F.leaky_relu(x, -0.5), lambda t: torch.nn.functional.leaky_relu(t, -0.5)),
               "leaky_relu_3": (lambda x: F.leaky_relu(x, 3.0), lambda t: torch.nn.functional.leaky_relu(t, 3.0)),
               "elu": (lambda x: F.elu(x), lambda t: torch.nn.functional.elu(t))}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_leaky_activations_on_large_inputs_match_torch(device, name):
    x = np.random.default_rng(3).standard_normal((8, SIZE // 8)).astype(np.float32)
    x[0, :4] = 0.0
    ours, theirs = ACTIVATIONS[name]
    check_against_torch(ours, theirs, [x], device=device, atol=1e-6)


def test_where_and_maximum_on_large_inputs_match_torch(device):
    rng = np.random.default_rng(4)
    a, b = (rng.standard_normal((16, SIZE // 16)).astype(np.float32) for _ in range(2))
    b[::3] = a[::3]   # ties
    check_against_torch(lambda a, b: ag.where(a > b, a * 2, b), lambda a, b: torch.where(a > b, a * 2, b), [a, b],
                        device=device, atol=1e-6)
    check_against_torch(lambda a, b: ag.maximum(a, b), lambda a, b: torch.maximum(a, b), [a, b], device=device,
                        atol=1e-6)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0, 0.0, -0.5, 3.0])
def test_leaky_relu_special_values_give_torchs_bits(device, slope):
    """inf, NaN, signed zeros and subnormals through both forms (the maximum for 0 < slope <= 1, the
    select otherwise) give PyTorch's bits."""
    x = np.array([-np.inf, -1, -0.0, 0.0, 1e-45, 2, np.inf, np.nan], np.float32)
    with np.errstate(invalid="ignore"):
        ours = F.leaky_relu(ag.tensor(x, device=device), slope).numpy()
    theirs = torch.nn.functional.leaky_relu(torch.tensor(x), slope).numpy()
    np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0, 0.0, -0.5, 3.0])
def test_leaky_relu_gradient_on_special_values_gives_torchs_bits(device, slope):
    """The gradient tests the output's sign for a positive slope, the input's otherwise: the same as
    PyTorch's test of the input on inf, NaN, signed zeros and subnormals (a negative subnormal times
    the slope may round to -0.0)."""
    x = np.array([-np.inf, -1, -0.0, 0.0, -1e-45, 1e-45, 2, np.inf, np.nan], np.float32)
    g = np.array([1.5, -2, 3, 4, 5, 6, np.inf, -7, 8], np.float32)
    xt = ag.tensor(x, device=device, requires_grad=True)
    with np.errstate(invalid="ignore"):
        F.leaky_relu(xt, slope).backward(ag.tensor(g, device=device))
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.leaky_relu(tx, slope).backward(torch.tensor(g))
    np.testing.assert_array_equal(xt.grad.numpy().view(np.uint32), tx.grad.numpy().view(np.uint32))


@pytest.mark.parametrize("alpha", [1.0, 0.3])
def test_elu_gradient_on_special_values_matches_torch(device, alpha):
    x = np.array([-np.inf, -30, -1, -0.0, 0.0, 1e-45, 2, np.inf], np.float32)
    g = np.array([1.5, -2, 3, 4, 5, 6, -7, 8], np.float32)
    xt = ag.tensor(x, device=device, requires_grad=True)
    F.elu(xt, alpha).backward(ag.tensor(g, device=device))
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.elu(tx, alpha).backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=0)


@pytest.mark.parametrize("alpha", [1.0, 0.7])
def test_elu_second_derivative_matches_torch_at_zero_and_far_below(device, alpha):
    """PyTorch's double backward of elu masks x < 0 (0 at x == 0, where the first derivative is alpha)
    and keeps alpha * exp(x) * ... far below zero (x = -40, where the output has rounded to -alpha)."""
    x = np.array([-3.0, -0.5, 0.0, 0.7, 2.0, -40.0])
    xt = ag.tensor(x, device=device, requires_grad=True)
    g, = ag.grad(F.elu(xt, alpha).sum(), xt, create_graph=True)
    gg, = ag.grad((g * g).sum(), xt)
    tx = torch.tensor(x, requires_grad=True)
    tg, = torch.autograd.grad(torch.nn.functional.elu(tx, alpha).sum(), tx, create_graph=True)
    tgg, = torch.autograd.grad((tg * tg).sum(), tx)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize("dtype", (np.float16, np.float32, np.float64))
@pytest.mark.parametrize("slope", [0.2, -0.5])
def test_leaky_relu_on_zero_dim_tensors_matches_torch(device, dtype, slope):
    xt = ag.tensor(np.array(-2.0, dtype), device=device, requires_grad=True)
    y = F.leaky_relu(xt, slope)
    y.backward()
    tx = torch.tensor(np.array(-2.0, dtype), requires_grad=True)
    ty = torch.nn.functional.leaky_relu(tx, slope)
    ty.backward()
    assert y.shape == () and y.dtype == xt.dtype
    assert float(y) == float(ty.detach()) and float(xt.grad) == float(tx.grad)


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
def test_elu_special_values_match_torch(device, dtype):
    """inf, NaN, signed zeros, values far below zero (where expm1 is -1) and tiny ones (where it must
    not round to 0) through the forward, against PyTorch's values and zero signs."""
    x = np.array([-np.inf, -1000, -60, -30, -1, -1e-8, -0.0, 0.0, 1e-8, 1, 100, np.inf, np.nan], dtype)
    y = F.elu(ag.tensor(x, device=device), 0.7).numpy()
    ref = torch.nn.functional.elu(torch.tensor(x), 0.7).numpy()
    np.testing.assert_allclose(y, ref, rtol=2e-7 if dtype == np.float32 else 1e-15, atol=0)
    np.testing.assert_array_equal(np.signbit(y), np.signbit(ref))
