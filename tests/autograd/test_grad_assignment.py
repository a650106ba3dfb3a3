"""`t.grad = value` checks the value as PyTorch does: a tensor of t's shape and dtype (on t's device, or
the other host device), or None."""
import pytest

import autograd as ag


@pytest.mark.parametrize("bad", ["shape", "dtype", "list"])
def test_assigning_a_wrong_grad_is_refused_as_in_pytorch(bad):
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        w = lib.ones(3, requires_grad=True)
        value = {"shape": lambda: lib.ones(2), "dtype": lambda: lib.ones(3, dtype=lib.float64),
                 "list": lambda: [1.0, 2.0, 3.0]}[bad]()
        with pytest.raises((RuntimeError, TypeError)):
            w.grad = value
        assert w.grad is None
    w = ag.ones(3, requires_grad=True)
    w.grad = ag.full((3,), 2.0, device="numba")   # the other host device: taken, on w's device
    assert str(w.grad.device) == str(w.device) and w.grad.tolist() == [2.0, 2.0, 2.0]
    w.grad = None
    assert w.grad is None
