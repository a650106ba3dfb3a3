"""Higher derivatives of x ** n at x == 0 follow PyTorch: the derivative through an exponent of 0 is 0,
not 0 * x ** -1 (nan), so the third derivative of x ** 2 is 0 everywhere."""
import numpy as np
import pytest

import autograd as ag

VALUES = [0.0, 1.5, -2.0, 0.25]


@pytest.mark.parametrize("exponent", [0, 1, 2, 3, 2.0])
def test_repeated_derivatives_match_pytorch(exponent):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(VALUES, dtype=torch.float64, requires_grad=True)
    x = ag.tensor(VALUES, dtype=ag.float64, requires_grad=True)
    yt, y = (xt ** exponent).sum(), (x ** exponent).sum()
    for order in range(1, 5):
        (dt,) = torch.autograd.grad(yt, xt, create_graph=True, allow_unused=True)
        (d,) = ag.grad(y, x, create_graph=True, allow_unused=True)
        if dt is None:
            assert d is None or not np.any(d.detach().numpy())
            return
        np.testing.assert_allclose(d.detach().numpy(), dt.detach().numpy(), rtol=1e-12, atol=0,
                                   err_msg=f"derivative {order} of x ** {exponent}")
        if not dt.requires_grad:
            return
        yt, y = dt.sum(), d.sum()


def test_a_tensor_exponent_of_zero_gives_a_zero_base_gradient():
    torch = pytest.importorskip("torch")
    exps = [0.0, 2.0, 0.0, 3.0]
    xt = torch.tensor(VALUES, dtype=torch.float64, requires_grad=True)
    et = torch.tensor(exps, dtype=torch.float64, requires_grad=True)
    x = ag.tensor(VALUES, dtype=ag.float64, requires_grad=True)
    e = ag.tensor(exps, dtype=ag.float64, requires_grad=True)
    (xt ** et).sum().backward()
    with np.errstate(all="ignore"):
        (x ** e).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    np.testing.assert_allclose(e.grad.numpy(), et.grad.numpy(), rtol=1e-12, equal_nan=True)
