"""Regressions for the lead's own Keras fixes in stop 52."""
import numpy as np

import autograd as ag
from nn import keras


def test_remat_recomputes_again_for_each_backward_through_a_retained_graph():
    rng = np.random.RandomState(3)
    w = ag.tensor(rng.randn(4, 4), requires_grad=True)

    def block(v):
        return ag.tanh(v @ w).sin() * v

    x = ag.tensor(rng.randn(5, 4), requires_grad=True)
    plain = ag.grad(block(x).sum(), [x, w])
    total = keras.remat(block)(x).sum()
    first = ag.grad(total, [x, w], retain_graph=True)
    second = ag.grad(total, [x, w])
    for p, a, b in zip(plain, first, second):
        np.testing.assert_array_equal(a.numpy(), p.numpy())
        np.testing.assert_array_equal(b.numpy(), p.numpy())
