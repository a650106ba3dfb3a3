"""`ag.autograd.Function`: custom ops written exactly as for PyTorch (forward/backward on Tensors)."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand


def _classes(lib):
    """The PyTorch tutorials' custom Functions, written once against `lib` (torch or deepgrad)."""

    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    class ScaleAndShift(lib.autograd.Function):
        """Two tensor inputs, a number, and two outputs."""

        @staticmethod
        def forward(ctx, x, w, scale):
            ctx.save_for_backward(x, w)
            ctx.scale = scale
            return x * w * scale, x + w

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            x, w = ctx.saved_tensors
            return g_prod * w * ctx.scale + g_sum, g_prod * x * ctx.scale + g_sum, None

    return LegendrePolynomial3, MyReLU, ScaleAndShift


OURS = _classes(ag)


@pytest.mark.parametrize("k", [0, 1])
def test_tutorial_functions_match_torch(device, k):
    torch = pytest.importorskip("torch")
    theirs = _classes(torch)[k]
    check_against_torch(OURS[k].apply, theirs.apply, [rand((3, 4), seed=k)], device=device)
    check_gradcheck(OURS[k].apply, [rand((3, 4), seed=k + 7) + 0.05], device=device)


def test_two_inputs_two_outputs_and_a_number(device):
    torch = pytest.importorskip("torch")
    theirs = _classes(torch)[2]
    check_against_torch(lambda x, w: OURS[2].apply(x, w, 1.5), lambda x, w: theirs.apply(x, w, 1.5),
                        [rand((2, 3), seed=1), rand((2, 3), seed=2)], device=device)
    check_gradcheck(lambda x, w: OURS[2].apply(x, w, 1.5), [rand((2, 3), seed=3), rand((2, 3), seed=4)],
                    device=device)


def test_forward_sees_tensors_without_a_graph_and_higher_order_works(device):
    seen = {}

    class Square(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen["type"], seen["grad"], seen["is_x"] = type(x), x.requires_grad, x is given[0]
            ctx.save_for_backward(x)
            out = x * x
            seen["graph"] = out.requires_grad or out.grad_fn is not None
            return out

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    x = ag.tensor(np.array([1.0, -2.0, 3.0]), device=device, requires_grad=True)
    given = [x]
    y = Square.apply(x)
    # forward gets the argument itself (requires_grad and all, as PyTorch's), and records no graph
    assert seen == {"type": ag.Tensor, "grad": True, "is_x": True, "graph": False}
    assert y.grad_fn.name() == "SquareBackward"
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0, 6.0])
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 2.0])
    assert ag.autograd.grad is ag.grad and ag.autograd.gradcheck is ag.gradcheck


def test_needs_input_grad_is_a_tuple_of_flags_as_in_pytorch(device):
    torch = pytest.importorskip("torch")

    def record(lib):
        seen = []

        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, scale):
                seen.append(("forward", ctx.needs_input_grad))
                return x * y * scale

            @staticmethod
            def backward(ctx, g):
                seen.append(("backward", ctx.needs_input_grad))
                return g, g, None
        return Mul, seen

    for make in (lambda lib, v, r: lib.tensor(v, requires_grad=r, **({"device": device} if lib is ag else {})),):
        ours, ours_seen = record(ag)
        theirs, theirs_seen = record(torch)
        ours.apply(make(ag, [1.0, 2.0], True), make(ag, [3.0, 4.0], False), 2.0).sum().backward()
        theirs.apply(make(torch, [1.0, 2.0], True), make(torch, [3.0, 4.0], False), 2.0).sum().backward()
        with ag.no_grad(), torch.no_grad():
            ours.apply(make(ag, [1.0], True), make(ag, [1.0], True), 1.0)
            theirs.apply(make(torch, [1.0], True), make(torch, [1.0], True), 1.0)
        # which inputs require grad, also under no_grad (PyTorch reports the inputs' flags there too)
        assert ours_seen == theirs_seen == [("forward", (True, False, False)), ("backward", (True, False, False)),
                                            ("forward", (True, True, False))]
