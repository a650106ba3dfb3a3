"""User-defined ops: ag.Function subclasses with staticmethod forward/backward and save_for_backward."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch



class Cube(ag.Function):
    """x ** 3, written as a user would."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return 3 * x * x * gy


class ScaledSoftplus(ag.Function):
    """scale * log(1 + exp(a * b)) with a tensor pair and a plain-number argument, through ctx.xp."""

    @staticmethod
    def forward(ctx, a, b, scale):
        xp = ctx.xp
        z = a * b
        out = scale * xp.logaddexp(0, z)
        ctx.save_for_backward(a, b, z)
        ctx.scale = scale
        return out

    @staticmethod
    def backward(ctx, gy):
        a, b, z = ctx.saved_tensors
        gz = gy * ctx.scale / (1 + ctx.xp.exp(-z))
        need = ctx.needs_input_grad
        ga = ag.unbroadcast(gz * b, a.shape) if need[0] else None
        gb = ag.unbroadcast(gz * a, b.shape) if need[1] else None
        return ga, gb, None


class SplitSigns(ag.Function):
    """Two outputs (positive and negative parts) and a third, integer output that carries no gradient."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        pos = xp.maximum(x, 0)
        neg = xp.minimum(x, 0)
        count = (x > 0).sum(keepdims=True).astype(np.int64)
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable(count)
        return pos, neg, count

    @staticmethod
    def backward(ctx, g_pos, g_neg, g_count):
        (x,) = ctx.saved_tensors
        return ctx.xp.where(x > 0, g_pos, g_neg)


def test_custom_function_values_and_gradients(device):
    x = rand((2, 3), seed=1)
    check_against_torch(Cube.apply, lambda t: t ** 3, [x], device=device)
    check_gradcheck(Cube.apply, [x], device=device)


def test_custom_function_with_broadcasting_and_a_non_tensor_argument(device):
    a, b = rand((2, 3), seed=2), rand((3,), seed=3)

    def ours(x, y):
        return ScaledSoftplus.apply(x, y, 0.5)

    def theirs(x, y):
        return 0.5 * torch.nn.functional.softplus(x * y)
    check_against_torch(ours, theirs, [a, b], device=device)
    check_against_torch(ours, theirs, [a, b], device=device, requires_grad=[False, True])
    check_gradcheck(ours, [a, b], device=device)


def test_custom_function_output_records_a_graph_only_when_needed(device):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = Cube.apply(x)
    assert y.requires_grad and isinstance(y.grad_fn, Cube)
    with ag.no_grad():
        assert not Cube.apply(x).requires_grad
    assert not Cube.apply(ag.tensor([1.0], device=device)).requires_grad


def test_custom_function_with_several_outputs(device):
    x_np = np.array([-1.5, 0.5, 2.0, -0.25])
    x = ag.tensor(x_np, device=device, requires_grad=True)
    pos, neg, count = SplitSigns.apply(x)
    assert pos.requires_grad and neg.requires_grad and not count.requires_grad
    assert count.dtype == np.int64 and count.item() == 2
    (3 * pos.sum() + neg.sum()).backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), np.where(x_np > 0, 3.0, 1.0))
    x.grad = None
    pos.sum().backward()  # the unused output's gradient arrives as zeros
    np.testing.assert_array_equal(x.grad.numpy(), (x_np > 0).astype(float))


def test_custom_function_supports_higher_order_gradients(device):
    x = ag.tensor([0.5, -2.0], dtype=ag.float64, device=device, requires_grad=True)
    (g,) = ag.grad(Cube.apply(x).sum(), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())


def test_custom_function_saved_input_is_version_checked(device):
    x = ag.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = x * 1.0
    y = Cube.apply(h).sum()
    with ag.no_grad():
        h += 1.0
    with pytest.raises(ag.GraphError, match="cube.*modified in place"):
        y.backward()


def test_backward_returning_the_wrong_number_of_gradients_is_an_error(device):
    class TwoForOne(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return gy * 2, gy

    x = ag.tensor([1.0], device=device, requires_grad=True)
    with pytest.raises(ag.GraphError, match="twoforone.*2 gradients.*1 forward argument"):
        TwoForOne.apply(x).sum().backward()


def test_function_without_forward_or_tensor_arguments_is_an_error(device):
    class NoForward(ag.Function):
        pass

    with pytest.raises((TypeError, ValueError), match="must define forward"):
        NoForward.apply(ag.tensor([1.0], device=device))
    with pytest.raises(TypeError, match="cube.*Tensor"):
        Cube.apply(np.ones(2))
