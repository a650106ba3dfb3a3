"""Custom autograd Functions whose forward returns non-tensor values beside tensors (a scale, a flag, None), which
PyTorch passes through apply and answers with None gradients in backward (deepgrad failed with "'float' object has
no attribute 'shape'"), and ctx.save_for_forward with forward-mode AD (missing before). Against PyTorch."""
import numpy as np
import pytest

import autograd as ag

X = np.array([[1.0, -2.0], [0.5, 3.0]])


def _mixed(lib):
    class Scaled(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k, k, None, x.sum()

        @staticmethod
        def backward(ctx, g, gk, gnone, gsum):
            assert gk is None and gnone is None
            return g * ctx.k + gsum, None
    return Scaled


@pytest.mark.parametrize("grad_on", [True, False])
def test_non_tensor_outputs_pass_through_apply_like_pytorch(grad_on):
    torch = pytest.importorskip("torch")
    results = []
    for lib in (ag, torch):
        x = lib.tensor(X, requires_grad=True)
        with lib.set_grad_enabled(grad_on):
            y, k, nothing, total = _mixed(lib).apply(x, 3.0)
        entry = [k, nothing, y.detach().numpy().tolist(), total.item(), y.requires_grad]
        if grad_on:
            (y.sum() + total * 2).backward()
            entry.append(x.grad.numpy().tolist())
        results.append(entry)
    assert results[0] == results[1]


def test_a_forward_returning_no_tensor_is_named():
    class OnlyNumbers(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return 1.0, "two"

        @staticmethod
        def backward(ctx, a, b):
            return None
    with pytest.raises(TypeError, match=r"OnlyNumbersBackward: forward must return at least one Tensor, got "
                                        r"\(float, str\)"):
        OnlyNumbers.apply(ag.tensor(X, requires_grad=True))


def test_save_for_forward_and_forward_mode_ad_match_pytorch():
    torch = pytest.importorskip("torch")
    tangents = []
    for lib in (ag, torch):
        class Sine(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_forward(x)
                ctx.save_for_backward(x)
                return x.sin()

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * x.cos()

            @staticmethod
            def jvp(ctx, t):
                x, = ctx.saved_tensors
                return t * x.cos()
        fwd = lib.autograd.forward_ad
        with fwd.dual_level():
            dual = fwd.make_dual(lib.tensor(X), lib.tensor(np.full((2, 2), 0.5)))
            tangents.append(fwd.unpack_dual(Sine.apply(dual)).tangent.detach().numpy())
    np.testing.assert_allclose(tangents[0], tangents[1], rtol=1e-14)
